package main

import (
	"fmt"
	"reflect"

	"github.com/spf13/cobra"

	"mach/checks/answers"
	"mach/checks/survey"
	"mach/checks/units"
	"mach/sync/record"
	"mach/sync/store"
	"mach/tui/app"
)

// initOfficer is a flag of mach init and the checklist question it answers.
type initOfficer struct {
	flag, question string
	value          string
}

func newInitCommand() *cobra.Command {
	var unit string
	officer := []*initOfficer{
		{flag: "officer", question: "officer_name"},
		{flag: "position", question: "officer_position"},
		{flag: "phone", question: "officer_phone"},
		{flag: "email", question: "officer_email"},
	}
	tr := translatorForError()
	cmd := &cobra.Command{
		Use:   "init",
		Short: tr.T("init.short"),
		Long:  tr.T("init.long"),
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			e, err := newEnv()
			if err != nil {
				return err
			}
			defer e.close()
			st, err := openStore(e)
			if err != nil {
				return err
			}
			defer st.Close()
			given := map[string]string{}
			for _, o := range officer {
				if cmd.Flags().Changed(o.flag) {
					given[o.question] = o.value
				}
			}
			name, err := initLaptop(e, st, unit, given)
			if err != nil {
				return err
			}
			printf(cmd.OutOrStdout(), "%s\n", e.tr.T("init.done", name, st.Path()))
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&unit, "unit", "", tr.T("init.flag_unit"))
	for _, o := range officer {
		f.StringVar(&o.value, o.flag, "", tr.T("init.flag_"+o.flag))
	}
	return cmd
}

// initLaptop sets the laptop's unit (when code is given) and the officer's
// answers given, by question id, in one transaction, and returns the unit's
// name. A value the file holds already is not written again, so that a
// setup script can run twice.
func initLaptop(e env, st *store.Store, code string, given map[string]string) (string, error) {
	dir, err := units.Load()
	if err != nil {
		return "", userError{sentence: e.tr.T("init.units_failed", err), err: err}
	}
	current, err := st.Meta(store.MetaUnit)
	if err != nil {
		return "", userError{sentence: e.tr.T("cli.open_failed", st.Path(), err), err: err}
	}
	var chosen units.Unit
	switch {
	case code == "" && current == "":
		return "", userError{sentence: e.tr.T("init.need_unit")}
	case code == "":
		chosen, _ = dir.Unit(current)
	default:
		u, ok := dir.Unit(code)
		if !ok {
			return "", userError{sentence: e.tr.T("init.unknown_unit", code)}
		}
		if current != "" && current != u.Code {
			return "", userError{sentence: e.tr.T("init.other_unit", current, u.Code)}
		}
		chosen = u
	}
	shipped, err := survey.Default()
	if err != nil {
		return "", userError{sentence: e.tr.T("cli.bad_checklist", e.tr.Error(err)), err: err}
	}
	sheet, err := app.LoadSheet(st, currentChecklist(e, st, shipped), e.log)
	if err != nil {
		return "", userError{sentence: e.tr.T("cli.open_failed", st.Path(), err), err: err}
	}
	type answer struct {
		id, question, value string
		body                []byte
	}
	var writes []answer
	for _, id := range []string{"officer_name", "officer_position", "officer_phone", "officer_email"} {
		raw, ok := given[id]
		if !ok {
			continue
		}
		q, ok := sheet.Checklist().Question(id)
		if !ok {
			continue
		}
		v, err := q.ParseInput(raw, e.tr)
		if err == nil {
			err = q.Validate(v, e.tr)
		}
		if err != nil {
			return "", userError{sentence: e.tr.T("init.bad_value", q.Label.In(e.tr.Lang()), err), err: err}
		}
		if held, _ := sheet.Value(id); reflect.DeepEqual(held, v) {
			continue
		}
		body, err := sheet.AnswerBody(id, v)
		if err != nil {
			return "", userError{sentence: e.tr.T("error.save", err), err: err}
		}
		writes = append(writes, answer{id: sheet.AnswerID(id), question: id, value: fmt.Sprint(v), body: body})
	}
	err = st.Write(func(w *store.Writer) error {
		if current == "" {
			if err := chooseUnit(w, chosen); err != nil {
				return err
			}
			if err := putFormedFrom(w, sheet, dir.FormedFrom(chosen.Code)); err != nil {
				return err
			}
		}
		for _, a := range writes {
			if a.question != "officer_name" {
				continue
			}
			// The officer named signs what follows, this answer included.
			if err := w.SetMeta(store.MetaAuthor, a.value); err != nil {
				return err
			}
		}
		for _, a := range writes {
			if _, err := w.Put(record.KindAnswer, a.id, a.body); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return "", userError{sentence: e.tr.T("error.save", err), err: err}
	}
	return chosen.Name + " (" + chosen.Code + ")", nil
}

// chooseUnit writes, in w's transaction, what choosing u as the laptop's
// unit writes on the setup screen: the unit and province, and the unit
// record.
func chooseUnit(w *store.Writer, u units.Unit) error {
	body, err := answers.UnitBody(answers.Unit{Province: u.Province, Code: u.Code, Name: u.Name})
	if err != nil {
		return err
	}
	if err := w.SetMeta(store.MetaUnit, u.Code); err != nil {
		return err
	}
	if err := w.SetMeta(store.MetaProvince, u.Province); err != nil {
		return err
	}
	_, err = w.Put(record.KindUnit, "", body)
	return err
}

// putFormedFrom writes, in w's transaction, a row for each old unit of
// formedFrom, made by sheet as the setup screen makes them.
func putFormedFrom(w *store.Writer, sheet *answers.Sheet, formedFrom []units.OldUnit) error {
	for _, o := range formedFrom {
		row, err := sheet.RowBody(map[string]any{"old_code": o.Code, "old_name": o.Name, "part": o.Part})
		if err != nil {
			return err
		}
		if _, err := w.Put(record.KindFormedFrom, "", row); err != nil {
			return err
		}
	}
	return nil
}
