package profile

import (
	"testing"

	"mach/checks/survey"
)

// surveySystems returns the system codes the shipped checklist offers in its
// systems table.
func surveySystems(t *testing.T) []string {
	t.Helper()
	c, err := survey.Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range c.Sections {
		for _, q := range s.Questions {
			if q.ID != "systems" {
				continue
			}
			for _, col := range q.Columns {
				if col.ID == "system" {
					var codes []string
					for _, o := range col.Options {
						codes = append(codes, o.Value)
					}
					return codes
				}
			}
		}
	}
	t.Fatal("the shipped checklist has no systems table with a system column")
	return nil
}
