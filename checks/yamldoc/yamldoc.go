// Package yamldoc reads a definition written in YAML (a checklist, a check
// profile) from its syntax tree, node by node, so that every problem can be
// reported at the line of the node concerned. It gives mappings of known
// fields, lists and single values; what they mean, and the error type the
// problems are reported in, is up to the package that defines the file.
//
// A problem is an i18n.Message (a key of assets/i18n/*/definition.yaml and
// its arguments), so that the error can say itself in the user's language
// when shown and in English in logs. The names of nodes in messages ("target
// 2", "the profile") are messages too.
package yamldoc

import (
	"errors"
	"slices"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"

	"mach/assets/i18n"
)

// Reader reads the nodes of one YAML document.
type Reader struct {
	// Fail makes the error for a problem at line (0 when unknown), so that
	// each package reports problems in its own error type. It is required.
	Fail func(line int, reason i18n.Message) error
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

// Refuse returns the error for the problem key, with args, at the line of n.
func (r *Reader) Refuse(n ast.Node, key string, args ...any) error {
	return r.RefuseAt(Line(n), key, args...)
}

// RefuseAt returns the error for the problem key, with args, at line.
func (r *Reader) RefuseAt(line int, key string, args ...any) error {
	return r.Fail(line, i18n.Msg(key, args...))
}

// Say says a problem of file at line in t's language: "p.yaml, dòng 3: …",
// or "p.yaml: …" when the line is unknown (0).
func Say(t *i18n.Translator, file string, line int, reason i18n.Message) string {
	if line == 0 {
		return t.T("definition.in", file, reason.Localize(t))
	}
	return t.T("definition.at", file, line, reason.Localize(t))
}

// Document parses data and returns the body of its one YAML document, or
// nil when it holds none. A key given twice is left for Mapping to refuse,
// in words the user reads.
func (r *Reader) Document(data []byte) (ast.Node, error) {
	f, err := parser.ParseBytes(data, 0, parser.AllowDuplicateMapKey())
	if err != nil {
		line, msg := 0, err.Error()
		var ye yaml.Error
		if errors.As(err, &ye) {
			msg = ye.GetMessage()
			if tk := ye.GetToken(); tk != nil && tk.Position != nil {
				line = tk.Position.Line
			}
		}
		return nil, r.RefuseAt(line, "definition.yaml_syntax", msg)
	}
	var body ast.Node
	for _, doc := range f.Docs {
		if IsNull(doc.Body) {
			continue
		}
		if body != nil {
			return nil, r.Refuse(doc.Body, "definition.two_documents")
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
func (r *Reader) Scalar(n ast.Node, what i18n.Message) (string, error) {
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
	return "", r.Refuse(n, "definition.scalar", what, Describe(n))
}

// Sequence returns the items of n, a YAML list, as they are written. what
// names n in messages.
func (r *Reader) Sequence(n ast.Node, what i18n.Message) ([]ast.Node, error) {
	n, err := r.resolve(n)
	if err != nil {
		return nil, err
	}
	seq, ok := n.(*ast.SequenceNode)
	if !ok {
		return nil, r.Refuse(n, "definition.list", what, Describe(n))
	}
	return seq.Values, nil
}

// Fields is a YAML mapping whose keys were checked against the fields its
// owner knows, each given once.
type Fields struct {
	r *Reader
	// Node is the mapping, for lines.
	Node ast.Node
	// What is what the mapping is, for messages: `target "Cổng"`. The owner
	// may name it better once it has read a name.
	What i18n.Message
	// Keys are the key nodes, for lines.
	Keys map[string]ast.Node
	// Values are the values by key (resolved with ResolveValues); null
	// values are left out.
	Values map[string]ast.Node
	// Order is the keys in file order.
	Order []string
}

// Mapping reads n as a mapping named what; when known is not nil its keys
// must be among known. A key given twice is refused at its second line.
func (r *Reader) Mapping(n ast.Node, what i18n.Message, known []string) (*Fields, error) {
	n, err := r.resolve(n)
	if err != nil {
		return nil, err
	}
	m, ok := n.(*ast.MappingNode)
	if !ok {
		return nil, r.Refuse(n, "definition.mapping", what, Describe(n))
	}
	f := &Fields{r: r, Node: m, What: what, Keys: map[string]ast.Node{}, Values: map[string]ast.Node{}}
	for _, mv := range m.Values {
		key := Token(mv.Key)
		if s, ok := mv.Key.(*ast.StringNode); ok {
			key = s.Value
		}
		if known != nil && !slices.Contains(known, key) {
			return nil, r.Refuse(mv.Key, "definition.unknown_field", key, what, strings.Join(known, ", "))
		}
		if first, dup := f.Keys[key]; dup {
			return nil, r.Refuse(mv.Key, "definition.duplicate_field", key, Line(first))
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

// Field names field key of the mapping in messages: `target "Cổng": url`.
func (f *Fields) Field(key string) i18n.Message {
	return i18n.Msg("definition.field", f.What, key)
}

// Missing is the error for a required field without a value.
func (f *Fields) Missing(key string) error {
	return f.r.Refuse(f.At(key), "definition.missing", f.What, key)
}

// Str returns field key as a string, as written ("" when absent).
func (f *Fields) Str(key string) (string, error) {
	n, ok := f.Values[key]
	if !ok {
		return "", nil
	}
	return f.r.Scalar(n, f.Field(key))
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
		return false, f.r.Refuse(n, "definition.bool", f.What, key, Token(n))
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
	return f.r.Sequence(n, f.Field(key))
}

// Each names one item of list field key in messages: `the profile: each of
// ntp`.
func (f *Fields) Each(key string) i18n.Message {
	return i18n.Msg("definition.each", f.What, key)
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
func Describe(n ast.Node) i18n.Message {
	if IsNull(n) {
		return i18n.Msg("definition.node.nothing")
	}
	switch n.(type) {
	case *ast.MappingNode:
		return i18n.Msg("definition.node.mapping")
	case *ast.SequenceNode:
		return i18n.Msg("definition.node.list")
	case *ast.StringNode:
		return i18n.Msg("definition.node.text")
	case *ast.IntegerNode, *ast.FloatNode, *ast.InfinityNode, *ast.NanNode:
		return i18n.Msg("definition.node.number")
	case *ast.BoolNode:
		return i18n.Msg("definition.node.bool")
	case *ast.LiteralNode:
		return i18n.Msg("definition.node.block")
	case *ast.AnchorNode, *ast.AliasNode:
		return i18n.Msg("definition.node.reference")
	case *ast.TagNode:
		return i18n.Msg("definition.node.tag")
	}
	return i18n.Msg("definition.node.value")
}
