package survey

import "slices"

// State is what the officer has answered: top-level answers by question ID
// and the number of rows of each table by table question ID. For the columns
// of a table, Values is one row.
type State struct {
	Values map[string]any
	Rows   map[string]int
}

// Relevant reports whether q is asked given s: it has no condition, or its
// condition is met and the question it depends on is itself relevant.
func (q *Question) Relevant(s State) bool {
	c := q.When
	if c == nil {
		return true
	}
	if c.on != nil && !c.on.Relevant(s) {
		return false
	}
	return c.met(s.Values[c.Question])
}

// met reports whether an answer meets the condition.
func (c *Condition) met(v any) bool {
	switch x := v.(type) {
	case bool:
		return c.Equals == yesNo(x)
	case string:
		return c.Equals == x
	}
	list, ok := strs(v)
	return ok && slices.Contains(list, c.Equals)
}
