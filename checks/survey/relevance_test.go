package survey

import "testing"

func TestRelevance(t *testing.T) {
	c := sample(t)
	cases := []struct {
		name   string
		values map[string]any
		want   map[string]bool
	}{
		{"nothing answered", nil,
			map[string]bool{"name": true, "has_a": true, "b": false, "c": false, "about_y": false}},
		{"A is no", map[string]any{"has_a": false},
			map[string]bool{"b": false, "c": false}},
		{"A is yes", map[string]any{"has_a": true},
			map[string]bool{"b": true, "c": false}},
		{"A yes, B yes", map[string]any{"has_a": true, "b": true},
			map[string]bool{"b": true, "c": false}},
		{"A yes, B no", map[string]any{"has_a": true, "b": false},
			map[string]bool{"b": true, "c": true}},
		{"B no but A no: the chain breaks", map[string]any{"has_a": false, "b": false},
			map[string]bool{"b": false, "c": false}},
		{"B no but A unanswered", map[string]any{"b": false},
			map[string]bool{"b": false, "c": false}},
		{"multi contains y", map[string]any{"tools": []string{"x", "y"}},
			map[string]bool{"about_y": true}},
		{"multi from JSON contains y", map[string]any{"tools": []any{"y"}},
			map[string]bool{"about_y": true}},
		{"multi without y", map[string]any{"tools": []string{"x"}},
			map[string]bool{"about_y": false}},
	}
	for _, tc := range cases {
		s := State{Values: tc.values}
		for id, want := range tc.want {
			if got := question(t, c, id).Relevant(s); got != want {
				t.Errorf("%s: %s relevant = %v, want %v", tc.name, id, got, want)
			}
		}
	}
}

func TestRelevanceOfChoiceAndColumns(t *testing.T) {
	c, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	provider := question(t, c, "internet_provider")
	for v, want := range map[any]bool{true: true, false: false, nil: false} {
		if got := provider.Relevant(State{Values: map[string]any{"has_internet": v}}); got != want {
			t.Errorf("internet_provider with has_internet=%v: relevant %v, want %v", v, got, want)
		}
	}
	// Within a row, a column depends on an earlier column of the same row.
	sha := question(t, c, "backups.sha256")
	for _, tc := range []struct {
		row  map[string]any
		want bool
	}{
		{map[string]any{"backed_up": true, "verified": true}, true},
		{map[string]any{"backed_up": true, "verified": false}, false},
		{map[string]any{"backed_up": false, "verified": true}, false},
	} {
		if got := sha.Relevant(State{Values: tc.row}); got != tc.want {
			t.Errorf("sha256 in row %v: relevant %v, want %v", tc.row, got, tc.want)
		}
	}
}

func TestTextIn(t *testing.T) {
	both, viOnly := Text{VI: "Thiết bị", EN: "Equipment"}, Text{VI: "Thiết bị"}
	for _, c := range []struct {
		text       Text
		lang, want string
	}{
		{both, "vi", "Thiết bị"}, {both, "en", "Equipment"}, {viOnly, "en", "Thiết bị"}, {both, "", "Thiết bị"},
	} {
		if got := c.text.In(c.lang); got != c.want {
			t.Errorf("%+v.In(%q) = %q, want %q", c.text, c.lang, got, c.want)
		}
	}
}
