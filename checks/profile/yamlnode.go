package profile

import (
	"math"
	"strings"

	"github.com/goccy/go-yaml/ast"

	"mach/assets/i18n"
	"mach/checks/yamldoc"
)

// reader turns the YAML syntax tree of a profile into values, and every
// problem into a *DefinitionError at the line of the node concerned.
// Anchors, aliases and tags are refused: a profile is written out plainly.
type reader struct {
	yamldoc.Reader
}

// newReader returns a reader for the profile in file, named in messages.
func newReader(file string) *reader {
	r := &reader{}
	r.Reader = yamldoc.Reader{
		Fail: func(line int, reason i18n.Message) error {
			return &DefinitionError{File: file, Line: line, Reason: reason}
		},
		Resolve: r.plain,
		// A coordinator may write a long expect_text or name as block text.
		Blocks: true,
	}
	return r
}

// plain returns n, refusing anchors, aliases and tags.
func (r *reader) plain(n ast.Node) (ast.Node, error) {
	switch n.(type) {
	case *ast.AnchorNode, *ast.AliasNode:
		return nil, r.Refuse(n, "definition.profile.alias")
	case *ast.TagNode:
		return nil, r.Refuse(n, "definition.profile.tag")
	}
	return n, nil
}

// number returns n as a finite number.
func (r *reader) number(n ast.Node, what i18n.Message) (float64, error) {
	n, err := r.plain(n)
	if err != nil {
		return 0, err
	}
	f, ok := yamldoc.Number(n)
	if !ok || math.IsInf(f, 0) || math.IsNaN(f) {
		return 0, r.Refuse(n, "definition.profile.number", what, yamldoc.Describe(n))
	}
	return f, nil
}

// mapping is a YAML mapping of a profile whose keys were checked against the
// fields its owner knows.
type mapping struct {
	*yamldoc.Fields
	r *reader
}

// mapping reads n as a mapping; when known is not nil its keys must be
// among known.
func (r *reader) mapping(n ast.Node, what i18n.Message, known []string) (*mapping, error) {
	f, err := r.Mapping(n, what, known)
	if err != nil {
		return nil, err
	}
	return &mapping{Fields: f, r: r}, nil
}

// trimmed returns field key as a trimmed string ("" when absent).
func (o *mapping) trimmed(key string) (string, error) {
	s, err := o.Str(key)
	return strings.TrimSpace(s), err
}

// requiredTrimmed is trimmed for a field that must be present and not
// blank.
func (o *mapping) requiredTrimmed(key string) (string, error) {
	s, err := o.RequiredStr(key)
	return strings.TrimSpace(s), err
}

// whole returns field key as a whole number from min to max (0 when absent).
func (o *mapping) whole(key string, min, max int) (int, error) {
	n, ok := o.Values[key]
	if !ok {
		return 0, nil
	}
	f, err := o.r.number(n, o.Field(key))
	if err != nil {
		return 0, err
	}
	if f < float64(min) || f > float64(max) || f != math.Trunc(f) {
		return 0, o.r.Refuse(n, "definition.profile.whole", o.What, key, min, max)
	}
	return int(f), nil
}

// strList returns field key as a list of single values, trimmed, each with
// its node (nil when absent).
func (o *mapping) strList(key string) ([]string, []ast.Node, error) {
	if !o.Has(key) {
		return nil, nil, nil
	}
	items, err := o.List(key)
	if err != nil {
		return nil, nil, err
	}
	values := make([]string, len(items))
	for i, item := range items {
		s, err := o.r.Scalar(item, o.Each(key))
		if err != nil {
			return nil, nil, err
		}
		values[i] = strings.TrimSpace(s)
	}
	return values, items, nil
}
