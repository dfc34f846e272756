package fields

import (
	"charm.land/huh/v2"

	"mach/assets/i18n"
	"mach/checks/survey"
)

// Row holds the inputs of one table row while the officer edits it.
type Row struct {
	table  *survey.Question
	inputs []*Input
}

// NewRow starts editing a row of table question t showing values (nil for a
// new row).
func NewRow(t *survey.Question, values map[string]any, tr *i18n.Translator) *Row {
	r := &Row{table: t}
	for i := range t.Columns {
		c := &t.Columns[i]
		r.inputs = append(r.inputs, NewInput(c, values[c.ID], tr))
	}
	return r
}

// Inputs returns one input per column, in column order.
func (r *Row) Inputs() []*Input { return r.inputs }

// Form builds the editor: one page per column, so that it fits a small
// terminal; a column that depends on another is skipped while it does not
// apply.
func (r *Row) Form() *huh.Form {
	groups := make([]*huh.Group, 0, len(r.inputs))
	for _, in := range r.inputs {
		q := in.q
		groups = append(groups, huh.NewGroup(in.Field()).WithHideFunc(func() bool { return !r.Relevant(q) }))
	}
	return huh.NewForm(groups...)
}

// Relevant reports whether column q applies, given what is entered so far.
func (r *Row) Relevant(q *survey.Question) bool {
	return q.Relevant(survey.State{Values: r.current()})
}

// current returns the values entered so far that are valid.
func (r *Row) current() map[string]any {
	values := map[string]any{}
	for _, in := range r.inputs {
		if v, err := in.Result(); err == nil && v != nil {
			values[in.q.ID] = v
		}
	}
	return values
}

// Values returns the row's values, columns that do not apply left out, or
// the first column whose input is not valid and why.
func (r *Row) Values() (map[string]any, *survey.Question, error) {
	values := map[string]any{}
	for _, in := range r.inputs {
		if !in.q.Relevant(survey.State{Values: values}) {
			continue
		}
		v, err := in.Result()
		if err != nil {
			return nil, in.q, err
		}
		if v != nil {
			values[in.q.ID] = v
		}
	}
	return values, nil, nil
}
