package accounts

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"reflect"
	"slices"
	"strings"
	"time"

	"mach/assets/i18n"
	"mach/checks/answers"
	"mach/checks/survey"
	"mach/checks/tabular"
)

// Shape is the kind of list a file holds.
type Shape string

// The shapes of list an import reads.
const (
	// ShapeUnknown: the columns mapped fit neither shape.
	ShapeUnknown Shape = ""
	// ShapeStaff is a staff list: name, position, official e-mail. Each
	// person gets an e-mail account to keep.
	ShapeStaff Shape = "staff"
	// ShapeChanges is a change list: one row per person and system, with
	// the action.
	ShapeChanges Shape = "changes"
)

// headerScan is how many non-empty rows may stand above the header (a
// title, the unit's name, a date).
const headerScan = 15

// expiryWarning is how soon a certificate's expiry is worth a warning.
const expiryWarning = 30 * 24 * time.Hour

// Column is one column of the file and what it maps to.
type Column struct {
	// Index counts from 0; ColumnLetter(Index) names it as a spreadsheet
	// does.
	Index int
	// Header is the column's name in the file; for a two-row header,
	// "upper / lower".
	Header string
	// Target is the accounts table column it fills; "" leaves it out.
	Target string
	// Known says the header was recognised (as a target, or as a column
	// left out on purpose, such as STT).
	Known bool
}

// Target is a column of the accounts table that a file's column may fill.
type Target struct {
	ID    string
	Label string
}

// Item is one row to save.
type Item struct {
	// Line is the row's line in the file.
	Line int
	// ID is the saved row it updates; "" for a new row.
	ID string
	// Values are the row's values, as the rows screen stores them.
	Values map[string]any
}

// RowProblems are the errors or warnings of one row of the file.
type RowProblems struct {
	Line int
	// Name is the person's name on that row, to help find it.
	Name     string
	Messages []string
}

// Change is one record to write: a new row when ID is "".
type Change struct {
	Kind string
	ID   string
	Body json.RawMessage
}

// Importer reads files into plans against one checklist and the account
// rows already saved. It is not safe for concurrent use.
type Importer struct {
	checker
	headers headerIndex
	options map[string]optionIndex
	// saved are the rows already saved, by identity (see identities).
	saved map[string]answers.Row
	// sheet makes the rows' bodies, stamped with the checklist's version.
	sheet *answers.Sheet
}

// NewImporter prepares imports into checklist c's accounts table. saved are
// the account rows already saved (to find duplicates and updates), today
// dates the certificate expiry warnings, and tr writes the messages.
func NewImporter(c *survey.Checklist, saved []answers.Row, today time.Time, tr *i18n.Translator) (*Importer, error) {
	table, err := Table(c)
	if err != nil {
		return nil, err
	}
	im := &Importer{checker: checker{table: table, domains: c.EmailDomains, today: today, tr: tr},
		headers: newHeaderIndex(table), options: map[string]optionIndex{}, saved: map[string]answers.Row{}, sheet: answers.New(c)}
	aliases := map[string]map[string][]string{colSystem: systemAliases, colAction: actionAliases, colDevice: deviceAliases}
	for i := range table.Columns {
		if col := &table.Columns[i]; col.Type == survey.TypeChoice {
			im.options[col.ID] = newOptionIndex(col, aliases[col.ID])
		}
	}
	for _, r := range saved {
		for _, k := range identities(r.Values) {
			if _, dup := im.saved[k]; !dup {
				im.saved[k] = r
			}
		}
	}
	return im, nil
}

// Plan is an import: the mapping of the file's columns, and what saving it
// would do. Change a column's target with SetTarget; the plan is worked out
// again at once.
type Plan struct {
	// Info says how the file was read.
	Info tabular.Info
	// HeaderLines are the lines of the header (two for a two-row header).
	HeaderLines []int
	// Columns are the file's columns, in order.
	Columns []Column
	// Shape is the kind of list, from the columns mapped.
	Shape Shape
	// Errors are faults of the whole file (a required column not
	// mapped); no row is saved while there is one.
	Errors []string
	// Notes are remarks on the mapping that do not stop the import.
	Notes []string
	// New, Updated and Unchanged are the good rows: to add, to change a
	// saved row, and already saved as they are.
	New, Updated, Unchanged []Item
	// Bad are the rows that cannot be saved, each with its reasons.
	Bad []RowProblems
	// Warnings are rows that can be saved but deserve a look.
	Warnings []RowProblems

	im   *Importer
	rows []tabular.Row
}

// Rows is the number of data rows read.
func (p *Plan) Rows() int { return len(p.rows) }

// Sample is the first value of column index in the rows read, "" when the
// column is empty; it shows the officer what a column holds.
func (p *Plan) Sample(index int) string {
	for _, r := range p.rows {
		if s := clean(r.Cell(index)); s != "" {
			return s
		}
	}
	return ""
}

// Ready reports whether the plan can be saved: no file error, no bad row.
func (p *Plan) Ready() bool { return len(p.Errors) == 0 && len(p.Bad) == 0 }

// Read reads a file's header and rows into a plan. A column that names a
// password or an identity number gives a *ForbiddenError before any row
// under the header is read; a file without a recognisable header gives
// ErrNoHeader. Errors of the reader (tabular's) are returned as they are.
func (im *Importer) Read(r *tabular.Reader) (*Plan, error) {
	p := &Plan{Info: r.Info(), im: im}
	header, err := im.findHeader(r)
	if err != nil {
		return nil, err
	}
	if err := checkForbidden(header, header.Cells); err != nil {
		return nil, err
	}
	p.HeaderLines = []int{header.Line}
	names := slices.Clone(header.Cells)
	next, err := r.Next()
	switch {
	case errors.Is(err, io.EOF):
	case err != nil:
		return nil, err
	case im.subHeader(header, next):
		if err := checkForbidden(next, next.Cells); err != nil {
			return nil, err
		}
		p.HeaderLines = append(p.HeaderLines, next.Line)
		names = combine(header.Cells, next.Cells, im.headers)
	default:
		p.rows = append(p.rows, next)
	}
	for err == nil {
		var row tabular.Row
		if row, err = r.Next(); err == nil && !numbering(row) {
			p.rows = append(p.rows, row)
		}
	}
	if !errors.Is(err, io.EOF) {
		return nil, err
	}
	p.mapColumns(names)
	p.evaluate()
	return p, nil
}

// findHeader returns the first row that names at least two different
// columns the import knows (or refuses); a merged title repeats one text
// and does not count.
func (im *Importer) findHeader(r *tabular.Reader) (tabular.Row, error) {
	for range headerScan {
		row, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return tabular.Row{}, err
		}
		known := map[string]bool{}
		for _, c := range row.Cells {
			if t, ignored := im.headers.target(c); t != "" || ignored || forbidden(c) {
				known[norm(c)] = true
			}
		}
		if len(known) >= 2 {
			return row, nil
		}
	}
	return tabular.Row{}, ErrNoHeader
}

// checkForbidden refuses a header row with a column that names a password
// or an identity number.
func checkForbidden(row tabular.Row, cells []string) error {
	for i, c := range cells {
		if forbidden(c) {
			return &ForbiddenError{Line: row.Line, Column: i, Header: clean(c)}
		}
	}
	return nil
}

// subHeader reports whether next is the second row of a two-row header:
// each of its cells is a known header (or a forbidden one), or repeats the
// cell above (a header merged down), and one at least names something new.
func (im *Importer) subHeader(header, next tabular.Row) bool {
	fresh := false
	for i, c := range next.Cells {
		if strings.TrimSpace(c) == "" || norm(c) == norm(header.Cell(i)) {
			continue
		}
		t, ignored := im.headers.target(c)
		if t == "" && !ignored && !forbidden(c) {
			return false
		}
		fresh = true
	}
	return fresh
}

// combine joins a two-row header: a lower cell that differs from the one
// above names the column as "upper / lower".
func combine(upper, lower []string, x headerIndex) []string {
	n := max(len(upper), len(lower))
	out := make([]string, n)
	for i := range n {
		u, l := cell(upper, i), cell(lower, i)
		switch {
		case strings.TrimSpace(l) == "" || norm(l) == norm(u):
			out[i] = u
		case strings.TrimSpace(u) == "":
			out[i] = l
		default:
			out[i] = clean(u) + " / " + clean(l)
		}
	}
	return out
}

func cell(cells []string, i int) string {
	if i < len(cells) {
		return cells[i]
	}
	return ""
}

// numbering reports whether a row only numbers the columns, "1 2 3 …" or
// "(1) (2) (3) …", as official forms put under the header.
func numbering(row tabular.Row) bool {
	n := 0
	for _, c := range row.Cells {
		c = strings.Trim(strings.TrimSpace(c), "()")
		if c == "" {
			continue
		}
		if atoi(c) != n+1 || c != fmt.Sprint(n+1) {
			return false
		}
		n++
	}
	return n >= 3
}

// mapColumns maps each header to its target; a target named twice keeps
// its first column.
func (p *Plan) mapColumns(names []string) {
	taken := map[string]int{}
	width := len(names)
	for _, r := range p.rows {
		width = max(width, len(r.Cells))
	}
	for i := range width {
		h := clean(cell(names, i))
		target, ignored := p.im.headers.target(lastPart(h))
		if target == "" && !ignored {
			target, ignored = p.im.headers.target(h)
		}
		col := Column{Index: i, Header: h, Target: target, Known: target != "" || ignored}
		if j, dup := taken[target]; dup && target != "" {
			p.Notes = append(p.Notes, p.im.tr.T("accounts.note.twice", ColumnLetter(i), h, ColumnLetter(j)))
			col.Target = ""
		} else if target != "" {
			taken[target] = i
		}
		p.Columns = append(p.Columns, col)
	}
}

// lastPart is the lower half of a two-row header.
func lastPart(h string) string {
	if i := strings.LastIndex(h, " / "); i >= 0 {
		return h[i+3:]
	}
	return h
}

// Targets are the table columns a file's column may fill, in the table's
// order, labelled in the importer's language.
func (p *Plan) Targets() []Target {
	var out []Target
	for _, c := range p.im.table.Columns {
		switch c.Type {
		case survey.TypeText, survey.TypeDate, survey.TypeChoice:
			out = append(out, Target{ID: c.ID, Label: c.Label.In(p.im.tr.Lang())})
		}
	}
	return out
}

// SetTarget makes column index fill target ("" leaves it out); a column
// that filled target before is left out. The plan is worked out again.
func (p *Plan) SetTarget(index int, target string) error {
	if index < 0 || index >= len(p.Columns) {
		return fmt.Errorf("accounts: no column %d", index)
	}
	if target != "" && !slices.ContainsFunc(p.Targets(), func(t Target) bool { return t.ID == target }) {
		return fmt.Errorf("accounts: %q is not a column of the accounts table", target)
	}
	for i := range p.Columns {
		if target != "" && p.Columns[i].Target == target {
			p.Columns[i].Target = ""
		}
	}
	p.Columns[index].Target = target
	p.Notes = nil
	p.evaluate()
	return nil
}

// mapped reports whether a column fills target.
func (p *Plan) mapped(target string) bool {
	return slices.ContainsFunc(p.Columns, func(c Column) bool { return c.Target == target })
}

// evaluate works out the shape, the file's errors and every row.
func (p *Plan) evaluate() {
	p.Errors, p.New, p.Updated, p.Unchanged, p.Bad, p.Warnings = nil, nil, nil, nil, nil, nil
	tr := p.im.tr
	switch {
	case p.mapped(colSystem) || p.mapped(colAction):
		p.Shape = ShapeChanges
	case p.mapped(colEmail):
		p.Shape = ShapeStaff
	default:
		p.Shape = ShapeUnknown
		p.Errors = append(p.Errors, tr.T("accounts.error.shape"))
		return
	}
	need := []string{colFullName, colEmail}
	if p.Shape == ShapeChanges {
		need = []string{colFullName, colSystem, colAction}
	}
	for _, id := range need {
		if !p.mapped(id) {
			col, _ := p.im.table.Column(id)
			p.Errors = append(p.Errors, tr.T("accounts.error.missing_column", col.Label.In(tr.Lang())))
		}
	}
	if len(p.Errors) > 0 {
		return
	}
	first := seen{}
	for _, row := range p.rows {
		p.row(row, first)
	}
}

// row works out one data row: its values, its errors and warnings, and
// whether it adds, updates or repeats a saved row.
func (p *Plan) row(row tabular.Row, first seen) {
	values, implied, failed, bad, warn := p.convert(row)
	name, _ := values[colFullName].(string)
	keys := identities(values)
	var update *answers.Row
	if line, dup := first.find(keys); dup {
		bad = append(bad, p.im.duplicate(values, line, ""))
	} else {
		first.add(keys, row.Line)
		for _, k := range keys {
			s, ok := p.im.saved[k]
			if !ok {
				continue
			}
			if sn, _ := s.Values[colFullName].(string); norm(sn) != norm(name) {
				bad = append(bad, p.im.tr.T("accounts.error.saved_other", sn))
			} else {
				update = &s
			}
			break
		}
	}
	if update != nil {
		merged := maps.Clone(update.Values)
		for k, v := range values {
			if _, had := merged[k]; had && implied[k] {
				continue
			}
			merged[k] = v
		}
		values = merged
	}
	b, w := p.im.check(values, failed)
	bad, warn = append(bad, b...), append(warn, w...)
	if len(warn) > 0 {
		p.Warnings = append(p.Warnings, RowProblems{Line: row.Line, Name: name, Messages: warn})
	}
	switch {
	case len(bad) > 0:
		p.Bad = append(p.Bad, RowProblems{Line: row.Line, Name: name, Messages: bad})
	case update == nil:
		p.New = append(p.New, Item{Line: row.Line, Values: values})
	case reflect.DeepEqual(values, update.Values):
		p.Unchanged = append(p.Unchanged, Item{Line: row.Line, ID: update.ID, Values: values})
	default:
		p.Updated = append(p.Updated, Item{Line: row.Line, ID: update.ID, Values: values})
	}
}

// convert reads a row's cells into values. implied are the values the
// shape supplies (a staff list's system and action), which do not replace
// saved ones; failed are the columns whose cell could not be read, already
// among the errors.
func (p *Plan) convert(row tabular.Row) (values map[string]any, implied, failed map[string]bool, bad, warn []string) {
	tr, lang := p.im.tr, p.im.tr.Lang()
	values, implied, failed = map[string]any{}, map[string]bool{}, map[string]bool{}
	var notes []string
	for _, c := range p.Columns {
		s := clean(row.Cell(c.Index))
		if c.Target == "" || s == "" {
			continue
		}
		col, _ := p.im.table.Column(c.Target)
		label := col.Label.In(lang)
		switch {
		case c.Target == colReason:
			code, note := reason(p.im.options[colReason], s)
			values[colReason] = code
			if note != "" {
				notes = append([]string{note}, notes...)
			}
		case c.Target == colNote:
			notes = append(notes, s)
		case col.Type == survey.TypeChoice:
			v, ok := p.im.options[c.Target].find(s)
			if !ok {
				bad = append(bad, label+": "+p.unknownOption(col, s))
				failed[c.Target] = true
				continue
			}
			values[c.Target] = v
		case col.Type == survey.TypeDate:
			d, ok := parseDate(s)
			if !ok {
				bad = append(bad, label+": "+tr.T("accounts.error.date", s))
				failed[c.Target] = true
				continue
			}
			values[c.Target] = d
		default:
			values[c.Target] = s
		}
	}
	if len(notes) > 0 {
		if _, ok := p.im.table.Column(colNote); ok {
			values[colNote] = strings.Join(notes, "; ")
		} else {
			warn = append(warn, tr.T("accounts.warn.note_dropped", strings.Join(notes, "; ")))
		}
	}
	if p.Shape == ShapeStaff {
		for k, v := range map[string]string{colSystem: "email", colAction: "keep"} {
			if _, ok := values[k]; !ok {
				values[k], implied[k] = v, true
			}
		}
	}
	return values, implied, failed, bad, warn
}

// unknownOption says what a choice column takes.
func (p *Plan) unknownOption(col *survey.Question, s string) string {
	tr := p.im.tr
	var names []string
	for _, o := range col.Options {
		if col.ID == colSystem {
			names = append(names, o.Value)
		} else {
			names = append(names, o.Label.In(tr.Lang()))
		}
	}
	if col.ID == colSystem {
		return tr.T("accounts.error.system", s, strings.Join(names, ", "))
	}
	return tr.T("accounts.error.option", s, strings.Join(names, ", "))
}

// Changes returns the records saving the plan writes: the new rows, then
// the updated ones. It refuses a plan that is not Ready.
func (p *Plan) Changes() ([]Change, error) {
	if !p.Ready() {
		return nil, ErrNotReady
	}
	out := make([]Change, 0, len(p.New)+len(p.Updated))
	for _, items := range [][]Item{p.New, p.Updated} {
		for _, it := range items {
			body, err := p.im.sheet.RowBody(it.Values)
			if err != nil {
				return nil, fmt.Errorf("line %d: %w", it.Line, err)
			}
			out = append(out, Change{Kind: Kind, ID: it.ID, Body: body})
		}
	}
	return out, nil
}
