package survey

import (
	"errors"
	"fmt"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
)

// Parse reads and validates a checklist definition. Any problem is returned
// as a *DefinitionError at the line of the offending node; file is only used
// in messages.
func Parse(file string, data []byte) (*Checklist, error) {
	r := &reader{file: file, anchors: map[string]ast.Node{}}
	root, err := r.document(data)
	if err != nil {
		return nil, err
	}
	c, err := r.checklist(root)
	if err != nil {
		return nil, err
	}
	if err := r.link(c); err != nil {
		return nil, err
	}
	return c, nil
}

// document parses data and returns the body of its one YAML document.
func (r *reader) document(data []byte) (ast.Node, error) {
	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		var ye yaml.Error
		if errors.As(err, &ye) {
			line := 0
			if tk := ye.GetToken(); tk != nil && tk.Position != nil {
				line = tk.Position.Line
			}
			return nil, &DefinitionError{File: r.file, Line: line, Reason: "not valid YAML: " + ye.GetMessage()}
		}
		return nil, &DefinitionError{File: r.file, Reason: "not valid YAML: " + err.Error()}
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
		return nil, &DefinitionError{File: r.file, Line: 1, Reason: "the file is empty; a checklist needs id, version and sections"}
	}
	return body, nil
}

// checklist reads the top level: id, version and the sections.
func (r *reader) checklist(n ast.Node) (*Checklist, error) {
	o, err := r.object(n, "the checklist", []string{"id", "version", "sections"})
	if err != nil {
		return nil, err
	}
	c := &Checklist{}
	if c.ID, err = o.requiredStr("id"); err != nil {
		return nil, err
	}
	if !checklistID.MatchString(c.ID) {
		return nil, r.errorf(o.at("id"), "the checklist: id %q must be lower-case letters, digits, - and _", c.ID)
	}
	if c.Version, err = o.count("version"); err != nil {
		return nil, err
	}
	if c.Version < 1 {
		return nil, r.errorf(o.at("version"), "the checklist: version must be a whole number from 1 up")
	}
	items, err := o.list("sections")
	if err != nil {
		return nil, err
	}
	if len(items) == 0 {
		return nil, r.errorf(o.at("sections"), "the checklist has no sections")
	}
	sections, questions, kinds := newIDs("section"), newIDs("question"), newIDs("table kind")
	for i, item := range items {
		s, err := r.section(item, i+1, questions, kinds)
		if err != nil {
			return nil, err
		}
		if err := sections.add(r, s.ID, item); err != nil {
			return nil, err
		}
		c.Sections = append(c.Sections, s)
	}
	return c, nil
}

// section reads one section and its questions. Question IDs and table kinds
// are unique across the checklist.
func (r *reader) section(n ast.Node, number int, questions, kinds *ids) (Section, error) {
	o, err := r.object(n, fmt.Sprintf("section %d", number), []string{"id", "title", "intro", "questions"})
	if err != nil {
		return Section{}, err
	}
	s := Section{Number: number, Line: lineOf(o.node)}
	if s.ID, err = o.id("id"); err != nil {
		return Section{}, err
	}
	o.what = fmt.Sprintf("section %q", s.ID)
	if s.Title, err = o.text("title", true); err != nil {
		return Section{}, err
	}
	if s.Intro, err = o.text("intro", false); err != nil {
		return Section{}, err
	}
	items, err := o.list("questions")
	if err != nil {
		return Section{}, err
	}
	if len(items) == 0 {
		return Section{}, r.errorf(o.at("questions"), "%s has no questions", o.what)
	}
	for _, item := range items {
		q, err := r.question(item, kinds, false)
		if err != nil {
			return Section{}, err
		}
		if err := questions.add(r, q.ID, item); err != nil {
			return Section{}, err
		}
		s.Questions = append(s.Questions, q)
	}
	return s, nil
}
