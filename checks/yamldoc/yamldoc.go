// Package yamldoc reads a definition written in YAML (a checklist, a check
// profile) from its syntax tree, node by node, so that every problem can be
// reported at the line of the node concerned. It gives mappings of known
// fields, lists and single values; what they mean, and the error type the
// problems are reported in, is up to the package that defines the file.
package yamldoc

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
)

// Reader reads the nodes of one YAML document.
type Reader struct {
	// Fail makes the error for a problem at line (0 when unknown), so that
	// each package reports problems in its own error type. It is required.
	Fail func(line int, reason string) error
	// Resolve returns the node that n stands for, following or refusing
	// anchors, aliases and tags as the file's rules say. It is applied to
	// every node read as a mapping, a list or a single value; nil leaves
	// nodes as they are written.
	Resolve func(n ast.Node) (ast.Node, error)
	// ResolveValues has Mapping resolve each value as it reads the mapping,
	// in file order, so that an anchor is known to the aliases after it;
	// otherwise a value is resolved when it is read.
	ResolveValues bool
	// Blocks takes a block scalar (| or >) as a single value; otherwise it
	// is refused.
	Blocks bool
}

// Errorf returns the error for a problem at the line of n.
func (r *Reader) Errorf(n ast.Node, format string, args ...any) error {
	return r.ErrorAt(Line(n), format, args...)
}

// ErrorAt returns the error for a problem at line.
func (r *Reader) ErrorAt(line int, format string, args ...any) error {
	return r.Fail(line, fmt.Sprintf(format, args...))
}

// Document parses data and returns the body of its one YAML document, or
// nil when it holds none.
func (r *Reader) Document(data []byte) (ast.Node, error) {
	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		line, msg := 0, err.Error()
		var ye yaml.Error
		if errors.As(err, &ye) {
			msg = ye.GetMessage()
			if tk := ye.GetToken(); tk != nil && tk.Position != nil {
				line = tk.Position.Line
			}
		}
		return nil, r.ErrorAt(line, "not valid YAML: %s", msg)
	}
	var body ast.Node
	for _, doc := range f.Docs {
		if IsNull(doc.Body) {
			continue
		}
		if body != nil {
			return nil, r.Errorf(doc.Body, "only one YAML document is allowed; remove this second one (or the --- before it)")
		}
		body = doc.Body
	}
	return body, nil
}

// resolve applies Resolve to n, if set.
func (r *Reader) resolve(n ast.Node) (ast.Node, error) {
	if r.Resolve == nil {
		return n, nil
	}
	return r.Resolve(n)
}

// Scalar returns n as a string; numbers and booleans are taken as written.
// what names n in messages.
func (r *Reader) Scalar(n ast.Node, what string) (string, error) {
	n, err := r.resolve(n)
	if err != nil {
		return "", err
	}
	switch v := n.(type) {
	case *ast.StringNode:
		return v.Value, nil
	case *ast.LiteralNode:
		if r.Blocks {
			return v.Value.Value, nil
		}
	case *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode:
		return Token(n), nil
	}
	return "", r.Errorf(n, "%s must be a single value, not %s", what, Describe(n))
}

// Sequence returns the items of n, a YAML list, as they are written. what
// names n in messages.
func (r *Reader) Sequence(n ast.Node, what string) ([]ast.Node, error) {
	n, err := r.resolve(n)
	if err != nil {
		return nil, err
	}
	seq, ok := n.(*ast.SequenceNode)
	if !ok {
		return nil, r.Errorf(n, "%s must be a list, not %s", what, Describe(n))
	}
	return seq.Values, nil
}

// Fields is a YAML mapping whose keys were checked against the fields its
// owner knows. The parser already refuses a key given twice.
type Fields struct {
	r *Reader
	// Node is the mapping, for lines.
	Node ast.Node
	// What is what the mapping is, for messages: `target "Cổng"`. The owner
	// may name it better once it has read a name.
	What string
	// Keys are the key nodes, for lines.
	Keys map[string]ast.Node
	// Values are the values by key (resolved with ResolveValues); null
	// values are left out.
	Values map[string]ast.Node
	// Order is the keys in file order.
	Order []string
}

// Mapping reads n as a mapping named what; when known is not nil its keys
// must be among known.
func (r *Reader) Mapping(n ast.Node, what string, known []string) (*Fields, error) {
	n, err := r.resolve(n)
	if err != nil {
		return nil, err
	}
	m, ok := n.(*ast.MappingNode)
	if !ok {
		return nil, r.Errorf(n, "%s must be a mapping of fields (key: value), not %s", what, Describe(n))
	}
	f := &Fields{r: r, Node: m, What: what, Keys: map[string]ast.Node{}, Values: map[string]ast.Node{}}
	for _, mv := range m.Values {
		key := Token(mv.Key)
		if s, ok := mv.Key.(*ast.StringNode); ok {
			key = s.Value
		}
		if known != nil && !slices.Contains(known, key) {
			return nil, r.Errorf(mv.Key, "unknown field %q in %s (known fields: %s)", key, what, strings.Join(known, ", "))
		}
		f.Keys[key] = mv.Key
		f.Order = append(f.Order, key)
		value := mv.Value
		if r.ResolveValues {
			if value, err = r.resolve(value); err != nil {
				return nil, err
			}
		}
		if !IsNull(value) {
			f.Values[key] = value
		}
	}
	return f, nil
}

// At returns the node to blame for field key: its value, else its key, else
// the whole mapping.
func (f *Fields) At(key string) ast.Node {
	if n, ok := f.Values[key]; ok {
		return n
	}
	if n, ok := f.Keys[key]; ok {
		return n
	}
	return f.Node
}

// Has reports whether field key holds a value.
func (f *Fields) Has(key string) bool {
	_, ok := f.Values[key]
	return ok
}

// Missing is the error for a required field without a value.
func (f *Fields) Missing(key string) error {
	return f.r.Errorf(f.At(key), "%s: %s is missing", f.What, key)
}

// Str returns field key as a string, as written ("" when absent).
func (f *Fields) Str(key string) (string, error) {
	n, ok := f.Values[key]
	if !ok {
		return "", nil
	}
	return f.r.Scalar(n, f.What+": "+key)
}

// RequiredStr is Str for a field that must be present and not blank.
func (f *Fields) RequiredStr(key string) (string, error) {
	s, err := f.Str(key)
	if err == nil && strings.TrimSpace(s) == "" {
		err = f.Missing(key)
	}
	return s, err
}

// Bool returns field key as a bool (false when absent).
func (f *Fields) Bool(key string) (bool, error) {
	n, ok := f.Values[key]
	if !ok {
		return false, nil
	}
	b, ok := n.(*ast.BoolNode)
	if !ok {
		return false, f.r.Errorf(n, "%s: %s must be true or false, not %q", f.What, key, Token(n))
	}
	return b.Value, nil
}

// List returns the items of field key, a list, as they are written (nil
// when absent).
func (f *Fields) List(key string) ([]ast.Node, error) {
	n, ok := f.Values[key]
	if !ok {
		return nil, nil
	}
	return f.r.Sequence(n, f.What+": "+key)
}

// Number returns the value of n when it is an integer or a float, as
// written; ok is false for any other node and for an integer too large for
// 64 bits.
func Number(n ast.Node) (f float64, ok bool) {
	switch v := n.(type) {
	case *ast.IntegerNode:
		switch i := v.Value.(type) {
		case int64:
			return float64(i), true
		case uint64:
			return float64(i), true
		}
	case *ast.FloatNode:
		return v.Value, true
	}
	return 0, false
}

// Line returns the line of n, or 0 when n has no position.
func Line(n ast.Node) int {
	if n == nil {
		return 0
	}
	if tk := n.GetToken(); tk != nil && tk.Position != nil {
		return tk.Position.Line
	}
	return 0
}

// Token returns the source text of n's token ("" when it has none).
func Token(n ast.Node) string {
	if n == nil || n.GetToken() == nil {
		return ""
	}
	return n.GetToken().Value
}

// IsNull reports whether n holds no value (an absent or null node).
func IsNull(n ast.Node) bool {
	_, null := n.(*ast.NullNode)
	return n == nil || null
}

// Describe names the kind of node n is, for messages: "a mapping",
// "nothing".
func Describe(n ast.Node) string {
	if IsNull(n) {
		return "nothing"
	}
	return "a " + n.Type().YAMLName()
}
