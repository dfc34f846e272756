package accounts

// The review of 5,000 saved account rows, against the survey engine's own
// validation of the same rows, in the same run. Reproduce with
//
//	go test -run='^$' -bench=Review5000 ./checks/accounts/
//
// The rows screen reviews the rows once per change of the rows, not per
// keystroke; review-ms is what a change costs on a large ward's list.

import (
	"fmt"
	"testing"
	"time"

	"mach/assets/i18n"
	"mach/checks/answers"
	"mach/checks/survey"
	"mach/checks/tabular"
)

func BenchmarkReview5000(b *testing.B) {
	c, err := survey.Default()
	if err != nil {
		b.Fatal(err)
	}
	table, err := Table(c)
	if err != nil {
		b.Fatal(err)
	}
	tr := i18n.MustNew(i18n.Vietnamese)
	systems := []string{"qlvb", "tthc", "email", "sso", "cks"}
	actions := []string{"keep", "change", "revoke", "issue"}
	rows := make([]answers.Row, benchRows)
	for i := range rows {
		v := map[string]any{"full_name": fmt.Sprintf("Nguyễn Văn %d", i/5), "position": "Chuyên viên",
			"system": systems[i%5], "action": actions[i%4]}
		switch systems[i%5] {
		case "email":
			v["email"] = fmt.Sprintf("nv%d@ninhbinh.gov.vn", i/5)
		case "cks":
			v["cert_serial"], v["cert_expiry"] = fmt.Sprintf("5401AB%08X", i), "2025-12-20"
		default:
			v["account"] = fmt.Sprintf("nv%d", i/5)
		}
		rows[i] = answers.Row{ID: fmt.Sprintf("r%05d", i), Values: v}
	}
	var review, validate time.Duration
	n := 0
	for b.Loop() {
		t0 := time.Now()
		if got := Review(table, rows, c.EmailDomains, today, tr); len(got) == 0 {
			b.Fatal("no issue found")
		}
		t1 := time.Now()
		for _, r := range rows {
			table.ValidateRow(r.Values, tr)
		}
		t2 := time.Now()
		review, validate = review+t1.Sub(t0), validate+t2.Sub(t1)
		n++
	}
	b.ReportMetric(float64(review.Microseconds())/1000/float64(n), "review-ms")
	b.ReportMetric(float64(validate.Microseconds())/1000/float64(n), "validate-ms")
	b.ReportMetric(float64(review)/float64(validate), "x-validate")
}

// BenchmarkSetTarget5000 times a change of one column's target on the
// import screen (every row of a 5,000-row file checked again), against
// reading the same file into a plan, in the same run. Reproduce with
//
//	go test -run='^$' -bench=SetTarget5000 ./checks/accounts/
func BenchmarkSetTarget5000(b *testing.B) {
	c, err := survey.Default()
	if err != nil {
		b.Fatal(err)
	}
	path := writeBenchFile(b, benchRows)
	im, err := NewImporter(c, nil, today, i18n.MustNew(i18n.Vietnamese))
	if err != nil {
		b.Fatal(err)
	}
	read := func() *Plan {
		r, err := tabular.Open(path, tabular.Options{})
		if err != nil {
			b.Fatal(err)
		}
		defer r.Close()
		p, err := im.Read(r)
		if err != nil {
			b.Fatal(err)
		}
		return p
	}
	p := read()
	// The position column (C) goes out and back.
	targets := []string{"", "position"}
	var set, whole time.Duration
	n := 0
	for b.Loop() {
		t0 := time.Now()
		if err := p.SetTarget(2, targets[n%2]); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		read()
		t2 := time.Now()
		set, whole = set+t1.Sub(t0), whole+t2.Sub(t1)
		n++
	}
	b.ReportMetric(float64(set.Microseconds())/1000/float64(n), "set-ms")
	b.ReportMetric(float64(whole.Microseconds())/1000/float64(n), "read-ms")
	b.ReportMetric(float64(set)/float64(whole), "x-read")
}
