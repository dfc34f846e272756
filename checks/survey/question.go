package survey

import (
	"math"
	"regexp"
	"slices"
	"strings"

	"github.com/goccy/go-yaml/ast"

	"mach/assets/i18n"
	"mach/checks/yamldoc"
)

// questionFields are the fields a question or column may have.
var questionFields = []string{"id", "type", "label", "help", "required", "min", "max", "integer", "plain",
	"pattern", "pattern_hint", "options", "when", "kind", "columns", "min_rows", "summary"}

// fieldTypes limits the fields that only make sense for some types.
var fieldTypes = map[string][]Type{
	"min":          {TypeNumber, TypeText},
	"max":          {TypeNumber, TypeText},
	"integer":      {TypeNumber},
	"plain":        {TypeNumber},
	"pattern":      {TypeText},
	"pattern_hint": {TypeText},
	"options":      {TypeChoice, TypeMulti},
	"kind":         {TypeTable},
	"columns":      {TypeTable},
	"min_rows":     {TypeTable},
	"summary":      {TypeTable},
}

// question reads one question, or one column of a table when inTable.
func (r *reader) question(n ast.Node, kinds *ids, inTable bool) (Question, error) {
	what, named := "definition.checklist.question", "definition.checklist.question_id"
	if inTable {
		what, named = "definition.checklist.column", "definition.checklist.column_id"
	}
	o, err := r.object(n, i18n.Msg(what), questionFields)
	if err != nil {
		return Question{}, err
	}
	q := Question{Line: yamldoc.Line(o.Node)}
	if q.ID, err = o.id("id"); err != nil {
		return Question{}, err
	}
	o.What = i18n.Msg(named, q.ID)
	if err := o.questionType(&q, inTable); err != nil {
		return Question{}, err
	}
	if q.Label, err = o.text("label", true); err != nil {
		return Question{}, err
	}
	if q.Help, err = o.text("help", false); err != nil {
		return Question{}, err
	}
	if q.Required, err = o.Bool("required"); err != nil {
		return Question{}, err
	}
	steps := []func(*Question) error{o.bounds, o.pattern, o.options, o.condition}
	for _, step := range steps {
		if err := step(&q); err != nil {
			return Question{}, err
		}
	}
	if q.Type == TypeTable {
		if err := o.table(&q, kinds); err != nil {
			return Question{}, err
		}
	}
	return q, nil
}

// questionType reads the type and refuses fields the type does not take.
func (o *object) questionType(q *Question, inTable bool) error {
	typ, err := o.RequiredStr("type")
	if err != nil {
		return err
	}
	q.Type = Type(typ)
	if !slices.Contains(types, q.Type) {
		names := make([]string, len(types))
		for i, t := range types {
			names[i] = string(t)
		}
		return o.r.Refuse(o.At("type"), "definition.checklist.unknown_type", o.What, typ, strings.Join(names, ", "))
	}
	if inTable && q.Type == TypeTable {
		return o.r.Refuse(o.At("type"), "definition.checklist.nested_table", o.What)
	}
	for _, key := range questionFields {
		allowed, limited := fieldTypes[key]
		if _, present := o.Keys[key]; present && limited && !slices.Contains(allowed, q.Type) {
			return o.r.Refuse(o.Keys[key], "definition.checklist.field_for_types", o.What, key, joinTypes(allowed), string(q.Type))
		}
	}
	return nil
}

// joinTypes writes types as "number or text", in the language of the
// message.
func joinTypes(ts []Type) any {
	names := make([]string, len(ts))
	for i, t := range ts {
		names[i] = string(t)
	}
	if len(names) == 1 {
		return names[0]
	}
	return i18n.Msg("definition.or", strings.Join(names[:len(names)-1], ", "), names[len(names)-1])
}

// bounds reads min, max, integer and plain.
func (o *object) bounds(q *Question) error {
	var err error
	if q.Min, err = o.number("min"); err != nil {
		return err
	}
	if q.Max, err = o.number("max"); err != nil {
		return err
	}
	if q.Type == TypeText {
		for _, key := range []string{"min", "max"} {
			if f, _ := o.number(key); f != nil && (*f < 0 || *f != math.Trunc(*f)) {
				return o.r.Refuse(o.At(key), "definition.checklist.text_length", o.What, key)
			}
		}
	}
	if q.Min != nil && q.Max != nil && *q.Min > *q.Max {
		return o.r.Refuse(o.At("max"), "definition.checklist.min_max", o.What, *q.Min, *q.Max)
	}
	if q.Integer, err = o.Bool("integer"); err != nil {
		return err
	}
	q.Plain, err = o.Bool("plain")
	return err
}

// pattern reads and compiles pattern, which needs a pattern_hint.
func (o *object) pattern(q *Question) error {
	var err error
	if q.Pattern, err = o.Str("pattern"); err != nil {
		return err
	}
	if q.Pattern == "" {
		if o.Has("pattern_hint") {
			return o.r.Refuse(o.At("pattern_hint"), "definition.checklist.hint_without_pattern", o.What)
		}
		return nil
	}
	if q.pattern, err = compilePattern(q.Pattern); err != nil {
		return o.r.Refuse(o.At("pattern"), "definition.checklist.bad_pattern", o.What, err.Error())
	}
	if !o.Has("pattern_hint") {
		return o.r.Refuse(o.At("pattern"), "definition.checklist.pattern_hint", o.What)
	}
	q.PatternHint, err = o.text("pattern_hint", true)
	return err
}

// compilePattern compiles a pattern so that it must match the whole answer.
func compilePattern(p string) (*regexp.Regexp, error) {
	return regexp.Compile(`^(?:` + p + `)$`)
}
