package survey

import (
	"os"
	"testing"

	"mach/assets/i18n"
)

var (
	vi = i18n.MustNew(i18n.Vietnamese)
	en = i18n.MustNew(i18n.English)
)

// sample loads testdata/sample.yaml, a small checklist with every type.
func sample(t *testing.T) *Checklist {
	t.Helper()
	data, err := os.ReadFile("testdata/sample.yaml")
	if err != nil {
		t.Fatal(err)
	}
	c, err := Parse("sample.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// question returns a top-level question of c, or a column as "table.column".
func question(t *testing.T, c *Checklist, id string) *Question {
	t.Helper()
	if q, ok := c.Question(id); ok {
		return q
	}
	for i := range c.Sections {
		for j := range c.Sections[i].Questions {
			table := &c.Sections[i].Questions[j]
			for k := range table.Columns {
				if table.ID+"."+table.Columns[k].ID == id {
					return &table.Columns[k]
				}
			}
		}
	}
	t.Fatalf("no question %q", id)
	return nil
}
