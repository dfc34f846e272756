package report

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"mach/checks/answers"
	"mach/checks/profile"
	"mach/checks/survey"
	"mach/checks/units"
	"mach/checks/workbook"
	"mach/sync/protocol"
	"mach/sync/record"
	"mach/sync/review"
)

// SummaryID names the summary's CSV file (SummaryID + ".csv").
const SummaryID = "summary"

// Options say what a report covers.
type Options struct {
	// Units are the units reported, in this order: every unit of the
	// province, or the one asked for.
	Units []units.Unit
}

// built is a report ready to be written: the summary's rows, the
// reviews' and every area's rows, kept in temporary files.
type built struct {
	summaryHeaders []string
	summaryNumeric []int
	summary        [][]string
	reviews        *reviewSheet
	areas          []*area
}

// build reads the summaries, then each unit's records once, into the
// report's sheets. Only one unit's records are in memory at a time.
func build(src Source, opts Options) (*built, error) {
	docs, err := src.Documents()
	if err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	c, err := Checklist(docs)
	if err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	codes := make([]string, len(opts.Units))
	for i, u := range opts.Units {
		codes[i] = u.Code
	}
	sums, err := src.Summaries(codes)
	if err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	b := &built{reviews: newReviewSheet(), areas: areasOf(c)}
	b.summaryHeaders, b.summaryNumeric, b.summary = summarySheet(c, opts.Units, sums)
	for _, u := range opts.Units {
		sheet, book := answers.New(c), review.NewBook()
		err := src.Current(u.Code, func(r record.Record) error {
			_, _ = sheet.Apply(r) // as in Summary.Add: a body that does not decode counts for nothing
			_ = book.Add(r)       // and so for a review or a reply
			return nil
		})
		if err != nil {
			b.close()
			return nil, fmt.Errorf("report: unit %s: %w", u.Code, err)
		}
		if err := b.reviews.rows(u, c, sheet, book); err != nil {
			b.close()
			return nil, err
		}
		for _, a := range b.areas {
			if err := a.rows(u, sheet, a.out); err != nil {
				b.close()
				return nil, err
			}
		}
	}
	return b, nil
}

// close removes the temporary files.
func (b *built) close() {
	b.reviews.out.close()
	for _, a := range b.areas {
		a.out.close()
	}
}

// each calls fn with every sheet in order: its CSV id, its title, its
// headers, the indexes of its numeric columns and a walk over its rows.
func (b *built) each(fn func(id, title string, headers []string, numeric []int, rows func(func([]string) error) error) error) error {
	err := fn(SummaryID, vi().T("report.sheet_summary"), b.summaryHeaders, b.summaryNumeric, func(row func([]string) error) error {
		for _, r := range b.summary {
			if err := row(r); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := fn(ReviewsID, vi().T("report.sheet_reviews"), b.reviews.headers, nil, b.reviews.out.each); err != nil {
		return err
	}
	for _, a := range b.areas {
		if err := fn(a.id, a.title, a.headers, a.numeric, a.out.each); err != nil {
			return err
		}
	}
	return nil
}

// WriteXLSX writes the report as an XLSX workbook to w: the summary sheet,
// one row per unit, the reviews' sheet, one row per unit and section
// reviewed, then a sheet per area. Nothing is written to w when
// reading the hub fails.
func WriteXLSX(w io.Writer, src Source, opts Options) error {
	b, err := build(src, opts)
	if err != nil {
		return err
	}
	defer b.close()
	// The workbook is written to out only by Close; a failure before it
	// sends it nowhere, so that w never gets half a workbook.
	out := &gate{w: w}
	x, err := workbook.NewXLSX(out)
	if err != nil {
		return err
	}
	err = b.each(func(_, title string, headers []string, numeric []int, rows func(func([]string) error) error) error {
		if err := x.Sheet(title, headers, numeric...); err != nil {
			return err
		}
		return rows(func(r []string) error { return x.Row(r...) })
	})
	if err != nil {
		out.w = io.Discard
		return errors.Join(err, x.Close())
	}
	return x.Close()
}

// gate passes writes on to w, which may be switched to io.Discard.
type gate struct{ w io.Writer }

func (g *gate) Write(p []byte) (int, error) { return g.w.Write(p) }

// WriteCSV writes the report as one CSV file per sheet, each with a byte
// order mark so that Excel reads Vietnamese right: open is called with each
// file's name (SummaryID.csv, ReviewsID.csv, then the areas' ids:
// equipment.csv, …) and
// the file is closed once written.
func WriteCSV(open func(name string) (io.WriteCloser, error), src Source, opts Options) error {
	b, err := build(src, opts)
	if err != nil {
		return err
	}
	defer b.close()
	return b.each(func(id, _ string, headers []string, _ []int, rows func(func([]string) error) error) error {
		f, err := open(id + ".csv")
		if err != nil {
			return err
		}
		c, err := workbook.NewCSV(f, headers)
		if err == nil {
			err = rows(func(r []string) error { return c.Row(r...) })
		}
		if err == nil {
			err = c.Close()
		}
		if cerr := f.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("report: %s.csv: %w", id, cerr)
		}
		return err
	})
}

// WriteCSVZip writes the report's CSV files (WriteCSV) into one ZIP archive.
func WriteCSVZip(w io.Writer, src Source, opts Options) error {
	z := zip.NewWriter(w)
	err := WriteCSV(func(name string) (io.WriteCloser, error) {
		f, err := z.Create(name)
		return nopCloser{f}, err
	}, src, opts)
	if err != nil {
		return err
	}
	return z.Close()
}

// nopCloser is a file of an archive: the archive closes it.
type nopCloser struct{ io.Writer }

func (nopCloser) Close() error { return nil }

// summarySheet makes the summary's headers, the indexes of its numeric
// columns and one row per unit.
func summarySheet(c *survey.Checklist, us []units.Unit, sums []protocol.UnitSummary) ([]string, []int, [][]string) {
	tr := vi()
	headers := unitHeaders()
	var numeric []int
	for _, k := range []string{"devices", "last_sync", "records", "answered", "required", "ratio"} {
		if k != "last_sync" {
			numeric = append(numeric, len(headers))
		}
		headers = append(headers, tr.T("report.col_"+k))
	}
	for _, sec := range c.Sections {
		headers = append(headers, tr.T("report.col_section", sec.Number, sec.Title.VI))
	}
	for _, n := range profile.Networks {
		headers = append(headers, networkName(n))
	}
	var actions []survey.Option
	if q, ok := c.Question(tableOf(c, kindAccount)); ok {
		if col, ok := q.Column(colAction); ok {
			actions = col.Options
		}
	}
	for _, o := range actions {
		numeric = append(numeric, len(headers))
		headers = append(headers, tr.T("report.col_accounts", o.Label.VI))
	}
	for _, k := range []string{"datasets", "backups_verified", "handovers", "conflicts", "flags"} {
		if k != "flags" {
			numeric = append(numeric, len(headers))
		}
		headers = append(headers, tr.T("report.col_"+k))
	}
	rows := make([][]string, len(sums))
	for i, s := range sums {
		ratio := 1.0
		if s.Required > 0 {
			ratio = float64(s.Answered) / float64(s.Required)
		}
		row := []string{us[i].Code, us[i].Name, strconv.Itoa(s.Devices), dateTime(s.LastSync),
			strconv.Itoa(s.Records), strconv.Itoa(s.Answered), strconv.Itoa(s.Required), strconv.FormatFloat(math.Round(ratio*1000)/10, 'f', -1, 64)}
		for _, sec := range c.Sections {
			row = append(row, sectionCell(s.Sections, sec.ID))
		}
		for _, n := range profile.Networks {
			row = append(row, networkCell(s.Networks, n))
		}
		for _, o := range actions {
			row = append(row, strconv.Itoa(s.Accounts[o.Value]))
		}
		flags := make([]string, len(s.Flags))
		for j, f := range s.Flags {
			flags[j] = tr.T("report.flag." + f)
		}
		row = append(row, strconv.Itoa(s.Datasets), strconv.Itoa(s.BackupsVerified), strconv.Itoa(s.Handovers),
			strconv.Itoa(s.Conflicts), strings.Join(flags, ", "))
		rows[i] = row
	}
	return headers, numeric, rows
}

// sectionCell shows a section's progress: "3/5", "3/5 (quá hạn)".
func sectionCell(ps []protocol.SectionProgress, id string) string {
	for _, p := range ps {
		if p.Section == id {
			if p.Overdue {
				return vi().T("report.section_overdue", p.Answered, p.Required)
			}
			return vi().T("report.section_cell", p.Answered, p.Required)
		}
	}
	return ""
}

// networkCell shows the latest check run of a network: "Đạt, 25/11/2026
// 08:00", or "" when none.
func networkCell(vs []protocol.NetworkVerdict, network string) string {
	for _, v := range vs {
		if v.Network == network {
			return vi().T("report.verdict_cell", dashVerdict(v.Verdict), dateTime(v.At))
		}
	}
	return ""
}
