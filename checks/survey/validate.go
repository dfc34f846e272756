package survey

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"time"
	"unicode/utf8"

	"mach/assets/i18n"
)

// ErrRequired matches (with errors.Is) the error Validate returns for a
// required question left unanswered, so that a screen can save an empty
// answer and still show what is missing.
var ErrRequired = errors.New("survey: answer required")

// requiredError is the user's sentence for a missing answer, matching
// ErrRequired.
type requiredError struct{ msg string }

func (e requiredError) Error() string        { return e.msg }
func (e requiredError) Is(target error) bool { return target == ErrRequired }

// Validate checks an answer; nil means not answered. It checks presence when
// required, the value's type, range, length, pattern, options and dates, and
// returns a full sentence in tr's language. Values decoded from JSON (float64,
// []any of strings) are accepted. For a table, v is its number of rows (an
// int; nil is none): a required table needs max(MinRows, 1) rows, any other
// needs none or at least MinRows.
func (q *Question) Validate(v any, tr *i18n.Translator) error {
	if q.Type == TypeTable {
		return q.validateRows(v, tr)
	}
	if empty(v) {
		if q.Required {
			return requiredError{tr.T("survey.error.required")}
		}
		return nil
	}
	wrongType := errors.New(tr.T("survey.error.type", tr.T("survey.type."+string(q.Type))))
	switch q.Type {
	case TypeText:
		s, ok := v.(string)
		if !ok {
			return wrongType
		}
		return q.validateText(s, tr)
	case TypeNumber:
		f, ok := number(v)
		if !ok {
			return wrongType
		}
		return q.validateNumber(f, tr)
	case TypeDate:
		s, ok := v.(string)
		if !ok {
			return wrongType
		}
		if _, err := time.Parse(isoDate, s); err != nil {
			return errors.New(tr.T("survey.error.date"))
		}
	case TypeYesNo:
		if _, ok := v.(bool); !ok {
			return wrongType
		}
	case TypeChoice:
		s, ok := v.(string)
		if !ok {
			return wrongType
		}
		return q.validateOptions([]string{s}, tr)
	case TypeMulti:
		list, ok := strs(v)
		if !ok {
			return wrongType
		}
		return q.validateOptions(list, tr)
	default:
		return fmt.Errorf("survey: question %q has unknown type %q", q.ID, q.Type)
	}
	return nil
}

// validateText checks the length and the pattern of a text.
func (q *Question) validateText(s string, tr *i18n.Translator) error {
	n := utf8.RuneCountInString(s)
	tooShort := q.Min != nil && float64(n) < *q.Min
	tooLong := q.Max != nil && float64(n) > *q.Max
	switch {
	case (tooShort || tooLong) && q.Min != nil && q.Max != nil:
		return errors.New(tr.T("survey.error.length_range", int(*q.Min), int(*q.Max)))
	case tooShort:
		return errors.New(tr.T("survey.error.length_min", int(*q.Min)))
	case tooLong:
		return errors.New(tr.T("survey.error.length_max", int(*q.Max)))
	}
	if q.Pattern == "" {
		return nil
	}
	re := q.pattern
	if re == nil {
		var err error
		if re, err = compilePattern(q.Pattern); err != nil {
			return fmt.Errorf("survey: question %q: bad pattern: %w", q.ID, err)
		}
	}
	if !re.MatchString(s) {
		return errors.New(tr.T("survey.error.pattern", q.Label.In(tr.Lang()), q.PatternHint.In(tr.Lang())))
	}
	return nil
}

// validateNumber checks a number against Integer, Min and Max.
func (q *Question) validateNumber(f float64, tr *i18n.Translator) error {
	if q.Integer && f != math.Trunc(f) {
		return errors.New(tr.T("survey.error.integer"))
	}
	tooSmall := q.Min != nil && f < *q.Min
	tooBig := q.Max != nil && f > *q.Max
	switch {
	case (tooSmall || tooBig) && q.Min != nil && q.Max != nil:
		return errors.New(tr.T("survey.error.range", formatNumber(*q.Min, tr), formatNumber(*q.Max, tr)))
	case tooSmall:
		return errors.New(tr.T("survey.error.min", formatNumber(*q.Min, tr)))
	case tooBig:
		return errors.New(tr.T("survey.error.max", formatNumber(*q.Max, tr)))
	}
	return nil
}

// validateOptions checks that every value is an option, each at most once.
func (q *Question) validateOptions(values []string, tr *i18n.Translator) error {
	for i, v := range values {
		if _, ok := q.Option(v); !ok {
			return errors.New(tr.T("survey.error.option", v))
		}
		if slices.Contains(values[:i], v) {
			return errors.New(tr.T("survey.error.option_twice", q.optionLabel(v, tr.Lang())))
		}
	}
	return nil
}

// validateRows checks the row count of a table.
func (q *Question) validateRows(v any, tr *i18n.Translator) error {
	n, ok := rowCount(v)
	if !ok {
		return errors.New(tr.T("survey.error.type", tr.T("survey.type.table")))
	}
	need := q.MinRows
	if q.Required {
		need = max(need, 1)
	} else if n == 0 {
		return nil
	}
	switch {
	case n >= need:
		return nil
	case n == 0:
		return requiredError{tr.T("survey.error.rows_min", need)}
	}
	return errors.New(tr.T("survey.error.rows_min", need))
}

// ValidateRow checks one row of a table, column by column, and returns the
// errors by column ID; nil when the row is valid. A column that is not
// relevant in this row (its When is not met) is not checked.
func (q *Question) ValidateRow(row map[string]any, tr *i18n.Translator) map[string]error {
	var errs map[string]error
	s := State{Values: row}
	for i := range q.Columns {
		col := &q.Columns[i]
		if !col.Relevant(s) {
			continue
		}
		if err := col.Validate(row[col.ID], tr); err != nil {
			if errs == nil {
				errs = map[string]error{}
			}
			errs[col.ID] = err
		}
	}
	return errs
}
