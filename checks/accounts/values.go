package accounts

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"

	unorm "golang.org/x/text/unicode/norm"

	"mach/checks/survey"
)

// isoDate is how the survey engine stores a date.
const isoDate = "2006-01-02"

// clean trims a cell, puts it in Unicode NFC (Vietnamese keyboards write
// both forms), joins runs of white space, and takes off the apostrophe that
// mach's own CSV export puts before text that looks like a formula.
func clean(cell string) string {
	s := cell
	if !unorm.NFC.IsNormalString(s) {
		s = unorm.NFC.String(s)
	}
	if !tidy(s) {
		s = strings.Join(strings.Fields(s), " ")
	}
	if len(s) > 1 && s[0] == '\'' && strings.ContainsRune("=+-@", rune(s[1])) {
		s = s[1:]
	}
	return s
}

// tidy reports whether s has no white space but single spaces between
// words.
func tidy(s string) bool {
	prev := ' '
	for _, r := range s {
		if unicode.IsSpace(r) && (r != ' ' || prev == ' ') {
			return false
		}
		prev = r
	}
	return prev != ' ' || s == ""
}

// optionIndex finds the option a cell names: by its value, its labels in
// both languages (with and without the part in brackets), or an alias. It
// remembers the cells it has seen, as a list repeats the same few names; it
// is not safe for concurrent use.
type optionIndex struct {
	names map[string]string
	seen  map[string]string
}

func newOptionIndex(q *survey.Question, aliases map[string][]string) optionIndex {
	x := optionIndex{names: map[string]string{}, seen: map[string]string{}}
	for _, o := range q.Options {
		for _, name := range []string{o.Value, o.Label.VI, o.Label.EN, withoutParens(o.Label.VI), withoutParens(o.Label.EN)} {
			if n := norm(name); n != "" {
				x.names[n] = o.Value
			}
		}
	}
	for _, o := range q.Options {
		for _, a := range aliases[o.Value] {
			if _, taken := x.names[a]; !taken {
				x.names[a] = o.Value
			}
		}
	}
	return x
}

// maxSeen bounds what an optionIndex remembers.
const maxSeen = 1000

// find returns the option value cell names.
func (x optionIndex) find(cell string) (string, bool) {
	if v, ok := x.seen[cell]; ok {
		return v, v != ""
	}
	v := ""
	for _, s := range []string{cell, withoutParens(cell)} {
		if found, ok := x.names[norm(s)]; ok {
			v = found
			break
		}
	}
	if len(x.seen) < maxSeen {
		x.seen[cell] = v
	}
	return v, v != ""
}

// systemAliases are the short and common names of the systems.
var systemAliases = map[string][]string{
	"qlvb":     {"quan ly van ban", "quan ly van ban va dieu hanh", "van ban dieu hanh", "qlvbdh", "vbdh", "document management", "documents"},
	"tthc":     {"thu tuc hanh chinh", "giai quyet thu tuc hanh chinh", "he thong thu tuc hanh chinh", "dich vu cong", "administrative procedures", "public services"},
	"email":    {"thu cong vu", "thu dien tu cong vu", "thu dien tu", "e mail", "mail", "official email", "official e mail"},
	"sso":      {"xac thuc tap trung", "dang nhap mot lan", "single sign on"},
	"hntt":     {"hoi nghi truc tuyen", "hop truc tuyen", "video conference"},
	"cong":     {"cong thong tin", "cong thong tin dien tu", "portal"},
	"lgsp":     {"ndxp", "truc lien thong", "data sharing"},
	"baocao":   {"bao cao", "he thong bao cao", "reporting"},
	"ecabinet": {"phong hop khong giay", "e cabinet"},
	"motcua":   {"giam sat mot cua"},
	"ioc":      {"dieu hanh thong minh"},
	"dulieu":   {"kho du lieu", "du lieu mo", "open data"},
	"csdl":     {"co so du lieu", "csdl quoc gia", "databases"},
	"cks":      {"chu ky so", "chu ky so chuyen dung", "chung thu so", "ky so", "digital signature", "certificate", "ca"},
}

// actionAliases are the words people write for each action.
var actionAliases = map[string][]string{
	"keep":   {"giu", "giu nguyen", "giu lai", "khong doi", "tiep tuc su dung", "keep", "no change", "unchanged"},
	"change": {"thay doi", "doi", "sua", "sua doi", "cap nhat", "doi ten", "chuyen", "change", "update", "rename", "modify"},
	"revoke": {"thu hoi", "huy", "khoa", "xoa", "ngung", "ngung su dung", "vo hieu hoa", "revoke", "delete", "disable", "remove", "close"},
	"issue":  {"cap moi", "cap", "tao", "tao moi", "dang ky moi", "mo moi", "issue", "issue new", "new", "create", "add"},
}

// deviceAliases are the names of the devices that hold a certificate.
var deviceAliases = map[string][]string{
	"usb_token": {"token", "usb", "usb token", "token usb", "etoken"},
	"sim_pki":   {"sim", "sim pki", "pki sim", "sim ca", "sim ky so"},
	"other":     {"khac", "other"},
}

// reasonWords are words that, found in a reason written out, tell its
// code; the text itself is kept as the reason's note.
var reasonWords = map[string][]string{
	"transfer":        {"chuyen cong tac", "dieu dong", "luan chuyen", "biet phai", "chuyen don vi", "transfer", "transferred"},
	"position_change": {"thay doi chuc vu", "doi chuc vu", "bo nhiem", "mien nhiem", "position"},
	"retired":         {"nghi huu", "thoi viec", "nghi viec", "nghi che do", "retired", "retirement", "resigned", "left"},
	"unit_merged":     {"sap nhap", "giai the", "hop nhat", "sap xep", "merged", "merger", "dissolved"},
	"info_change":     {"thay doi thong tin", "doi thong tin", "doi dia chi", "sai thong tin", "details"},
	"device_lost":     {"mat thiet bi", "hong thiet bi", "mat token", "hong token", "mat sim", "hong sim", "that lac", "lost", "broken"},
}

// reason maps a written reason to a reason code and a note: a reason that is
// one of the options' labels, values or aliases has no note; any other text
// is kept as the note, under the code its words point to, or "other".
func reason(x optionIndex, cell string) (code, note string) {
	if v, ok := x.find(cell); ok {
		return v, ""
	}
	n := norm(cell)
	found := ""
	for code, words := range reasonWords {
		for _, w := range words {
			if hasWords(n, w) {
				if found != "" && found != code {
					return "other", cell
				}
				found = code
			}
		}
	}
	if found == "" {
		found = "other"
	}
	return found, cell
}

// Date forms a spreadsheet gives.
var (
	dayFirst   = regexp.MustCompile(`^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$`)
	yearFirst  = regexp.MustCompile(`^(\d{4})[/.-](\d{1,2})[/.-](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$`)
	serialDate = regexp.MustCompile(`^\d{1,7}(?:\.\d+)?$`)
)

// excelEpoch is day 0 of Excel's serial dates, for days after 28/02/1900
// (Excel counts a 29/02/1900 that never was).
var excelEpoch = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)

// maxSerial is Excel's last date, 31/12/9999.
const maxSerial = 2958465

// parseDate reads dd/mm/yyyy (also with - or .), yyyy-mm-dd (with a time
// after it, as some programs write) or an Excel serial day number, and
// returns the date as the survey engine stores it.
func parseDate(s string) (string, bool) {
	var y, m, d int
	switch {
	case dayFirst.MatchString(s):
		p := dayFirst.FindStringSubmatch(s)
		d, m, y = atoi(p[1]), atoi(p[2]), atoi(p[3])
	case yearFirst.MatchString(s):
		p := yearFirst.FindStringSubmatch(s)
		y, m, d = atoi(p[1]), atoi(p[2]), atoi(p[3])
	case serialDate.MatchString(s):
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || f < 61 || f > maxSerial {
			return "", false
		}
		return excelEpoch.AddDate(0, 0, int(math.Floor(f))).Format(isoDate), true
	default:
		return "", false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d || int(t.Month()) != m || t.Year() != y {
		return "", false
	}
	return t.Format(isoDate), true
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// Values that must not be stored.
var (
	// idNumber is an ID-card number: 12 digits (CCCD) or 9 (CMND).
	idNumber = regexp.MustCompile(`^(\d{12}|\d{9})$`)
	// scientific is a number Excel has shown in exponent form, digits lost.
	scientific = regexp.MustCompile(`^\d(?:[.,]\d+)?[eE]\+?\d+$`)
)

// underDomain reports whether the address's domain is one of domains or
// below one.
func underDomain(address string, domains []string) bool {
	at := strings.LastIndexByte(address, '@')
	if at < 0 {
		return false
	}
	d := strings.ToLower(address[at+1:])
	for _, want := range domains {
		if d == want || strings.HasSuffix(d, "."+want) {
			return true
		}
	}
	return false
}
