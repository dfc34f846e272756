package survey

import "strings"

// link checks every condition against the question it names and connects
// the two, so that relevance chains. A top-level question may depend on an
// earlier top-level question, a column on an earlier column of its table.
func (r *reader) link(c *Checklist) error {
	var all []*Question
	for i := range c.Sections {
		for j := range c.Sections[i].Questions {
			all = append(all, &c.Sections[i].Questions[j])
		}
	}
	if err := r.linkConditions(all, "question", "question"); err != nil {
		return err
	}
	for _, q := range all {
		columns := make([]*Question, len(q.Columns))
		for i := range q.Columns {
			columns[i] = &q.Columns[i]
		}
		if err := r.linkConditions(columns, "column", "column of table "+q.ID); err != nil {
			return err
		}
	}
	return nil
}

// linkConditions links the conditions of qs, given in the order they are
// asked, each to an earlier question of qs. what names one of qs in
// messages, scope all of them.
func (r *reader) linkConditions(qs []*Question, what, scope string) error {
	index := make(map[string]int, len(qs))
	for i, q := range qs {
		index[q.ID] = i
	}
	for i, q := range qs {
		c := q.When
		if c == nil {
			continue
		}
		j, ok := index[c.Question]
		if !ok {
			return r.ErrorAt(c.Line, "%s %q: when refers to %q, unknown here (it must be an earlier %s)", what, q.ID, c.Question, scope)
		}
		if j >= i {
			return r.ErrorAt(c.Line, "%s %q: when refers to %q, which does not come before it; a question can only depend on an earlier one", what, q.ID, c.Question)
		}
		on := qs[j]
		switch on.Type {
		case TypeYesNo:
			if c.Equals != "yes" && c.Equals != "no" {
				return r.ErrorAt(c.Line, "%s %q: when equals %q, but %q is a yesno question: use yes or no", what, q.ID, c.Equals, on.ID)
			}
		case TypeChoice, TypeMulti:
			if _, ok := on.Option(c.Equals); !ok {
				values := make([]string, len(on.Options))
				for k, opt := range on.Options {
					values[k] = opt.Value
				}
				return r.ErrorAt(c.Line, "%s %q: when equals %q, which is not an option of %q (%s)", what, q.ID, c.Equals, on.ID, strings.Join(values, ", "))
			}
		case TypeTable:
			return r.ErrorAt(c.Line, "%s %q: when cannot depend on %q, a table", what, q.ID, on.ID)
		default:
			return r.ErrorAt(c.Line, "%s %q: when can only depend on a yesno, choice or multi question; %q is %s", what, q.ID, on.ID, on.Type)
		}
		c.on = on
	}
	return nil
}
