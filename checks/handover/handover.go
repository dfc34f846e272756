// Package handover writes the data handover minutes (biên bản bàn giao dữ
// liệu): from the rows of the checklist's backups table, the list of the
// datasets handed over from the old units to the new one, each with its
// SHA-256 digest, between a title block and the two sides' signature
// blocks, ready to print and sign.
//
// It reads nothing and saves nothing: the caller gives the rows and the
// unit, and an io.Writer for the workbook.
package handover

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"mach/assets/i18n"
	"mach/checks/answers"
	"mach/checks/survey"
	"mach/checks/units"
)

// Kind is the record kind of the backups table's rows.
const Kind = "backup"

// ErrNoRows means there is no dataset to hand over (or none under the
// minutes number asked for).
var ErrNoRows = errors.New("no dataset to hand over")

// ErrNoTable means the checklist has no backups table.
var ErrNoTable = errors.New("the checklist has no backups table")

// Table returns the checklist's backups table.
func Table(c *survey.Checklist) (*survey.Question, error) {
	for i := range c.Sections {
		for j := range c.Sections[i].Questions {
			if q := &c.Sections[i].Questions[j]; q.Type == survey.TypeTable && q.Kind == Kind {
				return q, nil
			}
		}
	}
	return nil, ErrNoTable
}

// Dataset is one line of the minutes.
type Dataset struct {
	OldUnit, Name, System, HandedTo, Receiver, MinutesNo, Date, SHA256 string
	// Size (bytes) and Files are numbers when the backup recorded them.
	Size, Files *int64
}

// Minutes are the handover minutes of one new unit.
type Minutes struct {
	// Unit is the new unit, which receives the data.
	Unit answers.Unit
	// Number is the minutes' number; "" leaves a blank to fill by hand.
	Number string
	// Date is the date the minutes are made.
	Date     time.Time
	Datasets []Dataset
}

// Unverified counts the datasets without a digest.
func (m *Minutes) Unverified() int {
	n := 0
	for _, d := range m.Datasets {
		if d.SHA256 == "" {
			n++
		}
	}
	return n
}

// New makes the minutes from the backups table's rows: those whose
// minutes number is number, or every row when number is "". The minutes'
// number is number, or the one every row shares; the date is the handover
// date every row shares, else today.
func New(table *survey.Question, unit answers.Unit, rows []answers.Row, number string, today time.Time, tr *i18n.Translator) (*Minutes, error) {
	m := &Minutes{Unit: unit, Number: strings.TrimSpace(number), Date: today}
	numbers, dates := map[string]bool{}, map[string]bool{}
	for _, r := range rows {
		str := func(id string) string { s, _ := r.Values[id].(string); return strings.TrimSpace(s) }
		if m.Number != "" && str("minutes_no") != m.Number {
			continue
		}
		d := Dataset{OldUnit: str("old_unit"), Name: str("dataset"), HandedTo: str("handed_to"), Receiver: str("receiver"),
			MinutesNo: str("minutes_no"), SHA256: strings.ToLower(str("sha256")), Size: count(r.Values["size_bytes"]), Files: count(r.Values["file_count"])}
		if col, ok := table.Column("system"); ok && str("system") != "" {
			d.System = col.FormatValue(str("system"), tr)
		}
		if col, ok := table.Column("handover_date"); ok && str("handover_date") != "" {
			d.Date = col.FormatValue(str("handover_date"), tr)
		}
		numbers[d.MinutesNo] = true
		dates[str("handover_date")] = true
		m.Datasets = append(m.Datasets, d)
	}
	if len(m.Datasets) == 0 {
		return nil, ErrNoRows
	}
	// The minutes list the datasets by old unit, then by name, whatever
	// order the rows were entered in.
	slices.SortStableFunc(m.Datasets, func(a, b Dataset) int {
		return cmp.Or(cmp.Compare(units.Fold(a.OldUnit), units.Fold(b.OldUnit)), cmp.Compare(units.Fold(a.Name), units.Fold(b.Name)))
	})
	if m.Number == "" && len(numbers) == 1 {
		m.Number = m.Datasets[0].MinutesNo
	}
	if len(dates) == 1 {
		for d := range dates {
			if t, err := time.Parse("2006-01-02", d); err == nil {
				m.Date = t
			}
		}
	}
	return m, nil
}

// count reads a whole number a row holds (JSON gives float64).
func count(v any) *int64 {
	f, ok := v.(float64)
	if !ok || f < 0 {
		return nil
	}
	n := int64(f)
	return &n
}

// distinct lists the different non-empty values, in order of first use.
func distinct(ds []Dataset, field func(Dataset) string) []string {
	var out []string
	for _, d := range ds {
		if s := field(d); s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// sheet is the name of the minutes' only sheet.
const sheet = "Biên bản"

// WriteXLSX writes the minutes as a one-sheet workbook, A4 landscape, one
// page wide: the title block, the parties, the datasets with their
// digests, and the signature blocks.
func (m *Minutes) WriteXLSX(w io.Writer, tr *i18n.Translator) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	x := &writer{f: f}
	x.styles()
	headers := []string{tr.T("handover.col.number"), tr.T("handover.col.old_unit"), tr.T("handover.col.dataset"),
		tr.T("handover.col.system"), tr.T("handover.col.handed_to"), tr.T("handover.col.receiver"),
		tr.T("handover.col.minutes_no"), tr.T("handover.col.date"), tr.T("handover.col.sha256")}
	widths := []float64{5, 18, 24, 22, 18, 18, 12, 12, 34}
	sized := slices.ContainsFunc(m.Datasets, func(d Dataset) bool { return d.Size != nil || d.Files != nil })
	if sized {
		headers = append(headers, tr.T("handover.col.size"), tr.T("handover.col.files"))
		widths = append(widths, 14, 9)
	}
	last := len(headers)
	half := 4 // the left block spans A–D, the right one the rest
	name := m.Unit.Name
	x.merged(1, 1, half, strings.ToUpper(tr.T("handover.committee", name)), x.bold)
	x.merged(1, half+1, last, tr.T("handover.republic"), x.bold)
	x.merged(2, half+1, last, tr.T("handover.motto"), x.motto)
	x.merged(3, half+1, last, tr.T("handover.place_date", placeName(name), m.Date.Day(), int(m.Date.Month()), m.Date.Year()), x.italic)
	x.merged(5, 1, last, tr.T("handover.title"), x.title)
	number := m.Number
	if number == "" {
		number = "........../BB-BG"
	}
	x.merged(6, 1, last, tr.T("handover.number", number), x.center)
	x.merged(7, 1, last, tr.T("handover.about", name), x.italic)
	giver := strings.Join(distinct(m.Datasets, func(d Dataset) string { return d.OldUnit }), ", ")
	x.merged(9, 1, last, tr.T("handover.giver", dots(giver)), x.left)
	receiver := name
	if to := distinct(m.Datasets, func(d Dataset) string { return d.HandedTo }); len(to) > 0 {
		receiver += " (" + strings.Join(to, ", ") + ")"
	}
	x.merged(10, 1, last, tr.T("handover.receiver", receiver, dots(strings.Join(distinct(m.Datasets, func(d Dataset) string { return d.Receiver }), ", "))), x.left)
	x.merged(11, 1, last, tr.T("handover.agreed", len(m.Datasets)), x.left)
	row := 13
	for i, h := range headers {
		x.text(row, i+1, h, x.head)
		col, _ := excelize.ColumnNumberToName(i + 1)
		if err := f.SetColWidth(sheet, col, col, widths[i]); err != nil {
			return err
		}
	}
	x.fit(row, headers, widths)
	for i, d := range m.Datasets {
		row++
		sha := d.SHA256
		if sha == "" {
			sha = tr.T("handover.unverified")
		}
		cells := []string{strconv.Itoa(i + 1), d.OldUnit, d.Name, d.System, d.HandedTo, d.Receiver, d.MinutesNo, d.Date, sha}
		for c, s := range cells {
			style := x.cell
			if c == 8 && d.SHA256 != "" {
				style = x.digest
			}
			x.text(row, c+1, s, style)
		}
		if sized {
			x.number(row, len(cells)+1, d.Size)
			x.number(row, len(cells)+2, d.Files)
		}
		x.fit(row, cells, widths)
	}
	row += 2
	x.merged(row, 1, last, tr.T("handover.copies"), x.left)
	row += 2
	x.merged(row, 1, half, tr.T("handover.sign_giver"), x.bold)
	x.merged(row, half+1, last, tr.T("handover.sign_receiver"), x.bold)
	x.merged(row+1, 1, half, tr.T("handover.sign_hint"), x.italic)
	x.merged(row+1, half+1, last, tr.T("handover.sign_hint"), x.italic)
	if r := distinct(m.Datasets, func(d Dataset) string { return d.Receiver }); len(r) == 1 {
		x.merged(row+6, half+1, last, r[0], x.bold)
	}
	if x.err != nil {
		return x.err
	}
	if err := x.page(last, row+6); err != nil {
		return err
	}
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("write minutes: %w", err)
	}
	return nil
}

// placeName is the unit's name without its kind ("Xã Gia Viễn" gives "Gia
// Viễn"), as the date line of an official document writes it.
func placeName(name string) string {
	for _, p := range []string{"Xã ", "Phường ", "Đặc khu ", "Thị trấn "} {
		if rest, ok := strings.CutPrefix(name, p); ok {
			return rest
		}
	}
	return name
}

// dots leaves a line to fill by hand for a missing name.
func dots(s string) string {
	if s == "" {
		return "................................................"
	}
	return s
}

// writer keeps the first error of a run of cell writes.
type writer struct {
	f                                                                  *excelize.File
	err                                                                error
	bold, motto, italic, title, center, left, head, cell, digest, numb int
}

func (x *writer) style(s *excelize.Style) int {
	if x.err != nil {
		return 0
	}
	id, err := x.f.NewStyle(s)
	x.err = err
	return id
}

func (x *writer) styles() {
	font := func(f excelize.Font) *excelize.Font {
		f.Family = "Times New Roman"
		f.Size = max(f.Size, 12)
		return &f
	}
	centre := &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}
	border := []excelize.Border{{Type: "left", Style: 1, Color: "000000"}, {Type: "right", Style: 1, Color: "000000"},
		{Type: "top", Style: 1, Color: "000000"}, {Type: "bottom", Style: 1, Color: "000000"}}
	x.bold = x.style(&excelize.Style{Font: font(excelize.Font{Bold: true}), Alignment: centre, NumFmt: 49})
	x.motto = x.style(&excelize.Style{Font: font(excelize.Font{Bold: true, Underline: "single"}), Alignment: centre, NumFmt: 49})
	x.italic = x.style(&excelize.Style{Font: font(excelize.Font{Italic: true}), Alignment: centre, NumFmt: 49})
	x.title = x.style(&excelize.Style{Font: font(excelize.Font{Bold: true, Size: 14}), Alignment: centre, NumFmt: 49})
	x.center = x.style(&excelize.Style{Font: font(excelize.Font{}), Alignment: centre, NumFmt: 49})
	x.left = x.style(&excelize.Style{Font: font(excelize.Font{}), Alignment: &excelize.Alignment{Horizontal: "left", Vertical: "center", WrapText: true}, NumFmt: 49})
	x.head = x.style(&excelize.Style{Font: font(excelize.Font{Bold: true}), Alignment: centre, Border: border, NumFmt: 49})
	x.cell = x.style(&excelize.Style{Font: font(excelize.Font{}), Alignment: &excelize.Alignment{Vertical: "center", WrapText: true}, Border: border, NumFmt: 49})
	x.digest = x.style(&excelize.Style{Font: &excelize.Font{Family: "Consolas", Size: 9}, Alignment: &excelize.Alignment{Vertical: "center", WrapText: true}, Border: border, NumFmt: 49})
	x.numb = x.style(&excelize.Style{Font: font(excelize.Font{}), Alignment: &excelize.Alignment{Vertical: "center"}, Border: border, NumFmt: 3})
}

// text writes s as a text cell.
func (x *writer) text(row, col int, s string, style int) {
	if x.err != nil {
		return
	}
	cell, err := excelize.CoordinatesToCellName(col, row)
	if err == nil {
		err = x.f.SetCellStr(sheet, cell, s)
	}
	if err == nil {
		err = x.f.SetCellStyle(sheet, cell, cell, style)
	}
	x.err = err
}

// number writes n as a number cell; nil leaves an empty bordered cell.
func (x *writer) number(row, col int, n *int64) {
	if x.err != nil {
		return
	}
	cell, err := excelize.CoordinatesToCellName(col, row)
	if err == nil && n != nil {
		err = x.f.SetCellInt(sheet, cell, *n)
	}
	if err == nil {
		err = x.f.SetCellStyle(sheet, cell, cell, x.numb)
	}
	x.err = err
}

// lineHeight is the height of one line of 12-point text, in points.
const lineHeight = 16

// fit makes row tall enough for its wrapped cells: spreadsheets do not grow
// a row written by a program, and the text would be cut off in print.
func (x *writer) fit(row int, cells []string, widths []float64) {
	if x.err != nil {
		return
	}
	lines := 1
	for i, c := range cells {
		if i < len(widths) {
			perLine := max(int(widths[i]*1.1)-1, 1)
			lines = max(lines, (len([]rune(c))+perLine-1)/perLine)
		}
	}
	x.err = x.f.SetRowHeight(sheet, row, float64(lines*lineHeight))
}

// merged writes s across columns from to to of row.
func (x *writer) merged(row, from, to int, s string, style int) {
	x.text(row, from, s, style)
	if x.err != nil || from == to {
		return
	}
	a, _ := excelize.CoordinatesToCellName(from, row)
	b, err := excelize.CoordinatesToCellName(to, row)
	if err == nil {
		err = x.f.MergeCell(sheet, a, b)
	}
	if err == nil {
		err = x.f.SetCellStyle(sheet, a, b, style)
	}
	if err == nil && len([]rune(s)) > 110 {
		err = x.f.SetRowHeight(sheet, row, 32)
	}
	x.err = err
}

// page sets A4 landscape, one page wide, and the print area.
func (x *writer) page(cols, rows int) error {
	size, orient, one, free := 9, "landscape", 1, 0
	if err := x.f.SetPageLayout(sheet, &excelize.PageLayoutOptions{Size: &size, Orientation: &orient, FitToWidth: &one, FitToHeight: &free}); err != nil {
		return err
	}
	fit := true
	if err := x.f.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
		return err
	}
	last, err := excelize.CoordinatesToCellName(cols, rows)
	if err != nil {
		return err
	}
	return x.f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Area", Scope: sheet, RefersTo: "'" + sheet + "'!$A$1:$" + strings.TrimRight(last, "0123456789") + "$" + strconv.Itoa(rows)})
}
