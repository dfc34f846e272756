package survey

import (
	"fmt"

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
		return o.r.Errorf(o.At("options"), "%s: a %s question needs options", o.What, q.Type)
	}
	values := newIDs("option value")
	for _, item := range items {
		oo, err := o.r.object(item, o.What+" option", []string{"value", "label"})
		if err != nil {
			return err
		}
		var opt Option
		if opt.Value, err = oo.id("value"); err != nil {
			return err
		}
		oo.What = fmt.Sprintf("%s option %q", o.What, opt.Value)
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
	w, err := o.r.object(n, o.What+" when", []string{"question", "equals"})
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
