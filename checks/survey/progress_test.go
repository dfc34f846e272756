package survey

import (
	"slices"
	"testing"
)

func TestProgress(t *testing.T) {
	c := sample(t)
	complete := map[string]any{"name": "Xã A", "has_a": true, "b": false, "c": "chưa có", "colour": "red"}
	cases := []struct {
		name     string
		state    State
		sections [][2]int // answered, total per section
		missing  []string // of the first section
		ratio    float64
	}{
		{"nothing", State{},
			[][2]int{{0, 3}, {0, 1}, {0, 0}}, []string{"name", "has_a", "colour"}, 0},
		{"A yes adds B", State{Values: map[string]any{"has_a": true}},
			[][2]int{{1, 4}, {0, 1}, {0, 0}}, []string{"name", "b", "colour"}, 0.2},
		{"B no adds C", State{Values: map[string]any{"has_a": true, "b": false}},
			[][2]int{{2, 5}, {0, 1}, {0, 0}}, []string{"name", "c", "colour"}, 2.0 / 6},
		{"an invalid answer is missing", State{Values: map[string]any{"name": "H", "has_a": false, "colour": "blue"}},
			[][2]int{{1, 3}, {0, 1}, {0, 0}}, []string{"name", "colour"}, 0.25},
		{"multi brings about_y", State{Values: map[string]any{"tools": []any{"y"}}},
			[][2]int{{0, 4}, {0, 1}, {0, 0}}, []string{"name", "has_a", "colour", "about_y"}, 0},
		{"too few rows", State{Values: complete, Rows: map[string]int{"things": 1}},
			[][2]int{{5, 5}, {0, 1}, {0, 0}}, nil, 5.0 / 6},
		{"all done", State{Values: complete, Rows: map[string]int{"things": 2}},
			[][2]int{{5, 5}, {1, 1}, {0, 0}}, nil, 1},
	}
	for _, tc := range cases {
		p := c.Progress(tc.state, vi)
		if len(p.Sections) != len(tc.sections) {
			t.Fatalf("%s: %d sections", tc.name, len(p.Sections))
		}
		answered, total := 0, 0
		for i, want := range tc.sections {
			sp := p.Sections[i]
			if sp.Section != &c.Sections[i] || sp.Answered != want[0] || sp.Total != want[1] {
				t.Errorf("%s: section %d = %d/%d, want %d/%d", tc.name, i+1, sp.Answered, sp.Total, want[0], want[1])
			}
			answered += want[0]
			total += want[1]
		}
		var missing []string
		for _, q := range p.Sections[0].Missing {
			missing = append(missing, q.ID)
		}
		if !slices.Equal(missing, tc.missing) {
			t.Errorf("%s: missing %v, want %v", tc.name, missing, tc.missing)
		}
		if p.Answered != answered || p.Total != total || p.Ratio() != tc.ratio {
			t.Errorf("%s: overall %d/%d = %v, want %d/%d = %v", tc.name, p.Answered, p.Total, p.Ratio(), answered, total, tc.ratio)
		}
	}
}

func TestRatioOfNothingRequired(t *testing.T) {
	if r := (SectionProgress{}).Ratio(); r != 1 {
		t.Errorf("empty section ratio = %v, want 1", r)
	}
	if r := (SectionProgress{Answered: 1, Total: 4}).Ratio(); r != 0.25 {
		t.Errorf("ratio = %v, want 0.25", r)
	}
	if r := (Progress{}).Ratio(); r != 1 {
		t.Errorf("empty progress ratio = %v, want 1", r)
	}
}

func TestProgressOfDefault(t *testing.T) {
	c, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	p := c.Progress(State{}, vi)
	// Required from the start: formed_from + name, position, phone; equipment;
	// has_tslcd, has_internet, lan_state; systems; accounts; backups.
	if p.Total != 11 || p.Answered != 0 {
		t.Errorf("empty default progress = %d/%d, want 0/11", p.Answered, p.Total)
	}
	p = c.Progress(State{Values: map[string]any{"has_internet": true}}, vi)
	if p.Total != 13 || p.Answered != 1 {
		t.Errorf("with Internet = %d/%d, want 1/13 (provider and bandwidth become required)", p.Answered, p.Total)
	}
}
