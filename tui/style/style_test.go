package style

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

func TestLightAndDarkDiffer(t *testing.T) {
	dark, light := New(true), New(false)
	if dark.Title.GetForeground() == light.Title.GetForeground() {
		t.Error("titles have the same colour on light and dark backgrounds")
	}
	if dark.Selected.GetBackground() == light.Selected.GetBackground() {
		t.Error("the selection has the same background on light and dark terminals")
	}
}

func TestBarReadsWithoutColour(t *testing.T) {
	s := New(true)
	cases := []struct {
		ratio float64
		want  string
	}{
		{0, ".........."},
		{0.5, "#####....."},
		{1, "##########"},
		{2, "##########"},
		{-1, ".........."},
	}
	for _, c := range cases {
		if got := ansi.Strip(s.Bar(c.ratio, 10)); got != c.want {
			t.Errorf("Bar(%v) = %q, want %q", c.ratio, got, c.want)
		}
	}
	if got := s.Bar(0.5, 0); got != "" {
		t.Errorf("Bar of width 0 = %q", got)
	}
	if !strings.Contains(s.Bar(1, 3), "###") {
		t.Error("full bar")
	}
}
