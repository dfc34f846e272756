package survey

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"mach/assets/i18n"
)

// ParseInput turns what the officer typed into a text, number or date field
// into a value, or returns a sentence in tr's language saying what to type.
// Empty input is no answer: (nil, nil). Text is trimmed and put in Unicode
// NFC, since Vietnamese keyboards produce both composed and decomposed forms.
// Numbers follow tr's language ("1.685", "12,5" in Vietnamese; "1,685",
// "12.5" in English; a lone separator that cannot group thousands is taken as
// the decimal mark). Dates are day/month/year (01/07/2025, 1/7/2025; also
// with - or .) and become "YYYY-MM-DD". Choices are picked, not typed: for
// them ParseInput returns an error.
func (q *Question) ParseInput(raw string, tr *i18n.Translator) (any, error) {
	s := strings.TrimSpace(norm.NFC.String(raw))
	if s == "" {
		return nil, nil
	}
	switch q.Type {
	case TypeText:
		return s, nil
	case TypeNumber:
		f, ok := parseNumber(s, tr.Lang())
		if !ok {
			return nil, errors.New(tr.T("survey.error.number_input"))
		}
		return f, nil
	case TypeDate:
		d, ok := parseDate(s)
		if !ok {
			return nil, errors.New(tr.T("survey.error.date_input"))
		}
		return d, nil
	}
	return nil, fmt.Errorf("survey: question %q is a %s; its answer is picked, not typed", q.ID, q.Type)
}

// parseNumber reads a number written the way of lang.
func parseNumber(s, lang string) (float64, bool) {
	thousands, point := ".", ","
	if lang == i18n.English {
		thousands, point = ",", "."
	}
	s = strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
	sign := ""
	if s != "" && (s[0] == '-' || s[0] == '+') {
		sign, s = s[:1], s[1:]
	}
	whole, frac, hasPoint := strings.Cut(s, point)
	if strings.Contains(whole, thousands) {
		switch {
		case grouped(whole, thousands):
			whole = strings.ReplaceAll(whole, thousands, "")
		case !hasPoint && strings.Count(whole, thousands) == 1:
			whole, frac, hasPoint = strings.Cut(whole, thousands)
		default:
			return 0, false
		}
	}
	if !digits(whole) || (hasPoint && !digits(frac)) {
		return 0, false
	}
	if hasPoint {
		whole += "." + frac
	}
	f, err := strconv.ParseFloat(sign+whole, 64)
	return f, err == nil
}

// grouped reports whether s is digits grouped by three with sep (1.234.567).
func grouped(s, sep string) bool {
	groups := strings.Split(s, sep)
	if len(groups[0]) > 3 || !digits(groups[0]) {
		return false
	}
	for _, g := range groups[1:] {
		if len(g) != 3 || !digits(g) {
			return false
		}
	}
	return true
}

// digits reports whether s is one or more ASCII digits.
func digits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// parseDate reads day/month/year and returns it as YYYY-MM-DD.
func parseDate(s string) (string, bool) {
	i := strings.IndexAny(s, "/-.")
	if i < 0 {
		return "", false
	}
	parts := strings.Split(s, s[i:i+1])
	if len(parts) != 3 || len(parts[0]) > 2 || len(parts[1]) > 2 || len(parts[2]) != 4 {
		return "", false
	}
	var n [3]int
	for k, p := range parts {
		if !digits(p) {
			return "", false
		}
		n[k], _ = strconv.Atoi(p)
	}
	day, month, year := n[0], n[1], n[2]
	t := time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC)
	if t.Day() != day || int(t.Month()) != month {
		return "", false
	}
	return t.Format(isoDate), true
}
