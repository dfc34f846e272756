package main

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"mach/checks/accounts"
	"mach/checks/answers"
	"mach/checks/survey"
	"mach/checks/tabular"
	"mach/sync/store"
	"mach/tui/app"
)

func newAccountsCommand() *cobra.Command {
	tr := translatorForError()
	cmd := &cobra.Command{Use: "accounts", Short: tr.T("accounts.cli.short"), Args: cobra.NoArgs}
	cmd.AddCommand(newAccountsImportCommand(), newAccountsExportCommand())
	return cmd
}

func newAccountsImportCommand() *cobra.Command {
	var dryRun bool
	var sheet string
	tr := translatorForError()
	cmd := &cobra.Command{
		Use:   "import FILE",
		Short: tr.T("accounts.cli.import_short"),
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			e, err := newEnv()
			if err != nil {
				return err
			}
			defer e.close()
			st, err := openExistingStore(e)
			if err != nil {
				return err
			}
			defer st.Close()
			return importAccounts(cmd.OutOrStdout(), e, st, args[0], sheet, dryRun)
		},
	}
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, tr.T("accounts.cli.flag_dry_run"))
	cmd.Flags().StringVar(&sheet, "sheet", "", tr.T("accounts.cli.flag_sheet"))
	return cmd
}

// accountsSheet loads the checklist in use, its accounts table and the
// answers saved.
func accountsSheet(e env, st *store.Store) (*survey.Question, *answers.Sheet, error) {
	shipped, err := survey.Default()
	if err != nil {
		return nil, nil, userError{sentence: e.tr.T("cli.bad_checklist", e.tr.Error(err)), err: err}
	}
	c := currentChecklist(e, st, shipped)
	table, err := accounts.Table(c)
	if err != nil {
		return nil, nil, userError{sentence: e.tr.T("accounts.cli.no_table", c.ID, c.Version), err: err}
	}
	sheet, err := app.LoadSheet(st, c, e.log)
	if err != nil {
		return nil, nil, userError{sentence: e.tr.T("cli.open_failed", st.Path(), err), err: err}
	}
	return table, sheet, nil
}

// importAccounts reads file, prints the preview and, when every row is
// good and this is no dry run, saves all its rows in one transaction.
func importAccounts(out io.Writer, e env, st *store.Store, file, sheetName string, dryRun bool) error {
	unit, err := st.Meta(store.MetaUnit)
	if err != nil {
		return userError{sentence: e.tr.T("cli.open_failed", st.Path(), err), err: err}
	}
	if unit == "" {
		return userError{sentence: e.tr.T("accounts.cli.no_unit")}
	}
	table, sheet, err := accountsSheet(e, st)
	if err != nil {
		return err
	}
	im, err := accounts.NewImporter(sheet.Checklist(), sheet.Rows(table.ID), time.Now(), e.tr)
	if err != nil {
		return userError{sentence: e.tr.T("accounts.cli.no_table", sheet.Checklist().ID, sheet.Checklist().Version), err: err}
	}
	r, err := tabular.Open(file, tabular.Options{Sheet: sheetName})
	if err != nil {
		return readError(e, file, err)
	}
	plan, err := im.Read(r)
	r.Close()
	if err != nil {
		return readError(e, file, err)
	}
	e.log.Info("accounts import read", "file", file, "rows", plan.Rows(), "new", len(plan.New), "updated", len(plan.Updated),
		"unchanged", len(plan.Unchanged), "bad", len(plan.Bad), "errors", len(plan.Errors))
	printPlan(out, e, file, plan)
	if !plan.Ready() {
		return userError{sentence: e.tr.T("accounts.cli.not_saved", len(plan.Bad)+len(plan.Errors))}
	}
	if dryRun {
		printf(out, "\n%s\n", e.tr.T("accounts.cli.dry_run"))
		return nil
	}
	changes, err := plan.Changes()
	if err != nil {
		return userError{sentence: e.tr.T("accounts.cli.not_saved", len(plan.Bad)+len(plan.Errors)), err: err}
	}
	if len(changes) == 0 {
		printf(out, "\n%s\n", e.tr.T("accounts.cli.nothing"))
		return nil
	}
	err = st.Write(func(w *store.Writer) error {
		for _, c := range changes {
			if _, err := w.Put(c.Kind, c.ID, c.Body); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return userError{sentence: e.tr.T("accounts.cli.save_failed", st.Path(), err), err: err}
	}
	e.log.Info("accounts imported", "file", file, "records", len(changes))
	printf(out, "\n%s\n", e.tr.T("accounts.cli.saved", len(plan.New), len(plan.Updated)))
	return nil
}

// readError says why a file could not be read; nothing was imported.
func readError(e env, file string, err error) error {
	e.log.Warn("accounts import refused", "file", file, "err", err)
	return userError{sentence: accounts.ReadSentence(file, err, e.tr), err: err}
}

// printPlan prints the preview: how the file was read, where each column
// goes, the counts, the file's errors, each bad row and each warning.
func printPlan(out io.Writer, e env, file string, p *accounts.Plan) {
	tr := e.tr
	switch p.Info.Format {
	case tabular.FormatXLSX:
		printf(out, "%s\n", tr.T("accounts.cli.read_xlsx", file, p.Info.Sheet))
	default:
		printf(out, "%s\n", tr.T("accounts.cli.read_csv", file, p.Info.Encoding, separatorName(e, p.Info.Separator)))
	}
	header := fmt.Sprint(p.HeaderLines[0])
	if len(p.HeaderLines) > 1 {
		header += "–" + fmt.Sprint(p.HeaderLines[len(p.HeaderLines)-1])
	}
	printf(out, "%s\n", tr.T("accounts.cli.header", header, tr.T("accounts.shape."+shapeKey(p.Shape))))
	printf(out, "\n%s\n", tr.T("accounts.cli.columns"))
	labels := map[string]string{}
	for _, t := range p.Targets() {
		labels[t.ID] = t.Label
	}
	for _, c := range p.Columns {
		target := labels[c.Target]
		switch {
		case c.Target != "":
		case c.Known:
			target = tr.T("accounts.cli.left_out")
		default:
			target = tr.T("accounts.cli.unknown_column")
		}
		printf(out, "  %-3s %s → %s\n", accounts.ColumnLetter(c.Index), orDash(c.Header), target)
	}
	for _, n := range p.Notes {
		printf(out, "  %s\n", n)
	}
	printf(out, "\n%s\n", tr.T("accounts.cli.counts", p.Rows(), len(p.New), len(p.Updated), len(p.Unchanged), len(p.Bad)))
	for _, msg := range p.Errors {
		printf(out, "%s\n", tr.T("accounts.cli.file_error", msg))
	}
	if len(p.Bad) > 0 {
		printf(out, "\n%s\n", tr.T("accounts.cli.bad_rows"))
		for _, b := range p.Bad {
			printf(out, "  %s\n", rowLine(e, b))
		}
	}
	if len(p.Warnings) > 0 {
		printf(out, "\n%s\n", tr.T("accounts.cli.warnings"))
		for _, w := range p.Warnings {
			printf(out, "  %s\n", rowLine(e, w))
		}
	}
}

func rowLine(e env, r accounts.RowProblems) string {
	if r.Name == "" {
		return e.tr.T("accounts.cli.row", r.Line, strings.Join(r.Messages, " "))
	}
	return e.tr.T("accounts.cli.row_named", r.Line, r.Name, strings.Join(r.Messages, " "))
}

func shapeKey(s accounts.Shape) string {
	if s == accounts.ShapeUnknown {
		return "unknown"
	}
	return string(s)
}

func separatorName(e env, r rune) string {
	switch r {
	case '\t':
		return e.tr.T("accounts.cli.sep_tab")
	case ';':
		return e.tr.T("accounts.cli.sep_semicolon")
	}
	return e.tr.T("accounts.cli.sep_comma")
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return "«" + s + "»"
}

func newAccountsExportCommand() *cobra.Command {
	var format, out string
	tr := translatorForError()
	cmd := existingStoreCommand("export", tr.T("accounts.cli.export_short"), func(cmd *cobra.Command, e env, st *store.Store) error {
		return exportAccounts(cmd.OutOrStdout(), e, st, format, out)
	})
	cmd.Flags().StringVar(&format, "format", "xlsx", tr.T("accounts.cli.flag_format"))
	cmd.Flags().StringVar(&out, "out", "", tr.T("accounts.cli.flag_out"))
	return cmd
}

// exportAccounts writes the change lists: one workbook, or one CSV file per
// list named by accounts.List.FileName.
func exportAccounts(w io.Writer, e env, st *store.Store, format, out string) error {
	if format != accounts.FormatXLSX && format != accounts.FormatCSV {
		return userError{sentence: e.tr.T("accounts.cli.bad_format", format)}
	}
	if out == "" {
		return userError{sentence: e.tr.T("accounts.cli.no_out")}
	}
	table, sheet, err := accountsSheet(e, st)
	if err != nil {
		return err
	}
	lists, err := accounts.Export(table, sheet.Rows(table.ID), format, out, e.tr)
	var we *accounts.WriteError
	switch {
	case errors.Is(err, accounts.ErrNoLists):
		return userError{sentence: e.tr.T("accounts.cli.no_rows"), err: err}
	case errors.As(err, &we):
		return userError{sentence: e.tr.T("export.failed", we.Path, we.Err), err: err}
	case err != nil:
		return err
	}
	if format == accounts.FormatXLSX {
		printf(w, "%s\n", e.tr.T("accounts.cli.exported_xlsx", out, len(lists)))
		return nil
	}
	for _, l := range lists {
		printf(w, "%s\n", e.tr.T("accounts.cli.exported_csv", l.FileName(out), l.Title(table, e.tr), len(l.Rows)))
	}
	return nil
}
