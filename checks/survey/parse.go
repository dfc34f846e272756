package survey

import (
	"regexp"
	"slices"
	"strings"

	"github.com/goccy/go-yaml/ast"

	"mach/assets/i18n"
	"mach/checks/yamldoc"
)

// Parse reads and validates a checklist definition. Any problem is returned
// as a *DefinitionError at the line of the offending node; file is only used
// in messages.
func Parse(file string, data []byte) (*Checklist, error) {
	r := newReader(file)
	root, err := r.Document(data)
	if err == nil && root == nil {
		err = r.RefuseAt(1, "definition.checklist.empty")
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
	o, err := r.object(n, i18n.Msg("definition.checklist.what"), []string{"id", "version", "email_domains", "sections"})
	if err != nil {
		return nil, err
	}
	c := &Checklist{}
	if c.ID, err = o.Str("id"); err != nil {
		return nil, err
	}
	if strings.TrimSpace(c.ID) == "" {
		return nil, r.Refuse(o.At("id"), "definition.checklist.no_id")
	}
	if !checklistID.MatchString(c.ID) {
		return nil, r.Refuse(o.At("id"), "definition.checklist.bad_id", c.ID)
	}
	if !o.Has("version") {
		return nil, r.Refuse(o.At("version"), "definition.checklist.no_version")
	}
	if c.Version, err = o.count("version"); err != nil {
		return nil, err
	}
	if c.Version < 1 {
		return nil, r.Refuse(o.At("version"), "definition.checklist.version")
	}
	if c.EmailDomains, err = r.emailDomains(o); err != nil {
		return nil, err
	}
	items, err := o.List("sections")
	if err != nil {
		return nil, err
	}
	if len(items) == 0 {
		return nil, r.Refuse(o.At("sections"), "definition.checklist.no_sections")
	}
	sections, questions, kinds := newIDs("definition.checklist.ids.section"), newIDs("definition.checklist.ids.question"), newIDs("definition.checklist.ids.kind")
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
	o, err := r.object(n, i18n.Msg("definition.checklist.section_number", number), []string{"id", "title", "intro", "questions"})
	if err != nil {
		return Section{}, err
	}
	s := Section{Number: number, Line: yamldoc.Line(o.Node)}
	if s.ID, err = o.id("id"); err != nil {
		return Section{}, err
	}
	o.What = i18n.Msg("definition.checklist.section", s.ID)
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
		return Section{}, r.Refuse(o.At("questions"), "definition.checklist.no_questions", o.What)
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
		d, err := r.Scalar(item, o.Each("email_domains"))
		if err != nil {
			return nil, err
		}
		d = strings.ToLower(strings.TrimSpace(d))
		if !emailDomain.MatchString(d) {
			return nil, r.Refuse(item, "definition.checklist.email_domain", d)
		}
		if slices.Contains(out, d) {
			return nil, r.Refuse(item, "definition.checklist.email_twice", d)
		}
		out = append(out, d)
	}
	return out, nil
}
