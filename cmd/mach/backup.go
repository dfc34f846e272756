package main

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/progress"
	"github.com/charmbracelet/colorprofile"
	xansi "github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"mach/assets/i18n"
	"mach/checks/answers"
	"mach/checks/backup"
	"mach/checks/survey"
	"mach/sync/record"
	"mach/sync/store"
)

// Exit statuses of mach backup verify.
const (
	// verifyDiffers: the archive (or the folder compared) differs.
	verifyDiffers = 1
	// verifyNotRun: the archive could not be checked at all.
	verifyNotRun = 2
)

func newBackupCommand() *cobra.Command {
	tr := translatorForError()
	cmd := &cobra.Command{
		Use:   "backup",
		Short: tr.T("backup.short"),
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(newBackupRunCommand(), newBackupVerifyCommand())
	return cmd
}

// backupFlags are the flags of mach backup run.
type backupFlags struct {
	sources                      []string
	dest, label, oldUnit, system string
}

func newBackupRunCommand() *cobra.Command {
	var f backupFlags
	tr := translatorForError()
	cmd := &cobra.Command{
		Use:   "run --source DIR... --dest DIR",
		Short: tr.T("backup.run_short"),
		Long:  tr.T("backup.run_long"),
		// Folders after --source's first are taken as more sources.
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			f.sources = append(f.sources, args...)
			return runBackup(cmd, f)
		},
	}
	fl := cmd.Flags()
	fl.StringArrayVar(&f.sources, "source", nil, tr.T("backup.flag_source"))
	fl.StringVar(&f.dest, "dest", "", tr.T("backup.flag_dest"))
	fl.StringVar(&f.label, "label", "", tr.T("backup.flag_label"))
	fl.StringVar(&f.oldUnit, "old-unit", "", tr.T("backup.flag_old_unit"))
	fl.StringVar(&f.system, "system", "", tr.T("backup.flag_system"))
	return cmd
}

func newBackupVerifyCommand() *cobra.Command {
	var sources []string
	tr := translatorForError()
	cmd := &cobra.Command{
		Use:         "verify ARCHIVE",
		Short:       tr.T("backup.verify_short"),
		Long:        tr.T("backup.verify_long"),
		Args:        cobra.ExactArgs(1),
		Annotations: map[string]string{errorExitAnnotation: strconv.Itoa(verifyNotRun)},
		RunE: func(cmd *cobra.Command, args []string) error {
			return runVerify(cmd, args[0], sources)
		},
	}
	cmd.Flags().StringArrayVar(&sources, "source", nil, tr.T("backup.flag_verify_source"))
	return cmd
}

// backupTable is the checklist's table of backups, from the data file's
// checklist when there is a data file, else the shipped one; with the
// unit and the officer's name the data file holds, and the sheet that
// makes its rows' bodies.
type backupTable struct {
	q            *survey.Question
	sheet        *answers.Sheet
	unit, author string
	hasData      bool
}

// readBackupTable reads what a backup needs from the data file, if there is
// one, and closes it again: the file stays free while the backup runs.
func readBackupTable(e env) (backupTable, error) {
	shipped, err := survey.Default()
	if err != nil {
		return backupTable{}, userError{sentence: e.tr.T("cli.bad_checklist", e.tr.Error(err)), err: err}
	}
	var t backupTable
	checklist := shipped
	if hasDataFile() {
		st, err := openExistingStore(e)
		if err != nil {
			return backupTable{}, err
		}
		defer st.Close()
		checklist = currentChecklist(e, st, shipped)
		if t.unit, err = st.Meta(store.MetaUnit); err == nil {
			t.author, err = st.Meta(store.MetaAuthor)
		}
		if err != nil {
			return backupTable{}, userError{sentence: e.tr.T("cli.open_failed", st.Path(), err), err: err}
		}
		t.hasData = true
	}
	q, ok := checklist.Question(backup.TableID)
	if !ok || q.Type != survey.TypeTable || q.Kind != backup.TableKind {
		err := fmt.Errorf("no table %q of kind %q", backup.TableID, backup.TableKind)
		return backupTable{}, userError{sentence: e.tr.T("cli.bad_checklist", e.tr.Error(err)), err: err}
	}
	t.q, t.sheet = q, answers.New(checklist)
	return t, nil
}

// hasDataFile reports whether the officer's data file exists.
func hasDataFile() bool {
	path, err := dataPath()
	if err != nil {
		return false
	}
	_, err = os.Stat(path)
	return err == nil
}

// checkSystem refuses a --system that is not one of the table's systems,
// listing those that are.
func (t backupTable) checkSystem(e env, system string) error {
	if system == "" {
		return nil
	}
	col, ok := t.q.Column("system")
	if !ok {
		return nil
	}
	if _, ok := col.Option(system); ok {
		return nil
	}
	var list []string
	for _, o := range col.Options {
		list = append(list, o.Value+" ("+o.Label.In(e.tr.Lang())+")")
	}
	return userError{sentence: e.tr.T("backup.bad_system", system, strings.Join(list, "\n  "))}
}

// runBackup is mach backup run.
func runBackup(cmd *cobra.Command, f backupFlags) error {
	e, err := newEnv()
	if err != nil {
		return err
	}
	defer e.close()
	if len(f.sources) == 0 {
		return userError{sentence: e.tr.T("backup.no_source")}
	}
	if f.dest == "" {
		return userError{sentence: e.tr.T("backup.no_dest")}
	}
	table, err := readBackupTable(e)
	if err != nil {
		return err
	}
	if err := table.checkSystem(e, f.system); err != nil {
		return err
	}
	out, errOut := cmd.OutOrStdout(), cmd.ErrOrStderr()
	ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt)
	defer stop()

	bar := newProgressLine(errOut, e.tr)
	bar.first = func(p backup.Progress) string {
		return e.tr.T("backup.started", p.TotalFiles, backup.Size(p.Total, e.tr), f.dest)
	}
	e.log.Info("backup started", "sources", f.sources, "dest", f.dest, "label", f.label)
	res, err := backup.Run(ctx, backup.Options{Sources: f.sources, Dest: f.dest, Label: f.label, Progress: bar.report})
	bar.clear()
	if err != nil {
		e.log.Warn("backup failed", "err", err)
		return backupError(e, err)
	}
	e.log.Info("backup written", "archive", res.Archive, "files", res.Files, "bytes", res.Bytes, "digest", res.Digest,
		"skipped", len(res.Skipped))
	printf(out, "%s\n", e.tr.T("backup.done", res.Archive, res.Files, backup.Size(res.Bytes, e.tr), backup.Size(res.ArchiveBytes, e.tr),
		backup.Clock(res.Finished.Sub(res.Started))))
	printf(out, "%s\n", e.tr.T("backup.digest", res.Digest))
	printSkipped(out, e.tr, res.Skipped)

	// Read the archive back before saying it is good.
	printf(errOut, "%s\n", e.tr.T("backup.verifying"))
	bar = newProgressLine(errOut, e.tr)
	rep, verr := backup.Verify(ctx, res.Archive, bar.report)
	bar.clear()
	verified := verr == nil && rep.Intact()
	switch {
	case verr != nil && errors.Is(verr, context.Canceled):
		printf(out, "%s\n", e.tr.T("backup.verify_cancelled", res.Archive))
	case verr != nil:
		printf(out, "%s\n", sentence(backupError(e, verr)))
	default:
		printBackupReport(out, e.tr, rep)
	}

	saveErr := saveBackupRow(e, out, table, res, f, verified)
	if saveErr != nil {
		printf(out, "%s\n", sentence(saveErr))
	}
	if !verified || saveErr != nil {
		return exitCode{code: 1}
	}
	return nil
}

// saveBackupRow writes the backup as a row of the checklist's table, when
// there is a data file with a unit chosen, and says so.
func saveBackupRow(e env, out io.Writer, t backupTable, res backup.Result, f backupFlags, verified bool) error {
	if !t.hasData {
		printf(out, "%s\n", e.tr.T("backup.no_data_file"))
		return nil
	}
	if t.unit == "" {
		return userError{sentence: e.tr.T("backup.no_unit")}
	}
	row := res.Row(backup.RowInfo{OldUnit: f.oldUnit, System: f.system, DoneBy: t.author}, verified)
	if errs := t.q.ValidateRow(row, e.tr); errs != nil {
		err := fmt.Errorf("the checklist refuses the row: %v", errs)
		return userError{sentence: e.tr.T("backup.save_failed", err), err: err}
	}
	body, err := t.sheet.RowBody(row)
	if err != nil {
		return userError{sentence: e.tr.T("backup.save_failed", err), err: err}
	}
	st, err := openExistingStore(e)
	if err != nil {
		return err
	}
	defer st.Close()
	r, err := st.Put(backup.TableKind, record.NewID(time.Now()), body)
	if err != nil {
		return userError{sentence: e.tr.T("backup.save_failed", err), err: err}
	}
	e.log.Info("backup recorded", "id", r.ID)
	printf(out, "%s\n", e.tr.T("backup.saved", t.q.Label.In(e.tr.Lang())))
	return nil
}

// runVerify is mach backup verify: the archive against its manifest, and
// the folders given against it; the matching row's "verified" follows.
func runVerify(cmd *cobra.Command, archive string, sources []string) error {
	e, err := newEnv()
	if err != nil {
		return err
	}
	defer e.close()
	out, errOut := cmd.OutOrStdout(), cmd.ErrOrStderr()
	ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt)
	defer stop()
	bar := newProgressLine(errOut, e.tr)
	rep, err := backup.Verify(ctx, archive, bar.report)
	bar.clear()
	if err != nil {
		return exitCode{code: verifyNotRun, err: backupError(e, err)}
	}
	e.log.Info("backup verified", "archive", archive, "intact", rep.Intact(), "changed", len(rep.Changed),
		"missing", len(rep.Missing), "extra", len(rep.Extra))
	printBackupReport(out, e.tr, rep)
	same := true
	if len(sources) > 0 {
		bar = newProgressLine(errOut, e.tr)
		src, err := backup.CompareSource(ctx, archive, sources, bar.report)
		bar.clear()
		if err != nil {
			return exitCode{code: verifyNotRun, err: backupError(e, err)}
		}
		printSourceReport(out, e.tr, src)
		same = src.Unchanged()
	}
	if hasDataFile() {
		if err := markVerified(e, out, rep); err != nil {
			printf(out, "%s\n", sentence(err))
		}
	}
	if !rep.Intact() || !same {
		return exitCode{code: verifyDiffers}
	}
	return nil
}

// markVerified sets "verified" on the rows of the backups table that name
// this archive's digest, and says how many.
func markVerified(e env, out io.Writer, rep backup.Report) error {
	digest := cmp.Or(rep.Recorded, rep.Digest)
	st, err := openExistingStore(e)
	if err != nil {
		return err
	}
	defer st.Close()
	shipped, err := survey.Default()
	if err != nil {
		return userError{sentence: e.tr.T("cli.bad_checklist", e.tr.Error(err)), err: err}
	}
	sheet := answers.New(currentChecklist(e, st, shipped))
	type change struct {
		id   string
		body json.RawMessage
	}
	var changes []change
	err = st.Records(backup.TableKind, func(r record.Record) error {
		if r.Deleted {
			return nil
		}
		var row map[string]any
		if err := json.Unmarshal(r.Body, &row); err != nil {
			e.log.Warn("unreadable backup row", "id", r.ID, "err", err)
			return nil
		}
		if sum, _ := row["sha256"].(string); !strings.EqualFold(sum, digest) || row["verified"] == rep.Intact() {
			return nil
		}
		row["verified"] = rep.Intact()
		body, err := sheet.RowBody(row)
		if err != nil {
			return err
		}
		changes = append(changes, change{r.ID, body})
		return nil
	})
	if err == nil {
		err = st.Write(func(w *store.Writer) error {
			for _, c := range changes {
				if _, err := w.Put(backup.TableKind, c.id, c.body); err != nil {
					return err
				}
			}
			return nil
		})
	}
	if err != nil {
		return userError{sentence: e.tr.T("backup.save_failed", err), err: err}
	}
	if len(changes) > 0 {
		printf(out, "%s\n", e.tr.T("backup.marked", len(changes), e.tr.T("survey."+yesNo(rep.Intact()))))
	}
	return nil
}

// yesNo is the checklist's word for a yes/no answer.
func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// backupError says err in the user's language.
func backupError(e env, err error) error {
	return userError{sentence: backup.Sentence(err, e.tr), err: err}
}

// sentence is what the user is told of err.
func sentence(err error) string {
	var u userError
	if errors.As(err, &u) {
		return u.sentence
	}
	return err.Error()
}

// printSkipped lists the files a run left out.
func printSkipped(w io.Writer, tr *i18n.Translator, skipped []backup.Skipped) {
	if len(skipped) == 0 {
		return
	}
	printf(w, "\n%s\n", tr.T("backup.skipped", len(skipped)))
	for _, s := range skipped {
		printf(w, "  %s: %s\n", s.Path, backup.Reason(s.Reason, tr))
	}
}

// printBackupReport says what checking an archive found, file by file.
func printBackupReport(w io.Writer, tr *i18n.Translator, rep backup.Report) {
	printf(w, "%s\n", tr.T("backup.checked", rep.Files, backup.Size(rep.Bytes, tr)))
	for _, p := range rep.Changed {
		printf(w, "  %s %s (%s)\n", tr.T("backup.tag.changed"), p.Name, backup.Reason(p.Reason, tr))
	}
	for _, name := range rep.Missing {
		printf(w, "  %s %s\n", tr.T("backup.tag.missing"), name)
	}
	for _, name := range rep.Extra {
		printf(w, "  %s %s\n", tr.T("backup.tag.extra"), name)
	}
	if rep.ManifestChanged() {
		printf(w, "  %s\n", tr.T("backup.manifest_changed", rep.Recorded, rep.Digest))
	}
	if rep.Intact() {
		printf(w, "%s\n", tr.T("backup.intact", rep.Digest))
	} else {
		printf(w, "%s\n", tr.T("backup.not_intact", len(rep.Changed), len(rep.Missing), len(rep.Extra)))
	}
}

// printSourceReport says how the folders differ from the archive.
func printSourceReport(w io.Writer, tr *i18n.Translator, rep backup.SourceReport) {
	printf(w, "\n%s\n", tr.T("backup.source_checked", rep.Files))
	for _, name := range rep.Changed {
		printf(w, "  %s %s\n", tr.T("backup.tag.changed_since"), name)
	}
	for _, name := range rep.Gone {
		printf(w, "  %s %s\n", tr.T("backup.tag.gone"), name)
	}
	for _, name := range rep.New {
		printf(w, "  %s %s\n", tr.T("backup.tag.new"), name)
	}
	for _, s := range rep.Skipped {
		printf(w, "  %s %s: %s\n", tr.T("backup.tag.unreadable"), s.Path, backup.Reason(s.Reason, tr))
	}
	if rep.Unchanged() {
		printf(w, "%s\n", tr.T("backup.source_same"))
	} else {
		printf(w, "%s\n", tr.T("backup.source_differs", len(rep.Changed), len(rep.Gone), len(rep.New), len(rep.Skipped)))
	}
}

// progressLine draws a run's progress on one terminal line, redrawn in
// place with a carriage return (which every Windows console knows); when
// the output is no terminal it says only the first line.
type progressLine struct {
	w     io.Writer
	tr    *i18n.Translator
	tty   bool
	width int
	bar   progress.Model
	drawn int // width of the line on screen, 0 when none
	// first, when set, makes the line printed once at the first report.
	first func(backup.Progress) string
}

func newProgressLine(w io.Writer, tr *i18n.Translator) *progressLine {
	p := &progressLine{w: w, tr: tr, width: 80,
		bar: progress.New(progress.WithWidth(24), progress.WithoutPercentage(), progress.WithFillCharacters('█', '░'))}
	if f, ok := w.(*os.File); ok && term.IsTerminal(f.Fd()) {
		p.tty = true
		if width, _, err := term.GetSize(f.Fd()); err == nil && width > 0 {
			p.width = width
		}
		p.w = colorprofile.NewWriter(w, os.Environ())
	}
	return p
}

// report draws p.
func (l *progressLine) report(p backup.Progress) {
	if l.first != nil {
		l.clear()
		printf(l.w, "%s\n", l.first(p))
		l.first = nil
	}
	if !l.tty {
		return
	}
	line := l.bar.ViewAs(p.Fraction()) + " " + backup.Line(p, l.tr)
	line = xansi.Truncate(line, l.width-1, "…")
	width := xansi.StringWidth(line)
	printf(l.w, "\r%s%s", line, strings.Repeat(" ", max(l.drawn-width, 0)))
	l.drawn = width
}

// clear takes the line off the screen.
func (l *progressLine) clear() {
	if l.drawn > 0 {
		printf(l.w, "\r%s\r", strings.Repeat(" ", l.drawn))
		l.drawn = 0
	}
}
