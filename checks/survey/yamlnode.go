package survey

import (
	"math"
	"strings"

	"github.com/goccy/go-yaml/ast"

	"mach/assets/i18n"
	"mach/checks/yamldoc"
)

// reader turns the YAML syntax tree of a definition into values, and every
// problem into a *DefinitionError at the line of the node concerned. It
// remembers anchors so that a list written once (the systems, say) can be
// reused with an alias.
type reader struct {
	yamldoc.Reader
	anchors map[string]ast.Node
}

// newReader returns a reader for the definition in file, named in messages.
func newReader(file string) *reader {
	r := &reader{anchors: map[string]ast.Node{}}
	r.Reader = yamldoc.Reader{
		Fail: func(line int, reason i18n.Message) error {
			return &DefinitionError{File: file, Line: line, Reason: reason}
		},
		Resolve:       r.resolve,
		ResolveValues: true,
		Blocks:        true,
	}
	return r
}

// resolve follows anchors and aliases to the node they stand for. An anchor
// is recorded once its value is resolved, so an alias can never lead back to
// itself.
func (r *reader) resolve(n ast.Node) (ast.Node, error) {
	switch v := n.(type) {
	case *ast.AnchorNode:
		value, err := r.resolve(v.Value)
		if err != nil {
			return nil, err
		}
		r.anchors[yamldoc.Token(v.Name)] = value
		return value, nil
	case *ast.AliasNode:
		name := yamldoc.Token(v.Value)
		value, ok := r.anchors[name]
		if !ok {
			return nil, r.Refuse(n, "definition.checklist.alias", name, name)
		}
		return value, nil
	case *ast.TagNode:
		return nil, r.Refuse(n, "definition.checklist.tag", yamldoc.Token(n))
	}
	return n, nil
}

// object is a YAML mapping of a definition, whose keys were all checked
// against the fields its owner knows and whose values are resolved.
type object struct {
	*yamldoc.Fields
	r *reader
}

// object reads n as a mapping whose keys must be among known.
func (r *reader) object(n ast.Node, what i18n.Message, known []string) (*object, error) {
	f, err := r.Mapping(n, what, known)
	if err != nil {
		return nil, err
	}
	return &object{Fields: f, r: r}, nil
}

// number returns field key as a number (nil when absent).
func (o *object) number(key string) (*float64, error) {
	n, ok := o.Values[key]
	if !ok {
		return nil, nil
	}
	f, ok := yamldoc.Number(n)
	if !ok {
		return nil, o.r.Refuse(n, "definition.checklist.number", o.What, key, yamldoc.Token(n))
	}
	return &f, nil
}

// count returns field key as a whole number >= 0 (0 when absent).
func (o *object) count(key string) (int, error) {
	f, err := o.number(key)
	if err != nil || f == nil {
		return 0, err
	}
	if *f < 0 || *f > 1e6 || *f != math.Trunc(*f) {
		return 0, o.r.Refuse(o.At(key), "definition.checklist.count", o.What, key)
	}
	return int(*f), nil
}

// text returns field key as a Text; a present Text needs its Vietnamese.
func (o *object) text(key string, required bool) (Text, error) {
	n, ok := o.Values[key]
	if !ok {
		if required {
			return Text{}, o.Missing(key)
		}
		return Text{}, nil
	}
	t, err := o.r.object(n, o.Field(key), []string{"vi", "en"})
	if err != nil {
		return Text{}, err
	}
	vi, err := t.RequiredStr("vi")
	if err != nil {
		return Text{}, err
	}
	en, err := t.Str("en")
	return Text{VI: strings.TrimSpace(vi), EN: strings.TrimSpace(en)}, err
}
