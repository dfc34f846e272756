package survey

import (
	"regexp"

	"github.com/goccy/go-yaml/ast"

	"mach/checks/yamldoc"
)

// identifier is the form of section, question, column IDs and option values:
// they end up in stored answers and exports, so they stay plain.
var identifier = regexp.MustCompile(`^[a-z][a-z0-9_]{0,63}$`)

// checklistID is the form of a checklist ID such as ninhbinh-2025.
var checklistID = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,63}$`)

// id returns field key as a required identifier.
func (o *object) id(key string) (string, error) {
	s, err := o.RequiredStr(key)
	if err != nil {
		return "", err
	}
	if !identifier.MatchString(s) {
		return "", o.r.Errorf(o.At(key), "%s: %s %q must start with a lower-case letter and hold only a-z, 0-9 and _ (at most 64)", o.What, key, s)
	}
	return s, nil
}

// ids detects duplicates among IDs of one kind.
type ids struct {
	what string
	seen map[string]int // ID -> line of its first use
}

func newIDs(what string) *ids { return &ids{what: what, seen: map[string]int{}} }

// add records id, defined by node n, refusing one seen before.
func (s *ids) add(r *reader, id string, n ast.Node) error {
	if first, dup := s.seen[id]; dup {
		return r.Errorf(n, "duplicate %s %q (first defined at line %d)", s.what, id, first)
	}
	s.seen[id] = yamldoc.Line(n)
	return nil
}
