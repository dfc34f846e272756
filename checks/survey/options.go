package survey

import "fmt"

// options reads the options of a choice or multi question.
func (o *object) options(q *Question) error {
	if q.Type != TypeChoice && q.Type != TypeMulti {
		return nil
	}
	items, err := o.list("options")
	if err != nil {
		return err
	}
	if len(items) == 0 {
		return o.r.errorf(o.at("options"), "%s: a %s question needs options", o.what, q.Type)
	}
	values := newIDs("option value")
	for _, item := range items {
		oo, err := o.r.object(item, o.what+" option", []string{"value", "label"})
		if err != nil {
			return err
		}
		var opt Option
		if opt.Value, err = oo.id("value"); err != nil {
			return err
		}
		oo.what = fmt.Sprintf("%s option %q", o.what, opt.Value)
		if opt.Label, err = oo.text("label", true); err != nil {
			return err
		}
		if err := values.add(o.r, opt.Value, oo.at("value")); err != nil {
			return err
		}
		q.Options = append(q.Options, opt)
	}
	return nil
}

// condition reads when; Parse checks what it names once every question is read.
func (o *object) condition(q *Question) error {
	n, ok := o.values["when"]
	if !ok {
		return nil
	}
	w, err := o.r.object(n, o.what+" when", []string{"question", "equals"})
	if err != nil {
		return err
	}
	c := &Condition{Line: lineOf(w.node)}
	if c.Question, err = w.requiredStr("question"); err != nil {
		return err
	}
	if c.Equals, err = w.requiredStr("equals"); err != nil {
		return err
	}
	q.When = c
	return nil
}
