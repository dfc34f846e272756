package accounts

import (
	"strings"
	"unicode"

	"mach/checks/survey"
	"mach/checks/units"
)

// Column ids of the accounts table that the import knows by meaning.
const (
	colFullName   = "full_name"
	colPosition   = "position"
	colDepartment = "department"
	colSystem     = "system"
	colAccount    = "account"
	colEmail      = "email"
	colSerial     = "cert_serial"
	colDevice     = "cert_device"
	colExpiry     = "cert_expiry"
	colAction     = "action"
	colReason     = "reason"
	colNote       = "reason_note"
	colEffective  = "effective_date"
)

// headerAliases are names a spreadsheet may give a column, besides the
// column's own labels in the checklist, folded (see norm).
var headerAliases = map[string][]string{
	colFullName:   {"ho va ten", "ho ten", "ten", "ten can bo", "ho ten can bo", "ho va ten can bo", "can bo", "nguoi su dung", "full name", "name", "staff", "user"},
	colPosition:   {"chuc vu", "chuc danh", "position", "job title", "title"},
	colDepartment: {"phong bo phan", "phong ban", "bo phan", "phong", "don vi cong tac", "department", "unit", "office"},
	colSystem:     {"he thong", "ten he thong", "ma he thong", "he thong thong tin", "system"},
	colAccount:    {"tai khoan", "ten dang nhap", "ten tai khoan", "tai khoan dang nhap", "account", "login", "username", "user name", "user id"},
	colEmail:      {"thu dien tu cong vu", "dia chi thu cong vu", "thu cong vu", "dia chi thu dien tu", "thu dien tu", "hop thu", "email", "e mail", "dia chi email", "official email", "official e mail", "email address", "mail"},
	colSerial:     {"so hieu chung thu so", "so hieu chung thu", "so hieu", "so serial", "serial", "so seri", "seri", "certificate serial", "serial number", "certificate serial number"},
	colDevice:     {"thiet bi luu chung thu so", "thiet bi", "thiet bi ky so", "loai thiet bi", "device", "certificate device", "token"},
	colExpiry:     {"ngay het han", "ngay het han chung thu so", "het han", "han su dung", "expiry", "expires", "expiry date", "certificate expiry", "valid until"},
	colAction:     {"hanh dong", "de nghi", "viec can lam", "thao tac", "yeu cau", "action", "request"},
	colReason:     {"ly do", "ly do de nghi", "reason"},
	colNote:       {"ghi chu ly do", "ly do cu the", "reason note", "note on reason"},
	colEffective:  {"ngay hieu luc", "hieu luc tu ngay", "ngay ap dung", "ngay", "effective date", "effective from", "date"},
}

// ignoredHeaders are columns recognised as a header that the import leaves
// out: row numbers, signatures, general notes.
var ignoredHeaders = []string{"stt", "tt", "so tt", "so thu tu", "no", "ghi chu", "ky nhan", "ky ten", "ky xac nhan", "note", "notes", "signature"}

// forbiddenWords are words of a header that names a secret or an identity
// document number: passwords, PINs, ID-card (CCCD, CMND) and passport
// numbers, personal identification numbers. A file with such a column is
// refused whole. Whole words of the folded header are compared.
var forbiddenWords = []string{"mat khau", "password", "passwd", "pwd", "pass", "mk", "pin", "ma pin",
	"cccd", "cmnd", "cmt", "can cuoc", "can cuoc cong dan", "chung minh nhan dan", "chung minh thu",
	"so dinh danh", "dinh danh ca nhan", "ma dinh danh ca nhan", "id card", "identity card", "identity number",
	"citizen id", "national id", "ho chieu", "passport"}

// norm folds a header or a value for comparison: lower case, no diacritics
// (đ is d), every run of characters other than letters and digits made one
// space.
func norm(s string) string {
	f := units.Fold(s)
	var b strings.Builder
	space := false
	for _, r := range f {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
			continue
		}
		space = true
	}
	return b.String()
}

// withoutParens returns s without the parts in brackets: "Tài khoản (tên
// đăng nhập)" is "Tài khoản".
func withoutParens(s string) string {
	var b strings.Builder
	depth := 0
	for _, r := range s {
		switch {
		case r == '(' || r == '[':
			depth++
		case (r == ')' || r == ']') && depth > 0:
			depth--
		case depth == 0:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// hasWords reports whether the words of phrase appear together, as whole
// words, in the folded text.
func hasWords(folded, phrase string) bool {
	return strings.Contains(" "+folded+" ", " "+phrase+" ")
}

// forbidden reports whether a header names a password or an identity
// number.
func forbidden(header string) bool {
	n := norm(header)
	for _, w := range forbiddenWords {
		if hasWords(n, w) {
			return true
		}
	}
	return false
}

// headerIndex finds a column's target from its header.
type headerIndex struct {
	targets map[string]string
	ignored map[string]bool
}

// newHeaderIndex knows the columns of table by their labels in both
// languages and by the aliases above, for the columns table has.
func newHeaderIndex(table *survey.Question) headerIndex {
	x := headerIndex{targets: map[string]string{}, ignored: map[string]bool{}}
	for _, h := range ignoredHeaders {
		x.ignored[h] = true
	}
	for i := range table.Columns {
		c := &table.Columns[i]
		for _, name := range []string{c.Label.VI, c.Label.EN, withoutParens(c.Label.VI), withoutParens(c.Label.EN), c.ID} {
			if n := norm(name); n != "" {
				x.targets[n] = c.ID
			}
		}
	}
	for i := range table.Columns {
		id := table.Columns[i].ID
		for _, a := range headerAliases[id] {
			if _, taken := x.targets[a]; !taken {
				x.targets[a] = id
			}
		}
	}
	return x
}

// target returns the column a header names, "" when none; ignored reports a
// known header left out on purpose.
func (x headerIndex) target(header string) (target string, ignored bool) {
	for _, h := range []string{header, withoutParens(header)} {
		n := norm(h)
		if t, ok := x.targets[n]; ok {
			return t, false
		}
		if x.ignored[n] {
			return "", true
		}
	}
	return "", false
}
