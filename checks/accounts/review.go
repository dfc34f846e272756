package accounts

import (
	"errors"
	"slices"
	"strings"
	"time"

	"mach/assets/i18n"
	"mach/checks/answers"
	"mach/checks/survey"
)

// Severity says whether an issue must be fixed or only deserves a look.
type Severity int

// The severities of an issue.
const (
	// SeverityError is a fault: the import refuses such a row.
	SeverityError Severity = iota + 1
	// SeverityWarning deserves a look; the row is acceptable as it is.
	SeverityWarning
)

// Issue is one thing wrong with a saved account row, said in the
// translator's language.
type Issue struct {
	Severity Severity
	Message  string
}

// Review applies the import's checks to the account rows already saved: a
// plausible e-mail address and what else the checklist asks of each column,
// the same account (or the same person, without an account) twice in one
// system, no identity number as an account, no serial lost to Excel's
// exponent form, a reason for each revocation, an address outside the
// official domains (a warning; none when domains is empty) and a
// certificate expired or expiring within 30 days of today (a warning). It
// returns the issues of each row that has any, by row ID, errors first.
func Review(table *survey.Question, rows []answers.Row, domains []string, today time.Time, tr *i18n.Translator) map[string][]Issue {
	c := checker{table: table, domains: domains, today: today, tr: tr}
	out := map[string][]Issue{}
	add := func(id string, sev Severity, msgs ...string) {
		for _, m := range msgs {
			out[id] = append(out[id], Issue{Severity: sev, Message: m})
		}
	}
	first := seen{}
	for i, r := range rows {
		keys := identities(r.Values)
		if j, dup := first.find(keys); dup {
			other := rows[j]
			add(r.ID, SeverityError, c.duplicate(r.Values, 0, name(other.Values)))
			if len(out[other.ID]) == 0 {
				// The first of the rows names the second.
				add(other.ID, SeverityError, c.duplicate(other.Values, 0, name(r.Values)))
			}
		} else {
			first.add(keys, i)
		}
	}
	for _, r := range rows {
		bad, warn := c.check(r.Values, nil)
		add(r.ID, SeverityError, bad...)
		add(r.ID, SeverityWarning, warn...)
	}
	for id, issues := range out {
		slices.SortStableFunc(issues, func(a, b Issue) int { return int(a.Severity) - int(b.Severity) })
		out[id] = issues
	}
	return out
}

func name(values map[string]any) string {
	s, _ := values[colFullName].(string)
	return s
}

// checker applies the checks of one row, for an import and for a review of
// the saved rows.
type checker struct {
	table   *survey.Question
	domains []string
	today   time.Time
	tr      *i18n.Translator
}

// check applies the checks to a row's final values (a column in failed is
// not checked again): what the checklist asks of each column, no identity
// number as an account, no serial lost to Excel's exponent form, a reason
// for each revocation; and warns of an address outside the official domains
// and of a certificate about to expire.
func (c checker) check(values map[string]any, failed map[string]bool) (bad, warn []string) {
	tr, lang := c.tr, c.tr.Lang()
	label := func(id string) string {
		if col, ok := c.table.Column(id); ok {
			return col.Label.In(lang)
		}
		return id
	}
	str := func(id string) string { s, _ := values[id].(string); return s }
	errs := c.table.ValidateRow(values, tr)
	for _, col := range c.table.Columns {
		err := errs[col.ID]
		switch l := col.Label.In(lang); {
		case err == nil, failed[col.ID]:
		case errors.Is(err, survey.ErrRequired):
			bad = append(bad, l+": "+tr.T("accounts.error.empty"))
		case strings.HasPrefix(err.Error(), l):
			bad = append(bad, err.Error())
		default:
			bad = append(bad, l+": "+err.Error())
		}
	}
	if idNumber.MatchString(str(colAccount)) {
		bad = append(bad, label(colAccount)+": "+tr.T("accounts.error.id_number"))
	}
	if scientific.MatchString(str(colSerial)) {
		bad = append(bad, label(colSerial)+": "+tr.T("accounts.error.scientific", str(colSerial)))
	}
	if str(colAction) == "revoke" && str(colReason) == "" && str(colNote) == "" {
		bad = append(bad, label(colReason)+": "+tr.T("accounts.error.revoke_reason"))
	}
	if len(c.domains) > 0 && errs[colEmail] == nil {
		addresses := []string{str(colEmail)}
		if str(colSystem) == "email" && strings.Contains(str(colAccount), "@") {
			addresses = append(addresses, str(colAccount))
		}
		for _, a := range addresses {
			if a != "" && !underDomain(a, c.domains) {
				warn = append(warn, tr.T("accounts.warn.domain", a, strings.Join(c.domains, ", ")))
			}
		}
	}
	if exp, err := time.Parse(isoDate, str(colExpiry)); err == nil && str(colAction) != "revoke" {
		today := time.Date(c.today.Year(), c.today.Month(), c.today.Day(), 0, 0, 0, 0, time.UTC)
		switch left := exp.Sub(today); {
		case left < 0:
			warn = append(warn, tr.T("accounts.warn.expired", tr.Date(exp)))
		case left <= expiryWarning:
			warn = append(warn, tr.T("accounts.warn.expires", tr.Date(exp), int(left.Hours()/24)))
		}
	}
	return bad, warn
}

// duplicate says which other row a row repeats: by its line in the file,
// or, when line is 0, by the name of the person on the other row (a saved
// row has no line).
func (c checker) duplicate(values map[string]any, line int, other string) string {
	byAccount := slices.ContainsFunc([]string{colAccount, colEmail, colSerial}, func(id string) bool {
		s, _ := values[id].(string)
		return s != ""
	})
	switch {
	case byAccount && line > 0:
		return c.tr.T("accounts.error.duplicate", line)
	case byAccount:
		return c.tr.T("accounts.review.duplicate", other)
	case line > 0:
		return c.tr.T("accounts.error.duplicate_person", name(values), line)
	default:
		return c.tr.T("accounts.review.duplicate_person", name(values))
	}
}

// seen remembers the rows met so far by their identities (see identities):
// their line in a file, or their place among the saved rows.
type seen map[string]int

// find returns the first row met that shares one of keys.
func (s seen) find(keys []string) (int, bool) {
	for _, k := range keys {
		if at, ok := s[k]; ok {
			return at, true
		}
	}
	return 0, false
}

// add remembers the row at with identities keys.
func (s seen) add(keys []string, at int) {
	for _, k := range keys {
		s[k] = at
	}
}

// identities are what make two rows of one system the same account: the
// account name and the address (one namespace, as a mailbox's account is
// often its address) and the certificate serial, in lower case; a row with
// none of them is known by the person's name. Rows sharing any identity
// are the same account.
func identities(values map[string]any) []string {
	sys, _ := values[colSystem].(string)
	var out []string
	for _, c := range []string{colAccount, colEmail, colSerial} {
		if s, _ := values[c].(string); strings.TrimSpace(s) != "" {
			kind := "id:"
			if c == colSerial {
				kind = "serial:"
			}
			if k := sys + "|" + kind + strings.ToLower(strings.TrimSpace(s)); !slices.Contains(out, k) {
				out = append(out, k)
			}
		}
	}
	if len(out) == 0 {
		out = append(out, sys+"|name:"+norm(name(values)))
	}
	return out
}
