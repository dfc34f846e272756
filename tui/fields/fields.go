// Package fields turns checklist questions into huh form fields and the
// officer's input back into answer values, checked by the checklist engine.
// The full-screen editor and the plain (accessible) mode both use it, so a
// question is asked and validated the same way in both.
package fields

import (
	"strings"

	"charm.land/huh/v2"

	"mach/assets/i18n"
	"mach/checks/survey"
)

// noAnswer is the option value that leaves a choice unanswered.
const noAnswer = ""

// Input holds what the officer is typing or choosing for one question.
type Input struct {
	q      *survey.Question
	tr     *i18n.Translator
	text   string
	choice string
	multi  []string
}

// NewInput starts an input for question q showing its current value (nil for
// none).
func NewInput(q *survey.Question, current any, tr *i18n.Translator) *Input {
	in := &Input{q: q, tr: tr}
	switch q.Type {
	case survey.TypeYesNo:
		if b, ok := current.(bool); ok {
			in.choice = map[bool]string{true: "yes", false: "no"}[b]
		}
	case survey.TypeChoice:
		in.choice, _ = current.(string)
	case survey.TypeMulti:
		in.multi = stringsOf(current)
	default:
		if current != nil {
			in.text = q.FormatValue(current, tr)
		}
	}
	return in
}

// Question returns the question asked.
func (in *Input) Question() *survey.Question { return in.q }

// Field builds the huh field bound to this input, validated on every change.
// Each check first takes the value it is given, because the accessible mode
// checks a line before it stores it.
func (in *Input) Field() huh.Field {
	q, tr := in.q, in.tr
	title := q.Label.In(tr.Lang())
	if q.Required {
		title += " *"
	}
	desc := q.Help.In(tr.Lang())
	switch q.Type {
	case survey.TypeYesNo:
		opts := []huh.Option[string]{
			huh.NewOption(tr.T("fields.yes"), "yes"),
			huh.NewOption(tr.T("fields.no"), "no"),
		}
		return in.selectField(title, desc, opts)
	case survey.TypeChoice:
		opts := make([]huh.Option[string], 0, len(q.Options))
		for _, o := range q.Options {
			opts = append(opts, huh.NewOption(o.Label.In(tr.Lang()), o.Value))
		}
		return in.selectField(title, desc, opts)
	case survey.TypeMulti:
		opts := make([]huh.Option[string], 0, len(q.Options))
		for _, o := range q.Options {
			opts = append(opts, huh.NewOption(o.Label.In(tr.Lang()), o.Value))
		}
		return huh.NewMultiSelect[string]().Title(title).Description(desc).
			Options(opts...).Value(&in.multi).Height(min(len(opts)+2, 10)).
			Validate(func(v []string) error { in.multi = v; _, err := in.Result(); return err })
	default:
		field := huh.NewInput().Title(title).Description(desc).Value(&in.text).
			Validate(func(s string) error { in.text = s; _, err := in.Result(); return err })
		if q.Type == survey.TypeDate {
			field.Placeholder(tr.T("fields.date_placeholder"))
		}
		return field
	}
}

func (in *Input) selectField(title, desc string, opts []huh.Option[string]) huh.Field {
	if in.choice == noAnswer {
		// Unanswered: the cursor starts on the first real option.
		in.choice = opts[0].Value
	}
	if !in.q.Required {
		opts = append(opts, huh.NewOption(in.tr.T("fields.no_answer"), noAnswer))
	}
	return huh.NewSelect[string]().Title(title).Description(desc).Options(opts...).
		Value(&in.choice).Height(min(len(opts)+2, 10)).
		Validate(func(s string) error { in.choice = s; _, err := in.Result(); return err })
}

// Result returns the typed value of the input (nil when left empty), or the
// engine's validation error as a sentence in the officer's language.
func (in *Input) Result() (any, error) {
	var v any
	switch in.q.Type {
	case survey.TypeYesNo:
		if in.choice != noAnswer {
			v = in.choice == "yes"
		}
	case survey.TypeChoice:
		if in.choice != noAnswer {
			v = in.choice
		}
	case survey.TypeMulti:
		if len(in.multi) > 0 {
			v = append([]string(nil), in.multi...)
		}
	default:
		var err error
		if v, err = in.q.ParseInput(strings.TrimSpace(in.text), in.tr); err != nil {
			return nil, err
		}
	}
	if err := in.q.Validate(v, in.tr); err != nil {
		return nil, err
	}
	return v, nil
}

// stringsOf reads a multi answer, whether typed or decoded from JSON.
func stringsOf(v any) []string {
	switch v := v.(type) {
	case []string:
		return append([]string(nil), v...)
	case []any:
		out := make([]string, 0, len(v))
		for _, x := range v {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}
