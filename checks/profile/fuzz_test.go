package profile

import (
	"errors"
	"io/fs"
	"testing"

	"mach/assets"
)

// FuzzParse checks that no profile, however broken, makes Parse panic, that
// every refusal is a *DefinitionError with a line, and that an accepted
// profile has what Parse promises.
func FuzzParse(f *testing.F) {
	shipped, err := fs.ReadFile(assets.FS, DefaultFile)
	if err != nil {
		f.Fatal(err)
	}
	for _, seed := range []string{string(shipped), valid, sample, "", "a: &x [*x]\n", "targets: [{name: a, hub: true, probes: [tcp]}]\n", "- [\n"} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Parse("fuzz.yaml", data)
		if err != nil {
			var de *DefinitionError
			if !errors.As(err, &de) || de.Line < 0 || de.Reason.Key == "" {
				t.Fatalf("Parse error %#v is not a *DefinitionError with a line", err)
			}
			return
		}
		if len(p.Targets) == 0 || p.Timeout <= 0 || p.Version < 1 {
			t.Fatalf("Parse accepted %+v", p)
		}
		for _, tg := range p.Targets {
			if tg.Name == "" || len(tg.Probes) == 0 || len(tg.Networks) == 0 {
				t.Fatalf("Parse accepted target %+v", tg)
			}
			tg.Spec(p, "https://hub.test")
		}
	})
}
