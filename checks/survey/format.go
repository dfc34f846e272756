package survey

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"mach/assets/i18n"
)

// FormatValue shows an answer on screen in tr's language: numbers the
// Vietnamese or English way, dates as dd/mm/yyyy, yes/no translated, choices
// by their labels (joined with ", "), a table by its number of rows. No answer
// is "". A value of the wrong type is shown as it is, so that nothing is
// hidden.
func (q *Question) FormatValue(v any, tr *i18n.Translator) string {
	if v == nil {
		return ""
	}
	lang := tr.Lang()
	switch q.Type {
	case TypeNumber:
		if f, ok := number(v); ok && q.Plain {
			return strconv.FormatFloat(f, 'f', -1, 64)
		}
		if f, ok := number(v); ok {
			return formatNumber(f, tr)
		}
	case TypeDate:
		if s, ok := v.(string); ok {
			if d, err := time.Parse(isoDate, s); err == nil {
				return tr.Date(d)
			}
		}
	case TypeYesNo:
		if b, ok := v.(bool); ok {
			return tr.T("survey." + yesNo(b))
		}
	case TypeChoice:
		if s, ok := v.(string); ok {
			return q.optionLabel(s, lang)
		}
	case TypeMulti:
		if list, ok := strs(v); ok {
			labels := make([]string, len(list))
			for i, s := range list {
				labels[i] = q.optionLabel(s, lang)
			}
			return strings.Join(labels, ", ")
		}
	case TypeTable:
		if n, ok := rowCount(v); ok {
			return tr.T("survey.rows", n)
		}
	}
	return fmt.Sprint(v)
}

// optionLabel returns the label of an option, or the value itself when it is
// not one (an answer from another version of the checklist).
func (q *Question) optionLabel(value, lang string) string {
	if opt, ok := q.Option(value); ok {
		return opt.Label.In(lang)
	}
	return value
}

// maxDecimals is how many decimals a number shows at most.
const maxDecimals = 6

// formatNumber writes f with the decimals it has, up to maxDecimals.
func formatNumber(f float64, tr *i18n.Translator) string {
	s := strings.TrimRight(strconv.FormatFloat(f, 'f', maxDecimals, 64), "0")
	_, frac, _ := strings.Cut(s, ".")
	return tr.Number(f, len(frac))
}
