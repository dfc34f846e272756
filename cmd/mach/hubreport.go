package main

import (
	"archive/zip"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"mach/checks/survey"
	"mach/sync/client"
	"mach/sync/hub"
	"mach/sync/protocol"
	"mach/sync/report"
)

// Formats of mach hub export.
const (
	formatJSON = "json"
	formatXLSX = protocol.ReportXLSX
	formatCSV  = protocol.ReportCSV
)

// exportSource is where mach hub export reads: the running hub through
// its admin routes, or, when no hub serves the data file, the file itself.
type exportSource struct {
	c        *client.Client
	st       hub.Storage
	province string
}

// openExportSource finds the hub serving the data file, or opens its
// storage (the file, or the PostgreSQL database of store) when no hub runs
// here (its admin file is missing, or names a hub that does not answer).
func openExportSource(ctx context.Context, e env, store, province string, stderr io.Writer) (*exportSource, error) {
	path, err := hubDataPath()
	if err != nil {
		return nil, userError{sentence: e.tr.T("cli.no_data_dir", err), err: err}
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(path), adminFile)); err == nil {
		c, err := adminClient(e)
		if err != nil {
			return nil, err
		}
		// A small question shows whether the hub answers; one killed
		// leaves its admin file behind.
		_, err = c.Deadlines(ctx)
		if err == nil {
			return &exportSource{c: c}, nil
		}
		if !errors.Is(err, client.ErrUnreachable) {
			return nil, adminError(e, err)
		}
	}
	if store == "" {
		if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
			return nil, userError{sentence: e.tr.T("hubexport.no_data", path), err: err}
		}
	}
	st, name, err := openHubStorage(ctx, e, store, path)
	if err != nil {
		return nil, err
	}
	printf(stderr, "%s\n", e.tr.T("hubexport.direct", name, province))
	return &exportSource{st: st, province: province}, nil
}

// close releases the data file when it was opened.
func (s *exportSource) close() {
	if s.st != nil {
		s.st.Close()
	}
}

// write writes the export or report in format, of one unit or all, to w;
// for csv, a ZIP archive of the CSV files.
func (s *exportSource) write(ctx context.Context, format, unit string, w io.Writer) error {
	if s.c != nil {
		q := url.Values{}
		if unit != "" {
			q.Set("unit", unit)
		}
		if format == formatJSON {
			return s.c.Download(ctx, protocol.PathAdminExport, q, w)
		}
		q.Set("format", format)
		return s.c.Download(ctx, protocol.PathAdminReport, q, w)
	}
	if format == formatJSON {
		return s.st.Export(w, unit)
	}
	us, err := hub.ReportUnits(s.province, unit)
	if err != nil {
		return err
	}
	if format == formatXLSX {
		return report.WriteXLSX(w, s.st, report.Options{Units: us})
	}
	return report.WriteCSVZip(w, s.st, report.Options{Units: us})
}

func newHubExportCommand() *cobra.Command {
	var format, out, unit, province, store string
	tr := translatorForError()
	cmd := &cobra.Command{
		Use:   "export",
		Short: tr.T("hub.export_short"),
		Long:  tr.T("hubexport.long"),
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			e, err := newEnv()
			if err != nil {
				return err
			}
			defer e.close()
			switch {
			case format != formatJSON && format != formatXLSX && format != formatCSV:
				return userError{sentence: e.tr.T("hubexport.bad_format", format)}
			case out == "":
				return userError{sentence: e.tr.T("export.no_out")}
			case out == "-" && format == formatCSV:
				return userError{sentence: e.tr.T("hubexport.csv_stdout")}
			case unit != "" && !isUnitCode(unit):
				return userError{sentence: e.tr.T("hub.unknown_unit", unit)}
			}
			src, err := openExportSource(cmd.Context(), e, hubStore(store), province, cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			defer src.close()
			write := func(w io.Writer) error { return src.write(cmd.Context(), format, unit, w) }
			switch {
			case out == "-":
				err = write(cmd.OutOrStdout())
			case format == formatCSV:
				err = writeCSVFolder(out, write)
			default:
				err = writeFileAtomic(out, write)
			}
			if err != nil {
				return exportError(e, out, unit, err)
			}
			if out != "-" {
				printf(cmd.ErrOrStderr(), "%s\n", e.tr.T("hubexport.done_"+format, out))
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&format, "format", formatJSON, tr.T("hubexport.flag_format"))
	cmd.Flags().StringVar(&out, "out", "", tr.T("hubexport.flag_out"))
	cmd.Flags().StringVar(&unit, "unit", "", tr.T("hubexport.flag_unit"))
	cmd.Flags().StringVar(&province, "province", hub.DefaultProvince, tr.T("hubexport.flag_province"))
	cmd.Flags().StringVar(&store, "store", "", tr.T("hub.flag_store"))
	return cmd
}

// isUnitCode reports whether s has the form of a unit's code.
func isUnitCode(s string) bool {
	return len(s) == 5 && strings.Trim(s, "0123456789") == ""
}

// exportError says why an export failed, in the user's words.
func exportError(e env, out, unit string, err error) error {
	var he *client.HubError
	switch {
	case errors.Is(err, hub.ErrUnknownUnit), errors.As(err, &he) && he.Body.Code == protocol.CodeNotFound:
		return userError{sentence: e.tr.T("hubexport.unit_not_here", unit), err: err}
	case errors.Is(err, client.ErrUnreachable):
		return userError{sentence: e.tr.T("hub.unreachable_local"), err: err}
	case errors.As(err, &he):
		return adminError(e, err)
	}
	return userError{sentence: e.tr.T("export.failed", out, err), err: err}
}

// writeCSVFolder has write make a ZIP archive of CSV files and puts each
// file in the folder dir, made if missing; each file is replaced whole or
// not at all.
func writeCSVFolder(dir string, write func(io.Writer) error) error {
	if info, err := os.Stat(dir); err == nil && !info.IsDir() {
		return fmt.Errorf("%s is a file, not a folder", dir)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, ".mach-report-*.zip")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	if err := write(tmp); err != nil {
		return err
	}
	size, err := tmp.Seek(0, io.SeekCurrent)
	if err != nil {
		return err
	}
	z, err := zip.NewReader(tmp, size)
	if err != nil {
		return fmt.Errorf("the report's archive: %w", err)
	}
	for _, f := range z.File {
		name := filepath.Base(f.Name)
		if name != f.Name || !strings.HasSuffix(name, ".csv") {
			return fmt.Errorf("the report's archive holds %q, not a CSV file", f.Name)
		}
		err := writeFileAtomic(filepath.Join(dir, name), func(w io.Writer) error {
			r, err := f.Open()
			if err != nil {
				return err
			}
			defer r.Close()
			_, err = io.Copy(w, r)
			return err
		})
		if err != nil {
			return err
		}
	}
	return nil
}

func newHubDeadlineCommand() *cobra.Command {
	var section, due string
	var clear bool
	tr := translatorForError()
	cmd := adminCommand("deadline", tr.T("deadline.short"), cobra.NoArgs, func(cmd *cobra.Command, e env, c *client.Client, _ []string) error {
		out := cmd.OutOrStdout()
		if section == "" {
			if due != "" || clear {
				return userError{sentence: e.tr.T("deadline.need_section")}
			}
			list, err := c.Deadlines(cmd.Context())
			if err != nil {
				return adminError(e, err)
			}
			return printDeadlines(out, e, list)
		}
		d := protocol.Deadline{Section: section}
		switch {
		case clear && due != "", !clear && due == "":
			return userError{sentence: e.tr.T("deadline.due_or_clear")}
		case !clear:
			t, err := time.ParseInLocation("02/01/2006", due, time.Local)
			if err != nil {
				return userError{sentence: e.tr.T("deadline.bad_date", due), err: err}
			}
			d.Due = t
		}
		if err := c.SetDeadline(cmd.Context(), d); err != nil {
			var he *client.HubError
			if errors.As(err, &he) && he.Body.Code == protocol.CodeBadRequest {
				return userError{sentence: e.tr.T("deadline.unknown_section", section, sectionIDs()), err: err}
			}
			return adminError(e, err)
		}
		if clear {
			printf(out, "%s\n", e.tr.T("deadline.cleared", sectionName(section)))
		} else {
			printf(out, "%s\n", e.tr.T("deadline.set", sectionName(section), e.tr.Date(d.Due)))
		}
		return nil
	})
	cmd.Long = tr.T("deadline.long")
	cmd.Flags().StringVar(&section, "section", "", tr.T("deadline.flag_section"))
	cmd.Flags().StringVar(&due, "due", "", tr.T("deadline.flag_due"))
	cmd.Flags().BoolVar(&clear, "clear", false, tr.T("deadline.flag_clear"))
	return cmd
}

// printDeadlines lists the deadlines set, and says so when there are none.
func printDeadlines(out io.Writer, e env, list []protocol.Deadline) error {
	if len(list) == 0 {
		printf(out, "%s\n", e.tr.T("deadline.none"))
		return nil
	}
	tw := tabwriter.NewWriter(out, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, e.tr.T("deadline.header"))
	for _, d := range list {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", d.Section, sectionName(d.Section), e.tr.Date(d.Due.In(time.Local)))
	}
	return tw.Flush()
}

// sectionName is a section's number and title in the shipped checklist,
// or its id when the shipped checklist does not have it.
func sectionName(id string) string {
	c, err := survey.Default()
	if err != nil {
		return id
	}
	if s, ok := c.Section(id); ok {
		return fmt.Sprintf("%d. %s", s.Number, s.Title.VI)
	}
	return id
}

// sectionIDs lists the ids of the shipped checklist's sections.
func sectionIDs() string {
	c, err := survey.Default()
	if err != nil {
		return ""
	}
	ids := make([]string, len(c.Sections))
	for i, s := range c.Sections {
		ids[i] = s.ID
	}
	return strings.Join(ids, ", ")
}
