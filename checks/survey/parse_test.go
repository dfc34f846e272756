package survey

import (
	"errors"
	"strings"
	"testing"

	"mach/assets/i18n"
)

func TestDefaultLoads(t *testing.T) {
	c, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	if c.ID != "ninhbinh-2025" || c.Version != 1 {
		t.Errorf("checklist = %s v%d, want ninhbinh-2025 v1", c.ID, c.Version)
	}
	if len(c.EmailDomains) != 1 || c.EmailDomains[0] != "ninhbinh.gov.vn" {
		t.Errorf("email domains = %q, want [ninhbinh.gov.vn]", c.EmailDomains)
	}
	want := []struct{ id, vi, en string }{
		{"unit", "Thông tin đơn vị", "Unit"},
		{"equipment", "Thiết bị CNTT", "Equipment"},
		{"links", "Đường truyền, kết nối mạng", "Network links"},
		{"systems", "Hệ thống thông tin, cơ sở dữ liệu", "Information systems"},
		{"accounts", "Tài khoản, thư công vụ, chữ ký số", "Accounts"},
		{"backups", "Sao lưu và bàn giao dữ liệu", "Backups and handover"},
		{"needs", "Đề xuất đầu tư, nâng cấp hạ tầng", "Infrastructure needs"},
		{"training", "Nhu cầu tập huấn", "Training"},
	}
	if len(c.Sections) != len(want) {
		t.Fatalf("%d sections, want %d", len(c.Sections), len(want))
	}
	for i, w := range want {
		s := c.Sections[i]
		if s.ID != w.id || s.Number != i+1 || s.Title.VI != w.vi || s.Title.EN != w.en {
			t.Errorf("section %d = %s %d %q/%q, want %s %q/%q", i, s.ID, s.Number, s.Title.VI, s.Title.EN, w.id, w.vi, w.en)
		}
	}
}

// TestDefaultIsBilingual walks every text of the shipped checklist: each must
// have its English too, so that nothing falls back by accident.
func TestDefaultIsBilingual(t *testing.T) {
	c, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	check := func(where string, texts ...Text) {
		for _, x := range texts {
			if x.VI != "" && x.EN == "" {
				t.Errorf("%s: %q has no English", where, x.VI)
			}
		}
	}
	var walk func(q *Question)
	walk = func(q *Question) {
		check(q.ID, q.Label, q.Help, q.PatternHint)
		for _, o := range q.Options {
			check(q.ID+"/"+o.Value, o.Label)
		}
		for i := range q.Columns {
			walk(&q.Columns[i])
		}
	}
	for i := range c.Sections {
		s := &c.Sections[i]
		check(s.ID, s.Title, s.Intro)
		for j := range s.Questions {
			walk(&s.Questions[j])
		}
	}
}

func TestDefaultContents(t *testing.T) {
	c, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	for id, kind := range map[string]string{
		"formed_from": "formed_from", "equipment": "equipment", "systems": "system", "accounts": "account",
		"backups": "backup", "needs": "need", "training": "training",
	} {
		q := question(t, c, id)
		if q.Type != TypeTable || q.Kind != kind {
			t.Errorf("%s: type %s kind %q, want a table of %q", id, q.Type, q.Kind, kind)
		}
	}
	for _, table := range []string{"systems.system", "accounts.system", "backups.system", "training.system"} {
		if n := len(question(t, c, table).Options); n != 14 {
			t.Errorf("%s has %d systems, want 14", table, n)
		}
	}
	if n := len(question(t, c, "equipment.kind").Options); n != 11 {
		t.Errorf("equipment kinds: %d, want 11", n)
	}
	intro := c.Sections[4].Intro
	if !strings.Contains(intro.VI, "mật khẩu") || !strings.Contains(intro.EN, "passwords") {
		t.Errorf("the accounts intro must warn against passwords: %+v", intro)
	}
}

func TestQuestionLookup(t *testing.T) {
	c := sample(t)
	if s, ok := c.Section("second"); !ok || s.Number != 2 {
		t.Errorf("Section(second) = %v, %v", s, ok)
	}
	if _, ok := c.Section("nope"); ok {
		t.Error("Section(nope) found")
	}
	if q, ok := c.Question("things"); !ok || q.Type != TypeTable || len(q.Columns) != 3 {
		t.Errorf("Question(things) = %+v, %v", q, ok)
	}
	if _, ok := c.Question("label"); ok {
		t.Error("a column was found as a top-level question")
	}
	q := question(t, c, "name")
	if q.Line != 8 {
		t.Errorf("name is at line %d, want 8", q.Line)
	}
}

// checklistOf wraps questions (indented for a list under "questions:") in a
// one-section checklist.
func TestEmailDomainsAreOptionalAndLowerCase(t *testing.T) {
	c, err := Parse("t.yaml", []byte(checklistOf("      - {id: a, type: text, label: {vi: A}}\n")))
	if err != nil || len(c.EmailDomains) != 0 {
		t.Fatalf("without email_domains: %v, %q", err, c.EmailDomains)
	}
	c, err = Parse("t.yaml", []byte("email_domains: [NinhBinh.gov.vn, hanam.gov.vn]\n"+checklistOf("      - {id: a, type: text, label: {vi: A}}\n")))
	if err != nil || strings.Join(c.EmailDomains, ",") != "ninhbinh.gov.vn,hanam.gov.vn" {
		t.Fatalf("email domains: %v, %q", err, c.EmailDomains)
	}
}

func checklistOf(questions string) string {
	return "id: t\nversion: 1\nsections:\n  - id: s\n    title: {vi: S}\n    questions:\n" + questions
}

// markedLine is the line of src holding the marker "#<", where the test
// expects the error.
func markedLine(t *testing.T, src string) int {
	t.Helper()
	for i, line := range strings.Split(src, "\n") {
		if strings.Contains(line, "#<") {
			return i + 1
		}
	}
	t.Fatalf("no #< marker in\n%s", src)
	return 0
}

func TestMalformedDefinitionsAreRefused(t *testing.T) {
	yesno := "      - {id: a, type: yesno, label: {vi: A}}\n"
	cases := []struct {
		name, src, reason string
	}{
		{"unknown top-level field", "id: t\nversion: 1\ntitle: x #<\nsections: []\n", `unknown field "title"`},
		{"email domain not a domain", "id: t\nversion: 1\nemail_domains:\n  - ninhbinh.gov.vn\n  - \"@gov\" #<\nsections: []\n", `"@gov" is not a domain name`},
		{"email domain twice", "id: t\nversion: 1\nemail_domains:\n  - ninhbinh.gov.vn\n  - NinhBinh.gov.vn #<\nsections: []\n", `names "ninhbinh.gov.vn" twice`},
		{"email domains not a list", "id: t\nversion: 1\nemail_domains: ninhbinh.gov.vn #<\nsections: []\n", `email_domains`},
		{"unknown section field", "id: t\nversion: 1\nsections:\n  - id: s\n    title: {vi: S}\n    colour: red #<\n", `unknown field "colour"`},
		{"unknown question field", checklistOf("      - id: a\n        type: text\n        lable: {vi: A} #<\n"), `unknown field "lable"`},
		{"unknown text field", checklistOf("      - id: a\n        type: text\n        label: {vi: A, fr: B} #<\n"), `unknown field "fr"`},
		{"missing question id", checklistOf("      - type: text #<\n        label: {vi: A}\n"), "id is missing"},
		{"missing label", checklistOf("      - id: a #<\n        type: text\n"), "label is missing"},
		{"label without vi", checklistOf("      - id: a\n        type: text\n        label: {en: A} #<\n"), "vi is missing"},
		{"bad id", checklistOf("      - id: Officer-Name #<\n        type: text\n        label: {vi: A}\n"), "must start with a lower-case letter"},
		{"duplicate section", "id: t\nversion: 1\nsections:\n  - id: s\n    title: {vi: S}\n    questions: [{id: a, type: text, label: {vi: A}}]\n  - id: s #<\n    title: {vi: S}\n    questions: [{id: b, type: text, label: {vi: B}}]\n", `duplicate section "s" (first defined at line 4)`},
		{"duplicate question across sections", "id: t\nversion: 1\nsections:\n  - id: s\n    title: {vi: S}\n    questions: [{id: a, type: text, label: {vi: A}}]\n  - id: u\n    title: {vi: U}\n    questions:\n      - {id: a, type: text, label: {vi: A}} #<\n", `duplicate question "a"`},
		{"duplicate column", checklistOf("      - id: t\n        type: table\n        kind: k\n        label: {vi: T}\n        summary: [a]\n        columns:\n          - {id: a, type: text, label: {vi: A}}\n          - {id: a, type: date, label: {vi: A}} #<\n"), `duplicate column "a"`},
		{"unknown type", checklistOf("      - id: a\n        type: string #<\n        label: {vi: A}\n"), `unknown type "string"`},
		{"choice without options", checklistOf("      - id: a #<\n        type: choice\n        label: {vi: A}\n"), "needs options"},
		{"duplicate option value", checklistOf("      - id: a\n        type: multi\n        label: {vi: A}\n        options:\n          - {value: x, label: {vi: X}}\n          - {value: x, label: {vi: Y}} #<\n"), `duplicate option value "x"`},
		{"bad pattern", checklistOf("      - id: a\n        type: text\n        label: {vi: A}\n        pattern: '[0-9' #<\n        pattern_hint: {vi: số}\n"), "not a valid regular expression"},
		{"pattern without hint", checklistOf("      - id: a\n        type: text\n        label: {vi: A}\n        pattern: '[0-9]+' #<\n"), "needs a pattern_hint"},
		{"min above max", checklistOf("      - id: a\n        type: number\n        label: {vi: A}\n        min: 10\n        max: 1 #<\n"), "min (10) is greater than max (1)"},
		{"negative text length", checklistOf("      - id: a\n        type: text\n        label: {vi: A}\n        min: -1 #<\n"), "whole number of characters"},
		{"min on a yesno", checklistOf("      - id: a\n        type: yesno\n        label: {vi: A}\n        min: 1 #<\n"), "min is only for number or text questions"},
		{"when names an unknown question", checklistOf(yesno + "      - id: b\n        type: text\n        label: {vi: B}\n        when: {question: nope, equals: 'yes'} #<\n"), `refers to "nope", unknown here`},
		{"when names a later question", checklistOf("      - id: b\n        type: text\n        label: {vi: B}\n        when: {question: a, equals: 'yes'} #<\n" + yesno), "does not come before it"},
		{"when names itself", checklistOf("      - id: b\n        type: yesno\n        label: {vi: B}\n        when: {question: b, equals: 'yes'} #<\n"), "does not come before it"},
		{"when names a table", checklistOf("      - id: t\n        type: table\n        kind: k\n        label: {vi: T}\n        summary: [a]\n        columns: [{id: a, type: text, label: {vi: A}}]\n      - id: b\n        type: text\n        label: {vi: B}\n        when: {question: t, equals: 'yes'} #<\n"), "cannot depend on \"t\", a table"},
		{"when names a text", checklistOf("      - {id: a, type: text, label: {vi: A}}\n      - id: b\n        type: text\n        label: {vi: B}\n        when: {question: a, equals: x} #<\n"), "can only depend on a yesno, choice or multi"},
		{"when equals no option", checklistOf("      - id: a\n        type: choice\n        label: {vi: A}\n        options: [{value: x, label: {vi: X}}]\n      - id: b\n        type: text\n        label: {vi: B}\n        when: {question: a, equals: z} #<\n"), `"z", which is not an option of "a" (x)`},
		{"when equals true for a yesno", checklistOf(yesno + "      - id: b\n        type: text\n        label: {vi: B}\n        when: {question: a, equals: true} #<\n"), "use yes or no"},
		{"when without equals", checklistOf(yesno + "      - id: b\n        type: text\n        label: {vi: B}\n        when: {question: a} #<\n"), "equals is missing"},
		{"column when names a top-level question", checklistOf(yesno + "      - id: t\n        type: table\n        kind: k\n        label: {vi: T}\n        summary: [b]\n        columns:\n          - id: b\n            type: text\n            label: {vi: B}\n            when: {question: a, equals: 'yes'} #<\n"), "earlier column of table t"},
		{"columns on a non-table", checklistOf("      - id: a\n        type: text\n        label: {vi: A}\n        columns: [] #<\n"), "columns is only for table questions"},
		{"table without kind", checklistOf("      - id: t #<\n        type: table\n        label: {vi: T}\n        summary: [a]\n        columns: [{id: a, type: text, label: {vi: A}}]\n"), "kind is missing"},
		{"table without columns", checklistOf("      - id: t\n        type: table\n        kind: k\n        label: {vi: T}\n        columns: [] #<\n"), "a table needs columns"},
		{"nested table", checklistOf("      - id: t\n        type: table\n        kind: k\n        label: {vi: T}\n        columns:\n          - id: u\n            type: table #<\n            label: {vi: U}\n"), "no nested tables"},
		{"summary names an unknown column", checklistOf("      - id: t\n        type: table\n        kind: k\n        label: {vi: T}\n        columns: [{id: a, type: text, label: {vi: A}}]\n        summary:\n          - a\n          - b #<\n"), `summary names "b"`},
		{"table without summary", checklistOf("      - id: t #<\n        type: table\n        kind: k\n        label: {vi: T}\n        columns: [{id: a, type: text, label: {vi: A}}]\n"), "summary must list 1 to 4"},
		{"two tables of one kind", checklistOf("      - {id: t, type: table, kind: k, label: {vi: T}, summary: [a], columns: [{id: a, type: text, label: {vi: A}}]}\n      - {id: u, type: table, kind: k, label: {vi: U}, summary: [a], columns: [{id: a, type: text, label: {vi: A}}]} #<\n"), `duplicate table kind "k"`},
		{"empty sections", "id: t\nversion: 1\nsections: [] #<\n", "has no sections"},
		{"no sections", "id: t #<\nversion: 1\n", "has no sections"},
		{"section without questions", "id: t\nversion: 1\nsections:\n  - id: s\n    title: {vi: S}\n    questions: [] #<\n", "has no questions"},
		{"version zero", "id: t\nversion: 0 #<\nsections: []\n", "version must be a whole number from 1"},
		{"required not a boolean", checklistOf("      - id: a\n        type: text\n        label: {vi: A}\n        required: yes #<\n"), "must be true or false"},
		{"undefined alias", checklistOf("      - id: a\n        type: choice\n        label: {vi: A}\n        options: *systems #<\n"), "alias *systems refers to no anchor"},
		{"tag", checklistOf("      - id: a\n        type: !!str text #<\n        label: {vi: A}\n"), "tags"},
		{"sections not a list", "id: t\nversion: 1\nsections: {a: 1} #<\n", "sections must be a list"},
		{"section not a mapping", "id: t\nversion: 1\nsections:\n  - unit #<\n", "section 1 must be a mapping"},
		{"two documents", "id: t\nversion: 1\nsections: []\n---\nid: u #<\n", "only one YAML document"},
		{"invalid YAML", "id: t\nversion: 1\nsections:\n  - id: s\n    title: [unclosed #<\n", "not valid YAML"},
		{"duplicate key", "id: t\nversion: 1\nid: u #<\n", `field "id" already defined at line 1`},
		{"empty file #<", "", "the file is empty"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			line := markedLine(t, c.name+"\n"+c.src) - 1
			if line == 0 {
				line = 1 // the marker is in the name: the error is on line 1
			}
			_, err := Parse("bad.yaml", []byte(c.src))
			var de *DefinitionError
			if !errors.As(err, &de) {
				t.Fatalf("Parse = %v, want a *DefinitionError", err)
			}
			if de.File != "bad.yaml" || de.Line != line || !strings.Contains(de.Error(), c.reason) {
				t.Errorf("got %s\nwant bad.yaml:%d: …%s…", de, line, c.reason)
			}
			sayNoEnglish(t, de)
		})
	}
}

func TestDefinitionErrorFormat(t *testing.T) {
	err := &DefinitionError{File: "checklist.yaml", Line: 12, Reason: i18n.Msg("definition.checklist.unknown_type", i18n.Msg("definition.checklist.question_id", "a"), "string", "text, number")}
	if got, want := err.Error(), `checklist.yaml:12: question "a": unknown type "string" (use one of text, number)`; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

func TestAnchorsShareOptions(t *testing.T) {
	src := checklistOf("      - id: a\n        type: choice\n        label: {vi: A}\n        options: &o [{value: x, label: {vi: X}}, {value: y, label: {vi: Y}}]\n      - id: b\n        type: multi\n        label: {vi: B}\n        options: *o\n")
	c, err := Parse("t.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := c.Question("b")
	if len(b.Options) != 2 || b.Options[1].Value != "y" {
		t.Errorf("b options = %+v, want the two of a", b.Options)
	}
}
