package survey

import (
	"math"
	"strings"
)

// isoDate is how a date answer is stored.
const isoDate = "2006-01-02"

// number returns v as a finite float64; JSON gives float64, Go code may pass
// an int.
func number(v any) (float64, bool) {
	var f float64
	switch n := v.(type) {
	case float64:
		f = n
	case int:
		f = float64(n)
	case int64:
		f = float64(n)
	default:
		return 0, false
	}
	return f, !math.IsNaN(f) && !math.IsInf(f, 0)
}

// strs returns a multi answer as strings: []string, or []any of strings as
// JSON gives it.
func strs(v any) ([]string, bool) {
	switch list := v.(type) {
	case []string:
		return list, true
	case []any:
		out := make([]string, len(list))
		for i, item := range list {
			s, ok := item.(string)
			if !ok {
				return nil, false
			}
			out[i] = s
		}
		return out, true
	}
	return nil, false
}

// rowCount returns the number of rows of a table, given as a count.
func rowCount(v any) (int, bool) {
	if v == nil {
		return 0, true
	}
	f, ok := number(v)
	if !ok || f < 0 || f != math.Trunc(f) || f > math.MaxInt32 {
		return 0, false
	}
	return int(f), true
}

// empty reports whether v is no answer: nothing, blank text or no choice.
func empty(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return strings.TrimSpace(x) == ""
	case []string:
		return len(x) == 0
	case []any:
		return len(x) == 0
	}
	return false
}

// yesNo is the condition value of a yesno answer.
func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
