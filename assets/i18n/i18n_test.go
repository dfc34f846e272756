package i18n

import (
	"errors"
	"fmt"
	"regexp"
	"testing"
	"time"
)

// verbs matches fmt verbs so that both languages take the same arguments.
var verbs = regexp.MustCompile(`%[-+# 0-9.]*[a-zA-Z%]`)

func TestLanguagesHaveTheSameKeysAndVerbs(t *testing.T) {
	vi := MustNew(Vietnamese)
	en := MustNew(English)
	for _, k := range vi.Keys() {
		if !en.Has(k) {
			t.Errorf("key %q is in vi but not en", k)
			continue
		}
		a := verbs.FindAllString(vi.T(k), -1)
		b := verbs.FindAllString(en.T(k), -1)
		if len(a) != len(b) {
			t.Errorf("key %q: vi has verbs %v, en has %v", k, a, b)
		}
	}
	for _, k := range en.Keys() {
		if !vi.Has(k) {
			t.Errorf("key %q is in en but not vi", k)
		}
	}
	for _, k := range vi.Keys() {
		if vi.T(k) == "" {
			t.Errorf("key %q is empty in vi", k)
		}
	}
}

func TestUnknownLanguageIsRefused(t *testing.T) {
	if _, err := New("fr"); err == nil {
		t.Fatal("New(fr) succeeded")
	}
	tr, err := New("")
	if err != nil || tr.Lang() != Vietnamese {
		t.Fatalf("New(\"\") = %v, %v; want Vietnamese", tr, err)
	}
}

func TestFromEnv(t *testing.T) {
	t.Setenv("MACH_LANG", "en")
	tr, err := FromEnv("")
	if err != nil || tr.Lang() != English {
		t.Fatalf("FromEnv with MACH_LANG=en = %v, %v", tr, err)
	}
	tr, err = FromEnv("vi")
	if err != nil || tr.Lang() != Vietnamese {
		t.Fatalf("flag must win over MACH_LANG: %v, %v", tr, err)
	}
}

func TestMissingKeyIsVisible(t *testing.T) {
	if got := MustNew(Vietnamese).T("no.such.key"); got != "!no.such.key" {
		t.Fatalf("missing key = %q", got)
	}
}

func TestNumberFormats(t *testing.T) {
	vi, en := MustNew(Vietnamese), MustNew(English)
	cases := []struct {
		f        float64
		decimals int
		vi, en   string
	}{
		{1685, 0, "1.685", "1,685"},
		{89.8, 1, "89,8", "89.8"},
		{1234567.25, 2, "1.234.567,25", "1,234,567.25"},
		{-1000, 0, "-1.000", "-1,000"},
		{0, 0, "0", "0"},
		{999, 0, "999", "999"},
	}
	for _, c := range cases {
		if got := vi.Number(c.f, c.decimals); got != c.vi {
			t.Errorf("vi.Number(%v) = %q, want %q", c.f, got, c.vi)
		}
		if got := en.Number(c.f, c.decimals); got != c.en {
			t.Errorf("en.Number(%v) = %q, want %q", c.f, got, c.en)
		}
	}
	if got := vi.Percent(0.898); got != "89,8%" {
		t.Errorf("Percent = %q", got)
	}
	if got := vi.Date(time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC)); got != "01/07/2025" {
		t.Errorf("Date = %q", got)
	}
}

// sayable is an error that says itself in a translator's language.
type sayable struct{ msg Message }

func (e sayable) Error() string                 { return "logged in English" }
func (e sayable) Localize(t *Translator) string { return e.msg.Localize(t) }

func TestErrorSaysTheLocalizerInItsChain(t *testing.T) {
	vi, en := MustNew(Vietnamese), MustNew(English)
	// A phrase given as an argument is said in the same language.
	err := fmt.Errorf("context left out: %w", sayable{Msg("definition.missing", Msg("definition.profile.what"), "id")})
	if got, want := vi.Error(err), "hồ sơ kiểm tra: thiếu trường «id»"; got != want {
		t.Errorf("vi.Error = %q, want %q", got, want)
	}
	if got, want := en.Error(err), "the profile: id is missing"; got != want {
		t.Errorf("en.Error = %q, want %q", got, want)
	}
	if got := vi.Error(errors.New("plain")); got != "plain" {
		t.Errorf("an error that cannot say itself = %q, want its Error()", got)
	}
	if got := vi.Error(nil); got != "" {
		t.Errorf("vi.Error(nil) = %q", got)
	}
}
