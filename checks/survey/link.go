package survey

import (
	"strings"

	"mach/assets/i18n"
)

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
	if err := r.linkConditions(all, ""); err != nil {
		return err
	}
	for _, q := range all {
		columns := make([]*Question, len(q.Columns))
		for i := range q.Columns {
			columns[i] = &q.Columns[i]
		}
		if err := r.linkConditions(columns, q.ID); err != nil {
			return err
		}
	}
	return nil
}

// linkConditions links the conditions of qs, given in the order they are
// asked, each to an earlier question of qs: the top-level questions when
// table is "", else the columns of that table.
func (r *reader) linkConditions(qs []*Question, table string) error {
	name, earlier := "definition.checklist.question_id", i18n.Msg("definition.checklist.earlier_question")
	if table != "" {
		name, earlier = "definition.checklist.column_id", i18n.Msg("definition.checklist.earlier_column", table)
	}
	index := make(map[string]int, len(qs))
	for i, q := range qs {
		index[q.ID] = i
	}
	for i, q := range qs {
		c := q.When
		if c == nil {
			continue
		}
		what := i18n.Msg(name, q.ID)
		j, ok := index[c.Question]
		if !ok {
			return r.RefuseAt(c.Line, "definition.checklist.when_unknown", what, c.Question, earlier)
		}
		if j >= i {
			return r.RefuseAt(c.Line, "definition.checklist.when_later", what, c.Question)
		}
		on := qs[j]
		switch on.Type {
		case TypeYesNo:
			if c.Equals != "yes" && c.Equals != "no" {
				return r.RefuseAt(c.Line, "definition.checklist.when_yesno", what, c.Equals, on.ID)
			}
		case TypeChoice, TypeMulti:
			if _, ok := on.Option(c.Equals); !ok {
				values := make([]string, len(on.Options))
				for k, opt := range on.Options {
					values[k] = opt.Value
				}
				return r.RefuseAt(c.Line, "definition.checklist.when_option", what, c.Equals, on.ID, strings.Join(values, ", "))
			}
		case TypeTable:
			return r.RefuseAt(c.Line, "definition.checklist.when_table", what, on.ID)
		default:
			return r.RefuseAt(c.Line, "definition.checklist.when_type", what, on.ID, string(on.Type))
		}
		c.on = on
	}
	return nil
}
