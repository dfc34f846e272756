package survey

import (
	"testing"

	"mach/assets/i18n"
)

func TestFormatValue(t *testing.T) {
	c := sample(t)
	cases := []struct {
		question string
		value    any
		tr       *i18n.Translator
		want     string
	}{
		{"name", "Xã Gia Viễn", vi, "Xã Gia Viễn"},
		{"name", nil, vi, ""},
		{"count", 1685.0, vi, "1.685"},
		{"count", 1685.0, en, "1,685"},
		{"count", 12.5, vi, "12,5"},
		{"count", 12.5, en, "12.5"},
		{"count", 0.1 + 0.2, vi, "0,3"},
		{"count", 1234567, vi, "1.234.567"},
		{"count", "abc", vi, "abc"},
		{"day", "2025-07-01", vi, "01/07/2025"},
		{"day", "2025-07-01", en, "01/07/2025"},
		{"day", "soon", vi, "soon"},
		{"has_a", true, vi, "Có"},
		{"has_a", false, vi, "Không"},
		{"has_a", true, en, "Yes"},
		{"colour", "green", vi, "Xanh lá"},
		{"colour", "green", en, "Green"},
		{"colour", "purple", vi, "purple"},
		{"tools", []string{"x", "y"}, vi, "Cái X, Cái Y"},
		{"tools", []any{"x", "y"}, en, "The X, Cái Y"},
		{"things", 3, vi, "3 dòng"},
		{"things", 3, en, "rows: 3"},
	}
	for _, tc := range cases {
		if got := question(t, c, tc.question).FormatValue(tc.value, tc.tr); got != tc.want {
			t.Errorf("%s: FormatValue(%#v) in %s = %q, want %q", tc.question, tc.value, tc.tr.Lang(), got, tc.want)
		}
	}
}

// TestTypedNumbersRoundTrip checks that what FormatValue shows, ParseInput
// reads back, in both languages.
func TestTypedNumbersRoundTrip(t *testing.T) {
	q := &Question{ID: "n", Type: TypeNumber}
	for _, tr := range []*i18n.Translator{vi, en} {
		for _, f := range []float64{0, 1, 12.5, 999, 1685, 1234567.25, -42.125, 100000} {
			shown := q.FormatValue(f, tr)
			back, err := q.ParseInput(shown, tr)
			if err != nil || back != f {
				t.Errorf("%s: %v shown as %q reads back as %v, %v", tr.Lang(), f, shown, back, err)
			}
		}
	}
}

// TestPlainNumbersHaveNoSeparators checks that a year is shown as written,
// in both languages, and reads back.
func TestPlainNumbersHaveNoSeparators(t *testing.T) {
	q := &Question{ID: "year", Type: TypeNumber, Integer: true, Plain: true}
	for _, tr := range []*i18n.Translator{vi, en} {
		if got := q.FormatValue(2022.0, tr); got != "2022" {
			t.Errorf("%s: year 2022 shown as %q", tr.Lang(), got)
		}
		if back, err := q.ParseInput("2022", tr); err != nil || back != 2022.0 {
			t.Errorf("%s: 2022 reads back as %v, %v", tr.Lang(), back, err)
		}
	}
}
