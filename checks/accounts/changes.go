package accounts

import (
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"mach/assets/i18n"
	"mach/checks/answers"
	"mach/checks/survey"
	"mach/checks/workbook"
)

// List is the account rows of one system with one action: what the
// province sends to that system's operator (the certificates to revoke,
// the mailboxes to create …).
type List struct {
	System, Action string
	Rows           []answers.Row
}

// Lists groups the saved account rows by system and action, systems and
// actions in the checklist's order, rows in the order they were saved. A
// row without a system or an action is in no list.
func Lists(table *survey.Question, rows []answers.Row) []List {
	systems, actions := optionOrder(table, colSystem), optionOrder(table, colAction)
	byKey := map[[2]string]*List{}
	var out []*List
	for _, r := range rows {
		sys, _ := r.Values[colSystem].(string)
		act, _ := r.Values[colAction].(string)
		if sys == "" || act == "" {
			continue
		}
		k := [2]string{sys, act}
		l := byKey[k]
		if l == nil {
			l = &List{System: sys, Action: act}
			byKey[k] = l
			out = append(out, l)
		}
		l.Rows = append(l.Rows, r)
	}
	slices.SortStableFunc(out, func(a, b *List) int {
		if c := rank(systems, a.System) - rank(systems, b.System); c != 0 {
			return c
		}
		return rank(actions, a.Action) - rank(actions, b.Action)
	})
	lists := make([]List, len(out))
	for i, l := range out {
		lists[i] = *l
	}
	return lists
}

// optionOrder lists a choice column's option values.
func optionOrder(table *survey.Question, id string) []string {
	col, ok := table.Column(id)
	if !ok {
		return nil
	}
	var out []string
	for _, o := range col.Options {
		out = append(out, o.Value)
	}
	return out
}

// rank places a value after every known one when it is not an option.
func rank(order []string, v string) int {
	if i := slices.Index(order, v); i >= 0 {
		return i
	}
	return len(order)
}

// listColumns are the columns every operator needs for a system; the
// others are shown when a row of the list has them.
var listColumns = map[string][]string{
	"cks":   {colSerial, colDevice, colExpiry},
	"email": {colEmail},
}

// columns returns the table columns a list shows, in the table's order: the
// person, what identifies the account in that system, and for a change the
// reason and the date; any other column that a row fills.
func (l List) columns(table *survey.Question) []*survey.Question {
	want := []string{colFullName, colPosition}
	want = append(want, listColumns[l.System]...)
	if _, special := listColumns[l.System]; !special {
		want = append(want, colAccount)
	}
	if l.Action != "keep" {
		want = append(want, colReason, colEffective)
	}
	var out []*survey.Question
	for i := range table.Columns {
		c := &table.Columns[i]
		if c.ID == colSystem || c.ID == colAction {
			continue
		}
		if slices.Contains(want, c.ID) || slices.ContainsFunc(l.Rows, func(r answers.Row) bool { return !empty(r.Values[c.ID]) }) {
			out = append(out, c)
		}
	}
	return out
}

func empty(v any) bool {
	s, isString := v.(string)
	return v == nil || (isString && strings.TrimSpace(s) == "")
}

// Table returns the list as a table: the headers, in tr's language (STT,
// then the columns' labels), and one row of text per account: dates as
// dd/mm/yyyy, choices by their labels, codes and serials as written.
func (l List) Table(table *survey.Question, tr *i18n.Translator) (headers []string, rows [][]string) {
	cols := l.columns(table)
	headers = []string{tr.T("accounts.list.number")}
	for _, c := range cols {
		headers = append(headers, c.Label.In(tr.Lang()))
	}
	for i, r := range l.Rows {
		cells := []string{strconv.Itoa(i + 1)}
		for _, c := range cols {
			cells = append(cells, c.FormatValue(r.Values[c.ID], tr))
		}
		rows = append(rows, cells)
	}
	return headers, rows
}

// Title names the list in tr's language: "Chữ ký số chuyên dùng … - Thu
// hồi".
func (l List) Title(table *survey.Question, tr *i18n.Translator) string {
	return label(table, colSystem, l.System, tr) + " - " + label(table, colAction, l.Action, tr)
}

// SheetName is the list's XLSX sheet: the system's code in capitals and the
// action ("CKS - Thu hồi"), within Excel's 31 characters.
func (l List) SheetName(table *survey.Question, tr *i18n.Translator) string {
	name := strings.ToUpper(l.System) + " - " + label(table, colAction, l.Action, tr)
	name = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`[]:*?/\`, r) {
			return '-'
		}
		return r
	}, name)
	if r := []rune(name); len(r) > 31 {
		name = string(r[:31])
	}
	return name
}

// FileName is the list's CSV file: base without its .csv, then the
// system's and the action's codes: "doi-tai-khoan.csv" gives
// "doi-tai-khoan-cks-revoke.csv". Codes are plain ASCII, safe in any
// file system.
func (l List) FileName(base string) string {
	if strings.EqualFold(filepath.Ext(base), ".csv") {
		base = base[:len(base)-4]
	}
	return base + "-" + l.System + "-" + l.Action + ".csv"
}

// label is an option's label, or its value when the checklist lacks it.
func label(table *survey.Question, column, value string, tr *i18n.Translator) string {
	if col, ok := table.Column(column); ok {
		if o, ok := col.Option(value); ok {
			return o.Label.In(tr.Lang())
		}
	}
	return value
}

// WriteXLSX writes the lists as one workbook: a summary sheet (system,
// action, number of accounts, sheet), then one sheet per list. Every cell
// is text, and text that looks like a formula is never evaluated.
func WriteXLSX(w io.Writer, table *survey.Question, lists []List, tr *i18n.Translator) error {
	x, err := workbook.NewXLSX(w)
	if err != nil {
		return err
	}
	summary := []string{tr.T("accounts.list.system"), tr.T("accounts.list.action"), tr.T("accounts.list.count"), tr.T("accounts.list.sheet")}
	if err := x.Sheet(tr.T("accounts.list.summary"), summary, 2); err != nil {
		return err
	}
	for _, l := range lists {
		if err := x.Row(label(table, colSystem, l.System, tr), label(table, colAction, l.Action, tr),
			strconv.Itoa(len(l.Rows)), l.SheetName(table, tr)); err != nil {
			return err
		}
	}
	for _, l := range lists {
		headers, rows := l.Table(table, tr)
		if err := x.Sheet(l.SheetName(table, tr), headers); err != nil {
			return err
		}
		for _, r := range rows {
			if err := x.Row(r...); err != nil {
				return err
			}
		}
	}
	return x.Close()
}

// WriteCSV writes one list as CSV with a byte order mark, as Excel opens
// it; text that looks like a formula gets a leading apostrophe.
func WriteCSV(w io.Writer, table *survey.Question, l List, tr *i18n.Translator) error {
	headers, rows := l.Table(table, tr)
	c, err := workbook.NewCSV(w, headers)
	if err != nil {
		return err
	}
	for _, r := range rows {
		if err := c.Row(r...); err != nil {
			return fmt.Errorf("list %s %s: %w", l.System, l.Action, err)
		}
	}
	return c.Close()
}
