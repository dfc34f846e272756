package survey

import "slices"

// maxSummary is how many columns the rows table of a table may show.
const maxSummary = 4

// table reads the kind, columns, min_rows and summary of a table question.
func (o *object) table(q *Question, kinds *ids) error {
	var err error
	if q.Kind, err = o.id("kind"); err != nil {
		return err
	}
	if err := kinds.add(o.r, q.Kind, o.At("kind")); err != nil {
		return err
	}
	items, err := o.List("columns")
	if err != nil {
		return err
	}
	if len(items) == 0 {
		return o.r.Refuse(o.At("columns"), "definition.checklist.needs_columns", o.What)
	}
	columns := newIDs("definition.checklist.ids.column")
	for _, item := range items {
		col, err := o.r.question(item, kinds, true)
		if err != nil {
			return err
		}
		if err := columns.add(o.r, col.ID, item); err != nil {
			return err
		}
		q.Columns = append(q.Columns, col)
	}
	if q.MinRows, err = o.count("min_rows"); err != nil {
		return err
	}
	return o.summary(q)
}

// summary reads the column IDs the rows table shows.
func (o *object) summary(q *Question) error {
	items, err := o.List("summary")
	if err != nil {
		return err
	}
	if len(items) == 0 || len(items) > maxSummary {
		return o.r.Refuse(o.At("summary"), "definition.checklist.summary_count", o.What, maxSummary)
	}
	for _, item := range items {
		item, err := o.r.resolve(item)
		if err != nil {
			return err
		}
		id, err := o.r.Scalar(item, o.Each("summary"))
		if err != nil {
			return err
		}
		if _, ok := q.Column(id); !ok {
			return o.r.Refuse(item, "definition.checklist.summary_unknown", o.What, id)
		}
		if slices.Contains(q.Summary, id) {
			return o.r.Refuse(item, "definition.checklist.summary_twice", o.What, id)
		}
		q.Summary = append(q.Summary, id)
	}
	return nil
}
