package survey

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/goccy/go-yaml/ast"

	"mach/checks/yamldoc"
)

// Parse reads and validates a checklist definition. Any problem is returned
// as a *DefinitionError at the line of the offending node; file is only used
// in messages.
func Parse(file string, data []byte) (*Checklist, error) {
	r := newReader(file)
	root, err := r.Document(data)
	if err == nil && root == nil {
		err = r.ErrorAt(1, "the file is empty; a checklist needs id, version and sections")
	}
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

// checklist reads the top level: id, version and the sections.
func (r *reader) checklist(n ast.Node) (*Checklist, error) {
	o, err := r.object(n, "the checklist", []string{"id", "version", "email_domains", "sections"})
	if err != nil {
		return nil, err
	}
	c := &Checklist{}
	if c.ID, err = o.RequiredStr("id"); err != nil {
		return nil, err
	}
	if !checklistID.MatchString(c.ID) {
		return nil, r.Errorf(o.At("id"), "the checklist: id %q must be lower-case letters, digits, - and _", c.ID)
	}
	if c.Version, err = o.count("version"); err != nil {
		return nil, err
	}
	if c.Version < 1 {
		return nil, r.Errorf(o.At("version"), "the checklist: version must be a whole number from 1 up")
	}
	if c.EmailDomains, err = r.emailDomains(o); err != nil {
		return nil, err
	}
	items, err := o.List("sections")
	if err != nil {
		return nil, err
	}
	if len(items) == 0 {
		return nil, r.Errorf(o.At("sections"), "the checklist has no sections")
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
	s := Section{Number: number, Line: yamldoc.Line(o.Node)}
	if s.ID, err = o.id("id"); err != nil {
		return Section{}, err
	}
	o.What = fmt.Sprintf("section %q", s.ID)
	if s.Title, err = o.text("title", true); err != nil {
		return Section{}, err
	}
	if s.Intro, err = o.text("intro", false); err != nil {
		return Section{}, err
	}
	items, err := o.List("questions")
	if err != nil {
		return Section{}, err
	}
	if len(items) == 0 {
		return Section{}, r.Errorf(o.At("questions"), "%s has no questions", o.What)
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

// emailDomain is one domain name: labels of letters, digits and hyphens,
// separated by dots, at least two labels.
var emailDomain = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$`)

// emailDomains reads the optional list of the province's official e-mail
// domains, in lower case.
func (r *reader) emailDomains(o *object) ([]string, error) {
	items, err := o.List("email_domains")
	if err != nil {
		return nil, err
	}
	var out []string
	for _, item := range items {
		item, err := r.resolve(item)
		if err != nil {
			return nil, err
		}
		d, err := r.Scalar(item, "the checklist: an entry of email_domains")
		if err != nil {
			return nil, err
		}
		d = strings.ToLower(strings.TrimSpace(d))
		if !emailDomain.MatchString(d) {
			return nil, r.Errorf(item, "the checklist: email_domains: %q is not a domain name such as ninhbinh.gov.vn", d)
		}
		if slices.Contains(out, d) {
			return nil, r.Errorf(item, "the checklist: email_domains names %q twice", d)
		}
		out = append(out, d)
	}
	return out, nil
}
