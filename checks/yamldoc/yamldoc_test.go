package yamldoc

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/goccy/go-yaml/ast"

	"mach/assets/i18n"
)

// problem is the error of the test readers, its reason said in English.
type problem struct {
	line   int
	reason string
}

func (p *problem) Error() string { return fmt.Sprintf("%d: %s", p.line, p.reason) }

// testReader is a reader whose problems are *problem.
func testReader() *Reader {
	en := i18n.MustNew(i18n.English)
	return &Reader{Fail: func(line int, reason i18n.Message) error { return &problem{line, reason.Localize(en)} }}
}

// thing and x name the mappings of the tests in messages.
var (
	thing = i18n.Msg("definition.profile.what")
	x     = i18n.Msg("definition.profile.target_number", 1)
)

// wantProblem fails unless err is a *problem at line whose reason holds want.
func wantProblem(t *testing.T, err error, line int, want string) {
	t.Helper()
	var p *problem
	if !errors.As(err, &p) || p.line != line || !strings.Contains(p.reason, want) {
		t.Errorf("got %v, want a problem at line %d holding %q", err, line, want)
	}
}

// body parses src with r and returns its document's body.
func body(t *testing.T, r *Reader, src string) ast.Node {
	t.Helper()
	n, err := r.Document([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestDocument(t *testing.T) {
	r := testReader()
	if n, err := r.Document([]byte("# nothing\n")); n != nil || err != nil {
		t.Errorf("an empty file gave %v, %v; want no body and no error", n, err)
	}
	_, err := r.Document([]byte("a: 1\n---\nb: 2\n"))
	wantProblem(t, err, 3, "only one YAML document")
	_, err = r.Document([]byte("a: [1\n"))
	wantProblem(t, err, 1, "not valid YAML")
	_, err = r.Mapping(body(t, r, "a: 1\nb: 2\na: 3\n"), thing, nil)
	wantProblem(t, err, 3, `field "a" already defined at line 1`)
}

// TestSay checks where a problem is said to be, in both languages.
func TestSay(t *testing.T) {
	reason := i18n.Msg("definition.missing", thing, "id")
	for _, c := range []struct {
		lang, want string
		line       int
	}{
		{i18n.Vietnamese, "p.yaml, dòng 3: hồ sơ kiểm tra: thiếu trường «id»", 3},
		{i18n.English, "p.yaml, line 3: the profile: id is missing", 3},
		{i18n.Vietnamese, "p.yaml: hồ sơ kiểm tra: thiếu trường «id»", 0},
	} {
		if got := Say(i18n.MustNew(c.lang), "p.yaml", c.line, reason); got != c.want {
			t.Errorf("Say(%s, line %d) = %q, want %q", c.lang, c.line, got, c.want)
		}
	}
}

func TestMapping(t *testing.T) {
	r := testReader()
	n := body(t, r, "b: 1\na: x\nc:\n")
	f, err := r.Mapping(n, thing, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(f.Order, []string{"b", "a", "c"}) || f.Has("c") || !f.Has("a") {
		t.Errorf("order %v, has c %v, has a %v; want b a c, the null c left out", f.Order, f.Has("c"), f.Has("a"))
	}
	if s, err := f.Str("a"); s != "x" || err != nil {
		t.Errorf("Str(a) = %q, %v", s, err)
	}
	if Line(f.At("c")) != 3 || Line(f.At("d")) != 1 {
		t.Errorf("At(c) at line %d, At(d) at line %d; want the key's line 3, the mapping's line 1", Line(f.At("c")), Line(f.At("d")))
	}
	_, err = f.RequiredStr("c")
	wantProblem(t, err, 3, "the profile: c is missing")
	_, err = f.Bool("b")
	wantProblem(t, err, 1, `the profile: b must be true or false, not "1"`)
	_, err = f.List("a")
	wantProblem(t, err, 2, "the profile: a must be a list, not a string")

	_, err = r.Mapping(n, thing, []string{"a", "c"})
	wantProblem(t, err, 1, `unknown field "b" in the profile (known fields: a, c)`)
	_, err = r.Mapping(f.Values["a"], f.Field("a"), nil)
	wantProblem(t, err, 2, "the profile: a must be a mapping of fields (key: value), not a string")
}

func TestScalar(t *testing.T) {
	r := testReader()
	f, err := r.Mapping(body(t, r, "n: 0x10\nb: yes\nl: [1]\nt: |\n  two\n  lines\n"), x, nil)
	if err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string]string{"n": "0x10", "b": "yes"} {
		if s, err := f.Str(key); s != want || err != nil {
			t.Errorf("Str(%s) = %q, %v; want %q as written", key, s, err, want)
		}
	}
	_, err = f.Str("l")
	wantProblem(t, err, 3, "target 1: l must be a single value, not a list")
	if _, err = f.Str("t"); err == nil {
		t.Error("a block scalar was taken without Blocks")
	}
	r.Blocks = true
	if s, err := f.Str("t"); s != "two\nlines\n" || err != nil {
		t.Errorf("Str(t) with Blocks = %q, %v", s, err)
	}
}

// TestResolve checks when Resolve is applied: to each node read, and to the
// values of a mapping as it is read only with ResolveValues.
func TestResolve(t *testing.T) {
	src := "a: &x 1\nb: *x\n"
	var seen []string
	r := testReader()
	r.Resolve = func(n ast.Node) (ast.Node, error) {
		seen = append(seen, n.Type().String())
		if a, ok := n.(*ast.AnchorNode); ok {
			return a.Value, nil
		}
		if _, ok := n.(*ast.AliasNode); ok {
			return nil, r.Refuse(n, "definition.profile.alias")
		}
		return n, nil
	}
	f, err := r.Mapping(body(t, r, src), x, nil)
	if err != nil || len(seen) != 1 {
		t.Fatalf("Mapping = %v, resolved %v; want only the mapping resolved", err, seen)
	}
	if s, err := f.Str("a"); s != "1" || err != nil {
		t.Errorf("Str(a) = %q, %v; want the anchored value", s, err)
	}
	_, err = f.Str("b")
	wantProblem(t, err, 2, "anchors and aliases")

	r.ResolveValues = true
	_, err = r.Mapping(body(t, r, src), x, nil)
	wantProblem(t, err, 2, "anchors and aliases")
}

func TestNumber(t *testing.T) {
	r := testReader()
	f, err := r.Mapping(body(t, r, "i: -3\nu: 18446744073709551615\nf: 2.5\ns: two\n"), x, nil)
	if err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string]float64{"i": -3, "u": 18446744073709551615, "f": 2.5} {
		if got, ok := Number(f.Values[key]); got != want || !ok {
			t.Errorf("Number(%s) = %v, %v; want %v", key, got, ok, want)
		}
	}
	if _, ok := Number(f.Values["s"]); ok {
		t.Error("Number took a string")
	}
}
