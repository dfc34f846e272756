package home

import (
	"testing"

	"mach/assets/i18n"
)

func mustEnglish(t *testing.T) *i18n.Translator {
	t.Helper()
	tr, err := i18n.New(i18n.English)
	if err != nil {
		t.Fatal(err)
	}
	return tr
}
