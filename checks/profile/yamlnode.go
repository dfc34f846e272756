package profile

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
)

// reader turns the YAML syntax tree of a profile into values, and every
// problem into a *DefinitionError at the line of the node concerned.
// Anchors, aliases and tags are refused: a profile is written out plainly.
type reader struct {
	file string
}

// errorf returns a DefinitionError at the line of n.
func (r *reader) errorf(n ast.Node, format string, args ...any) error {
	return &DefinitionError{File: r.file, Line: lineOf(n), Reason: fmt.Sprintf(format, args...)}
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

// tokenText returns the source text of n's token ("" when it has none).
func tokenText(n ast.Node) string {
	if n == nil || n.GetToken() == nil {
		return ""
	}
	return n.GetToken().Value
}

// document parses data and returns the body of its one YAML document.
func (r *reader) document(data []byte) (ast.Node, error) {
	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		de := &DefinitionError{File: r.file, Reason: "not valid YAML: " + err.Error()}
		var ye yaml.Error
		if errors.As(err, &ye) {
			de.Reason = "not valid YAML: " + ye.GetMessage()
			if tk := ye.GetToken(); tk != nil && tk.Position != nil {
				de.Line = tk.Position.Line
			}
		}
		return nil, de
	}
	var body ast.Node
	for _, doc := range f.Docs {
		if isNull(doc.Body) {
			continue
		}
		if body != nil {
			return nil, r.errorf(doc.Body, "only one YAML document is allowed; remove this second one (or the --- before it)")
		}
		body = doc.Body
	}
	if body == nil {
		return nil, &DefinitionError{File: r.file, Line: 1, Reason: "the file is empty; a profile needs id, version and targets"}
	}
	return body, nil
}

// plain returns n, refusing anchors, aliases and tags.
func (r *reader) plain(n ast.Node) (ast.Node, error) {
	switch n.(type) {
	case *ast.AnchorNode, *ast.AliasNode:
		return nil, r.errorf(n, "anchors and aliases (& and *) are not used in profiles; write the value out")
	case *ast.TagNode:
		return nil, r.errorf(n, "YAML tags (!…) are not used in profiles; write the value out")
	}
	return n, nil
}

// isNull reports whether n holds no value.
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

// scalar returns n as a string; numbers and booleans are taken as written.
func (r *reader) scalar(n ast.Node, what string) (string, error) {
	n, err := r.plain(n)
	if err != nil {
		return "", err
	}
	switch v := n.(type) {
	case *ast.StringNode:
		return v.Value, nil
	case *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode:
		return tokenText(n), nil
	}
	return "", r.errorf(n, "%s must be a single value, not %s", what, describe(n))
}

// number returns n as a finite number.
func (r *reader) number(n ast.Node, what string) (float64, error) {
	n, err := r.plain(n)
	if err != nil {
		return 0, err
	}
	f, ok := 0.0, true
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
		ok = !math.IsInf(f, 0) && !math.IsNaN(f)
	default:
		ok = false
	}
	if !ok {
		return 0, r.errorf(n, "%s must be a number, not %s", what, describe(n))
	}
	return f, nil
}

// mapping is a YAML mapping whose keys were checked against the fields its
// owner knows. The parser already refuses a key given twice.
type mapping struct {
	r      *reader
	node   ast.Node
	what   string              // what it is, for messages: `target "Cổng"`
	keys   map[string]ast.Node // key nodes, for lines
	values map[string]ast.Node // values; null values are left out
	order  []string            // keys in file order
}

// mapping reads n as a mapping; when known is not nil its keys must be
// among known.
func (r *reader) mapping(n ast.Node, what string, known []string) (*mapping, error) {
	n, err := r.plain(n)
	if err != nil {
		return nil, err
	}
	m, ok := n.(*ast.MappingNode)
	if !ok {
		return nil, r.errorf(n, "%s must be a mapping of fields (key: value), not %s", what, describe(n))
	}
	o := &mapping{r: r, node: m, what: what, keys: map[string]ast.Node{}, values: map[string]ast.Node{}}
	for _, mv := range m.Values {
		key := tokenText(mv.Key)
		if s, ok := mv.Key.(*ast.StringNode); ok {
			key = s.Value
		}
		if known != nil && !slices.Contains(known, key) {
			return nil, r.errorf(mv.Key, "unknown field %q in %s (known fields: %s)", key, what, strings.Join(known, ", "))
		}
		o.keys[key] = mv.Key
		o.order = append(o.order, key)
		if !isNull(mv.Value) {
			o.values[key] = mv.Value
		}
	}
	return o, nil
}

// at returns the node to blame for field key: its value, else its key, else
// the whole mapping.
func (o *mapping) at(key string) ast.Node {
	if n, ok := o.values[key]; ok {
		return n
	}
	if n, ok := o.keys[key]; ok {
		return n
	}
	return o.node
}

// has reports whether field key holds a value.
func (o *mapping) has(key string) bool {
	_, ok := o.values[key]
	return ok
}

// str returns field key as a trimmed string ("" when absent).
func (o *mapping) str(key string) (string, error) {
	n, ok := o.values[key]
	if !ok {
		return "", nil
	}
	s, err := o.r.scalar(n, o.what+": "+key)
	return strings.TrimSpace(s), err
}

// requiredStr is str for a field that must be present and not blank.
func (o *mapping) requiredStr(key string) (string, error) {
	s, err := o.str(key)
	if err == nil && s == "" {
		err = o.r.errorf(o.at(key), "%s: %s is missing", o.what, key)
	}
	return s, err
}

// boolean returns field key as a bool (false when absent).
func (o *mapping) boolean(key string) (bool, error) {
	n, ok := o.values[key]
	if !ok {
		return false, nil
	}
	b, ok := n.(*ast.BoolNode)
	if !ok {
		return false, o.r.errorf(n, "%s: %s must be true or false, not %q", o.what, key, tokenText(n))
	}
	return b.Value, nil
}

// whole returns field key as a whole number from min to max (0 when absent).
func (o *mapping) whole(key string, min, max int) (int, error) {
	n, ok := o.values[key]
	if !ok {
		return 0, nil
	}
	f, err := o.r.number(n, o.what+": "+key)
	if err != nil {
		return 0, err
	}
	if f < float64(min) || f > float64(max) || f != math.Trunc(f) {
		return 0, o.r.errorf(n, "%s: %s must be a whole number from %d to %d", o.what, key, min, max)
	}
	return int(f), nil
}

// list returns field key as a list of single values, each with its node
// (nil when absent).
func (o *mapping) list(key string) ([]string, []ast.Node, error) {
	n, ok := o.values[key]
	if !ok {
		return nil, nil, nil
	}
	items, err := o.r.sequence(n, o.what+": "+key)
	if err != nil {
		return nil, nil, err
	}
	values := make([]string, len(items))
	for i, item := range items {
		s, err := o.r.scalar(item, o.what+": each of "+key)
		if err != nil {
			return nil, nil, err
		}
		values[i] = strings.TrimSpace(s)
	}
	return values, items, nil
}

// sequence returns the items of n, a YAML sequence.
func (r *reader) sequence(n ast.Node, what string) ([]ast.Node, error) {
	n, err := r.plain(n)
	if err != nil {
		return nil, err
	}
	seq, ok := n.(*ast.SequenceNode)
	if !ok {
		return nil, r.errorf(n, "%s must be a list, not %s", what, describe(n))
	}
	return seq.Values, nil
}
