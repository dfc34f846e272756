package survey

import "regexp"

// Text is a string in both languages; in YAML, {vi: "...", en: "..."}.
type Text struct {
	VI, EN string
}

// In returns the text in lang ("vi" or "en"); English falls back to
// Vietnamese when it is empty.
func (t Text) In(lang string) string {
	if lang == "en" && t.EN != "" {
		return t.EN
	}
	return t.VI
}

// Type is the kind of answer a question takes.
type Type string

// The question types. The value of an answer, as stored in JSON, is a string
// for text, a float64 for number, a "YYYY-MM-DD" string for date, a bool for
// yesno, an option value for choice and a list of option values for multi. A
// table has rows instead: each a map from column ID to value.
const (
	TypeText   Type = "text"
	TypeNumber Type = "number"
	TypeDate   Type = "date"
	TypeYesNo  Type = "yesno"
	TypeChoice Type = "choice"
	TypeMulti  Type = "multi"
	TypeTable  Type = "table"
)

// types lists every Type, in the order the definition's messages name them.
var types = []Type{TypeText, TypeNumber, TypeDate, TypeYesNo, TypeChoice, TypeMulti, TypeTable}

// Option is one answer a choice or multi question offers.
type Option struct {
	Value string // stored in the answer
	Label Text   // shown on screen
}

// Condition makes a question relevant only when an earlier answer has a given
// value; in YAML, when: {question: has_tslcd, equals: "yes"}. For a yesno
// question Equals is "yes" or "no", for a choice an option value; a multi
// meets the condition when it contains that value.
type Condition struct {
	Question string
	Equals   string
	Line     int // line in the source file, for messages

	on *Question // the controlling question, set by Parse so that relevance chains
}

// Question is one question of a section, or one column of a table.
type Question struct {
	ID       string
	Type     Type
	Label    Text
	Help     Text
	Required bool

	// Min and Max bound a number (inclusive), or the length of a text in
	// characters; nil means unbounded.
	Min, Max *float64
	// Integer makes a number question accept whole numbers only.
	Integer bool
	// Plain shows a number without thousands separators: a year or a code
	// is a label, not a quantity (2022, not 2.022).
	Plain bool

	// Pattern is a regular expression a text answer must match as a whole,
	// and PatternHint says in words what it asks for ("10 chữ số, bắt đầu
	// bằng 0").
	Pattern     string
	PatternHint Text
	pattern     *regexp.Regexp // Pattern compiled by Parse

	Options []Option   // choice and multi
	When    *Condition // nil: always asked

	// Table only.
	Kind    string     // record kind of the rows (equipment, account, …)
	Columns []Question // scalar columns; a column may depend on an earlier column of its row
	MinRows int        // rows needed once the table is answered (a required table needs at least one)
	Summary []string   // column IDs shown in the rows table, 1 to 4 of them

	Line int // line in the source file, for messages
}

// Section is one numbered part of the checklist.
type Section struct {
	ID        string
	Number    int // 1-based position in the checklist
	Title     Text
	Intro     Text
	Questions []Question
	Line      int
}

// Checklist is a versioned checklist definition.
type Checklist struct {
	ID      string
	Version int
	// EmailDomains are the province's official e-mail domains (in YAML,
	// email_domains: [ninhbinh.gov.vn]), in lower case; an address outside
	// them, or their subdomains, is worth a warning. Empty: no such check.
	EmailDomains []string
	Sections     []Section
}

// Section returns the section with the given ID.
func (c *Checklist) Section(id string) (*Section, bool) {
	for i := range c.Sections {
		if c.Sections[i].ID == id {
			return &c.Sections[i], true
		}
	}
	return nil, false
}

// Question returns the top-level question with the given ID, whatever its
// section; IDs are unique across the checklist. Table columns are found in
// their table's Columns.
func (c *Checklist) Question(id string) (*Question, bool) {
	for i := range c.Sections {
		for j := range c.Sections[i].Questions {
			if q := &c.Sections[i].Questions[j]; q.ID == id {
				return q, true
			}
		}
	}
	return nil, false
}

// Option returns the option with the given value.
func (q *Question) Option(value string) (*Option, bool) {
	for i := range q.Options {
		if q.Options[i].Value == value {
			return &q.Options[i], true
		}
	}
	return nil, false
}

// Column returns the table column with the given ID.
func (q *Question) Column(id string) (*Question, bool) {
	for i := range q.Columns {
		if q.Columns[i].ID == id {
			return &q.Columns[i], true
		}
	}
	return nil, false
}
