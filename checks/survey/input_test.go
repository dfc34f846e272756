package survey

import (
	"errors"
	"testing"

	"mach/assets/i18n"
)

func TestParseInputNumbers(t *testing.T) {
	q := &Question{ID: "n", Type: TypeNumber}
	cases := []struct {
		tr   *i18n.Translator
		raw  string
		want float64
		ok   bool
	}{
		{vi, "1685", 1685, true},
		{vi, "1.685", 1685, true},
		{vi, "12,5", 12.5, true},
		{vi, "1.234.567,25", 1234567.25, true},
		{vi, " 1 685 ", 1685, true},
		{vi, "-3", -3, true},
		{vi, "+0,5", 0.5, true},
		{vi, "12.5", 12.5, true}, // a dot that cannot group thousands is a decimal mark
		{vi, "1.68", 1.68, true},
		{vi, "1.2.3", 0, false},
		{vi, "1.234,5,6", 0, false},
		{vi, "12,", 0, false},
		{vi, ",5", 0, false},
		{vi, "12a", 0, false},
		{vi, "1e3", 0, false},
		{vi, "NaN", 0, false},
		{vi, "--1", 0, false},
		{en, "12.5", 12.5, true},
		{en, "1,685", 1685, true},
		{en, "1,234,567.25", 1234567.25, true},
		{en, "12,5", 12.5, true},
		{en, "1,685.5.1", 0, false},
		{en, "1.685,5", 0, false},
		{en, "inf", 0, false},
	}
	for _, c := range cases {
		got, err := q.ParseInput(c.raw, c.tr)
		if !c.ok {
			if err == nil {
				t.Errorf("%s: ParseInput(%q) = %v, want an error", c.tr.Lang(), c.raw, got)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("%s: ParseInput(%q) = %v, %v; want %v", c.tr.Lang(), c.raw, got, err, c.want)
		}
	}
}

func TestParseInputDates(t *testing.T) {
	q := &Question{ID: "d", Type: TypeDate}
	cases := []struct{ raw, want string }{
		{"01/07/2025", "2025-07-01"},
		{"1/7/2025", "2025-07-01"},
		{"31-12-2024", "2024-12-31"},
		{"29.02.2024", "2024-02-29"},
		{"29/02/2025", ""},
		{"31/04/2025", ""},
		{"00/01/2025", ""},
		{"01/13/2025", ""},
		{"01/07/25", ""},
		{"2025-07-01", ""},
		{"01/07-2025", ""},
		{"1/7", ""},
		{"a/b/cdef", ""},
		{"+1/07/2025", ""},
	}
	for _, c := range cases {
		got, err := q.ParseInput(c.raw, vi)
		if c.want == "" {
			if err == nil {
				t.Errorf("ParseInput(%q) = %v, want an error", c.raw, got)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("ParseInput(%q) = %v, %v; want %q", c.raw, got, err, c.want)
		}
	}
}

func TestParseInputText(t *testing.T) {
	q := &Question{ID: "t", Type: TypeText}
	// "Hà" typed with a combining grave accent, as some keyboards do.
	got, err := q.ParseInput("  Ha\u0300 Nam \n", vi)
	if err != nil || got != "Hà Nam" {
		t.Errorf("ParseInput = %q, %v; want the trimmed, composed %q", got, err, "Hà Nam")
	}
}

func TestParseInputEmptyIsNoAnswer(t *testing.T) {
	for _, typ := range []Type{TypeText, TypeNumber, TypeDate} {
		q := &Question{ID: "q", Type: typ}
		if v, err := q.ParseInput("   ", vi); v != nil || err != nil {
			t.Errorf("%s: ParseInput(blank) = %v, %v; want nil, nil", typ, v, err)
		}
	}
}

func TestParseInputMessages(t *testing.T) {
	q := &Question{ID: "n", Type: TypeNumber}
	_, err := q.ParseInput("abc", vi)
	if err == nil || err.Error() != "Vui lòng nhập một số, ví dụ 1.685 hoặc 12,5." {
		t.Errorf("vi number error = %v", err)
	}
	_, err = (&Question{ID: "d", Type: TypeDate}).ParseInput("32/1/2025", en)
	if err == nil || err.Error() != "Please type a date as day/month/year, e.g. 01/07/2025." {
		t.Errorf("en date error = %v", err)
	}
	_, err = (&Question{ID: "c", Type: TypeChoice}).ParseInput("red", vi)
	if err == nil || errors.Is(err, ErrRequired) {
		t.Errorf("ParseInput on a choice = %v, want a programming error", err)
	}
}
