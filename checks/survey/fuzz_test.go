package survey

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"mach/assets"
)

// FuzzParse checks that no definition, however broken, makes Parse panic,
// and that every refusal is a *DefinitionError with a line.
func FuzzParse(f *testing.F) {
	shipped, err := fs.ReadFile(assets.FS, DefaultFile)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(shipped)
	seeds, err := filepath.Glob("testdata/*.yaml")
	if err != nil {
		f.Fatal(err)
	}
	broken, err := filepath.Glob("testdata/broken/*.yaml")
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range append(seeds, broken...) {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(""))
	f.Add([]byte("id: t\nversion: 1\nsections: [{id: s, title: {vi: S}, questions: [{id: a, type: text, label: {vi: A}}]}]\n"))
	f.Add([]byte("a: &x [*x]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse("fuzz.yaml", data)
		if err != nil {
			var de *DefinitionError
			if !errors.As(err, &de) || de.Line < 0 {
				t.Fatalf("Parse error %#v is not a *DefinitionError with a line", err)
			}
			return
		}
		if c == nil || len(c.Sections) == 0 {
			t.Fatalf("Parse accepted a checklist without sections: %+v", c)
		}
	})
}

func TestBrokenSeedsAreRefused(t *testing.T) {
	for name, line := range map[string]int{
		"testdata/broken/nested-alias.yaml":   13,
		"testdata/broken/self-reference.yaml": 8,
		"testdata/broken/bad-pattern.yaml":    10,
	} {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		_, err = Parse(name, data)
		var de *DefinitionError
		if !errors.As(err, &de) || de.Line != line {
			t.Errorf("%s: Parse = %v, want a refusal at line %d", name, err, line)
			continue
		}
		sayNoEnglish(t, de)
	}
}
