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
	if err := kinds.add(o.r, q.Kind, o.at("kind")); err != nil {
		return err
	}
	items, err := o.list("columns")
	if err != nil {
		return err
	}
	if len(items) == 0 {
		return o.r.errorf(o.at("columns"), "%s: a table needs columns", o.what)
	}
	columns := newIDs("column")
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
	items, err := o.list("summary")
	if err != nil {
		return err
	}
	if len(items) == 0 || len(items) > maxSummary {
		return o.r.errorf(o.at("summary"), "%s: summary must list 1 to %d column IDs shown in the rows table", o.what, maxSummary)
	}
	for _, item := range items {
		item, err := o.r.resolve(item)
		if err != nil {
			return err
		}
		id, err := o.r.scalar(item, o.what+": a summary entry")
		if err != nil {
			return err
		}
		if _, ok := q.Column(id); !ok {
			return o.r.errorf(item, "%s: summary names %q, which is not one of its columns", o.what, id)
		}
		if slices.Contains(q.Summary, id) {
			return o.r.errorf(item, "%s: summary names %q twice", o.what, id)
		}
		q.Summary = append(q.Summary, id)
	}
	return nil
}
