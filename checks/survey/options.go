package survey

import (
	"mach/assets/i18n"
	"mach/checks/yamldoc"
)

// options reads the options of a choice or multi question.
func (o *object) options(q *Question) error {
	if q.Type != TypeChoice && q.Type != TypeMulti {
		return nil
	}
	items, err := o.List("options")
	if err != nil {
		return err
	}
	if len(items) == 0 {
		return o.r.Refuse(o.At("options"), "definition.checklist.needs_options", o.What, string(q.Type))
	}
	values := newIDs("definition.checklist.ids.option")
	for _, item := range items {
		oo, err := o.r.object(item, i18n.Msg("definition.checklist.option", o.What), []string{"value", "label"})
		if err != nil {
			return err
		}
		var opt Option
		if opt.Value, err = oo.id("value"); err != nil {
			return err
		}
		oo.What = i18n.Msg("definition.checklist.option_value", o.What, opt.Value)
		if opt.Label, err = oo.text("label", true); err != nil {
			return err
		}
		if err := values.add(o.r, opt.Value, oo.At("value")); err != nil {
			return err
		}
		q.Options = append(q.Options, opt)
	}
	return nil
}

// condition reads when; Parse checks what it names once every question is read.
func (o *object) condition(q *Question) error {
	n, ok := o.Values["when"]
	if !ok {
		return nil
	}
	w, err := o.r.object(n, o.Field("when"), []string{"question", "equals"})
	if err != nil {
		return err
	}
	c := &Condition{Line: yamldoc.Line(w.Node)}
	if c.Question, err = w.RequiredStr("question"); err != nil {
		return err
	}
	if c.Equals, err = w.RequiredStr("equals"); err != nil {
		return err
	}
	q.When = c
	return nil
}
