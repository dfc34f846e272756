package survey

import (
	"regexp"

	"github.com/goccy/go-yaml/ast"

	"mach/assets/i18n"
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
		return "", o.r.Refuse(o.At(key), "definition.checklist.bad_identifier", o.What, key, s)
	}
	return s, nil
}

// ids detects duplicates among IDs of one kind.
type ids struct {
	what i18n.Message   // what the IDs are, for messages
	seen map[string]int // ID -> line of its first use
}

// newIDs returns the IDs of the kind named by the message key what.
func newIDs(what string) *ids { return &ids{what: i18n.Msg(what), seen: map[string]int{}} }

// add records id, defined by node n, refusing one seen before.
func (s *ids) add(r *reader, id string, n ast.Node) error {
	if first, dup := s.seen[id]; dup {
		return r.Refuse(n, "definition.checklist.duplicate", s.what, id, first)
	}
	s.seen[id] = yamldoc.Line(n)
	return nil
}
