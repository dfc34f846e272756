package main

import (
	"errors"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"mach/checks/handover"
	"mach/checks/survey"
	"mach/sync/store"
	"mach/tui/app"
)

func newHandoverCommand() *cobra.Command {
	tr := translatorForError()
	cmd := &cobra.Command{Use: "handover", Short: tr.T("handover.cli.short"), Args: cobra.NoArgs}
	var out, minutes string
	export := existingStoreCommand("export", tr.T("handover.cli.export_short"), func(cmd *cobra.Command, e env, st *store.Store) error {
		return exportHandover(cmd.OutOrStdout(), e, st, out, minutes)
	})
	export.Flags().StringVar(&out, "out", "", tr.T("handover.cli.flag_out"))
	export.Flags().StringVar(&minutes, "minutes", "", tr.T("handover.cli.flag_minutes"))
	cmd.AddCommand(export)
	return cmd
}

// exportHandover writes the handover minutes of the unit's backup rows.
func exportHandover(w io.Writer, e env, st *store.Store, out, number string) error {
	if out == "" {
		return userError{sentence: e.tr.T("handover.cli.no_out")}
	}
	if !strings.EqualFold(filepath.Ext(out), ".xlsx") {
		return userError{sentence: e.tr.T("handover.cli.not_xlsx", out)}
	}
	shipped, err := survey.Default()
	if err != nil {
		return userError{sentence: e.tr.T("cli.bad_checklist", e.tr.Error(err)), err: err}
	}
	c := currentChecklist(e, st, shipped)
	table, err := handover.Table(c)
	if err != nil {
		return userError{sentence: e.tr.T("handover.cli.no_table", c.ID, c.Version), err: err}
	}
	sheet, err := app.LoadSheet(st, c, e.log)
	if err != nil {
		return userError{sentence: e.tr.T("cli.open_failed", st.Path(), err), err: err}
	}
	if sheet.Unit().Code == "" {
		return userError{sentence: e.tr.T("handover.cli.no_unit")}
	}
	m, err := handover.New(table, sheet.Unit(), sheet.Rows(table.ID), number, time.Now(), e.tr)
	switch {
	case errors.Is(err, handover.ErrNoRows) && number != "":
		return userError{sentence: e.tr.T("handover.cli.no_minutes_rows", number), err: err}
	case errors.Is(err, handover.ErrNoRows):
		return userError{sentence: e.tr.T("handover.cli.no_rows"), err: err}
	case err != nil:
		return err
	}
	if err := writeFileAtomic(out, func(f io.Writer) error { return m.WriteXLSX(f, e.tr) }); err != nil {
		return userError{sentence: e.tr.T("export.failed", out, err), err: err}
	}
	e.log.Info("handover minutes written", "file", out, "datasets", len(m.Datasets))
	printf(w, "%s\n", e.tr.T("handover.cli.written", out, len(m.Datasets)))
	if n := m.Unverified(); n > 0 {
		printf(w, "%s\n", e.tr.T("handover.cli.unverified", n))
	}
	return nil
}
