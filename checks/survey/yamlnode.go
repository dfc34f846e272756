package survey

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/goccy/go-yaml/ast"
)

// reader turns the YAML syntax tree of a definition into values, and every
// problem into a *DefinitionError at the line of the node concerned. It
// remembers anchors so that a list written once (the systems, say) can be
// reused with an alias.
type reader struct {
	file    string
	anchors map[string]ast.Node
}

// errorf returns a DefinitionError at the line of n.
func (r *reader) errorf(n ast.Node, format string, args ...any) error {
	return r.errorAt(lineOf(n), format, args...)
}

// errorAt returns a DefinitionError at line.
func (r *reader) errorAt(line int, format string, args ...any) error {
	return &DefinitionError{File: r.file, Line: line, Reason: fmt.Sprintf(format, args...)}
}

// lineOf returns the line of n, or 0 when n has no position.
func lineOf(n ast.Node) int {
	if n == nil {
		return 0
	}
	if tk := n.GetToken(); tk != nil && tk.Position != nil {
		return tk.Position.Line
	}
	return 0
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
		r.anchors[tokenValue(v.Name)] = value
		return value, nil
	case *ast.AliasNode:
		name := tokenValue(v.Value)
		value, ok := r.anchors[name]
		if !ok {
			return nil, r.errorf(n, "alias *%s refers to no anchor &%s defined before it", name, name)
		}
		return value, nil
	case *ast.TagNode:
		return nil, r.errorf(n, "YAML tags such as %s are not allowed", tokenValue(n))
	}
	return n, nil
}

// tokenValue returns the source text of n's token.
func tokenValue(n ast.Node) string {
	if n == nil || n.GetToken() == nil {
		return ""
	}
	return n.GetToken().Value
}

// isNull reports whether n holds no value (an absent or null node).
func isNull(n ast.Node) bool {
	_, null := n.(*ast.NullNode)
	return n == nil || null
}

// describe names the kind of node n is, for messages.
func describe(n ast.Node) string {
	if isNull(n) {
		return "nothing"
	}
	return "a " + n.Type().YAMLName()
}

// object is a YAML mapping whose keys were all checked against the fields its
// owner knows.
type object struct {
	r      *reader
	node   ast.Node
	what   string              // what it is, for messages: `question "officer_phone"`
	keys   map[string]ast.Node // key nodes, for lines
	values map[string]ast.Node // resolved values; null values are left out
}

// object reads n as a mapping whose keys must be among known.
func (r *reader) object(n ast.Node, what string, known []string) (*object, error) {
	n, err := r.resolve(n)
	if err != nil {
		return nil, err
	}
	m, ok := n.(*ast.MappingNode)
	if !ok {
		return nil, r.errorf(n, "%s must be a mapping of fields (key: value), not %s", what, describe(n))
	}
	o := &object{r: r, node: m, what: what, keys: map[string]ast.Node{}, values: map[string]ast.Node{}}
	for _, mv := range m.Values {
		key := tokenValue(mv.Key)
		if s, ok := mv.Key.(*ast.StringNode); ok {
			key = s.Value
		}
		if !slices.Contains(known, key) {
			return nil, r.errorf(mv.Key, "unknown field %q in %s (known fields: %s)", key, what, strings.Join(known, ", "))
		}
		o.keys[key] = mv.Key
		value, err := r.resolve(mv.Value)
		if err != nil {
			return nil, err
		}
		if !isNull(value) {
			o.values[key] = value
		}
	}
	return o, nil
}

// at returns the node to blame for field key: its value, else its key, else
// the whole mapping.
func (o *object) at(key string) ast.Node {
	if n, ok := o.values[key]; ok {
		return n
	}
	if n, ok := o.keys[key]; ok {
		return n
	}
	return o.node
}

// has reports whether field key holds a value.
func (o *object) has(key string) bool {
	_, ok := o.values[key]
	return ok
}

// missing is the error for a required field without a value.
func (o *object) missing(key string) error {
	return o.r.errorf(o.at(key), "%s: %s is missing", o.what, key)
}

// str returns field key as a string ("" when absent).
func (o *object) str(key string) (string, error) {
	n, ok := o.values[key]
	if !ok {
		return "", nil
	}
	return o.r.scalar(n, o.what+": "+key)
}

// scalar returns n as a string. Numbers and booleans are taken as written.
func (r *reader) scalar(n ast.Node, what string) (string, error) {
	switch v := n.(type) {
	case *ast.StringNode:
		return v.Value, nil
	case *ast.LiteralNode:
		return v.Value.Value, nil
	case *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode:
		return tokenValue(n), nil
	}
	return "", r.errorf(n, "%s must be a single value, not %s", what, describe(n))
}

// requiredStr is str for a field that must be present and not blank.
func (o *object) requiredStr(key string) (string, error) {
	s, err := o.str(key)
	if err == nil && strings.TrimSpace(s) == "" {
		err = o.missing(key)
	}
	return s, err
}

// boolean returns field key as a bool (false when absent).
func (o *object) boolean(key string) (bool, error) {
	n, ok := o.values[key]
	if !ok {
		return false, nil
	}
	b, ok := n.(*ast.BoolNode)
	if !ok {
		return false, o.r.errorf(n, "%s: %s must be true or false, not %q", o.what, key, tokenValue(n))
	}
	return b.Value, nil
}

// number returns field key as a number (nil when absent).
func (o *object) number(key string) (*float64, error) {
	n, ok := o.values[key]
	if !ok {
		return nil, nil
	}
	var f float64
	switch v := n.(type) {
	case *ast.IntegerNode:
		switch i := v.Value.(type) {
		case int64:
			f = float64(i)
		case uint64:
			f = float64(i)
		default:
			ok = false
		}
	case *ast.FloatNode:
		f = v.Value
	default:
		ok = false
	}
	if !ok {
		return nil, o.r.errorf(n, "%s: %s must be a number, not %q", o.what, key, tokenValue(n))
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
		return 0, o.r.errorf(o.at(key), "%s: %s must be a whole number from 0 to 1000000", o.what, key)
	}
	return int(*f), nil
}

// list returns the items of field key, a sequence (nil when absent).
func (o *object) list(key string) ([]ast.Node, error) {
	n, ok := o.values[key]
	if !ok {
		return nil, nil
	}
	seq, ok := n.(*ast.SequenceNode)
	if !ok {
		return nil, o.r.errorf(n, "%s: %s must be a list, not %s", o.what, key, describe(n))
	}
	return seq.Values, nil
}

// text returns field key as a Text; a present Text needs its Vietnamese.
func (o *object) text(key string, required bool) (Text, error) {
	n, ok := o.values[key]
	if !ok {
		if required {
			return Text{}, o.missing(key)
		}
		return Text{}, nil
	}
	t, err := o.r.object(n, o.what+" "+key, []string{"vi", "en"})
	if err != nil {
		return Text{}, err
	}
	vi, err := t.requiredStr("vi")
	if err != nil {
		return Text{}, err
	}
	en, err := t.str("en")
	return Text{VI: strings.TrimSpace(vi), EN: strings.TrimSpace(en)}, err
}
