package rows

// The accounts table with 5,000 rows, as a large ward's staff list with
// every system gives: a keystroke in the filter (the rows narrowed, sorted,
// drawn again) against a bare bubbles table given the same 5,000 rows and
// drawn. Reproduce with
//
//	go test -run='^$' -bench=Accounts5000 ./tui/rows/
//
// ms/key is what the officer waits for after each key; x-bare the ratio to
// the bare table's redraw.

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"charm.land/bubbles/v2/table"

	"mach/sync/record"
	"mach/tui/app/apptest"
)

func BenchmarkAccounts5000FilterKeystroke(b *testing.B) {
	sh := apptest.Shared(b)
	apptest.WithUnit(b, sh)
	q, _ := sh.Checklist.Question("accounts")
	systems := []string{"qlvb", "tthc", "email", "sso", "cks"}
	actions := []string{"keep", "change", "revoke", "issue"}
	start := time.Date(2025, 7, 1, 8, 0, 0, 0, time.UTC)
	for i := range 5000 {
		body, _ := json.Marshal(map[string]any{
			"full_name": fmt.Sprintf("Nguyễn Văn %d", i/5), "position": "Chuyên viên",
			"system": systems[i%5], "account": fmt.Sprintf("nv%d@ninhbinh.gov.vn", i/5), "action": actions[i%4],
		})
		at := start.Add(time.Duration(i) * time.Second)
		r := record.Record{ID: record.NewID(at), Kind: q.Kind, Unit: "13285", Body: body,
			Version: record.Version{Time: at.UnixMicro(), Device: "bench"}}
		if _, err := sh.Sheet.Apply(r); err != nil {
			b.Fatal(err)
		}
	}
	m := New(sh, q)
	m.SetSize(120, 40)
	m, _ = m.Update(apptest.Key("/"))
	m, _ = m.Update(apptest.Key("o"))
	bareRows := make([]table.Row, 0, 5000)
	for _, r := range sh.Sheet.Rows(q.ID) {
		bareRows = append(bareRows, table.Row{fmt.Sprint(r.Values["full_name"]), fmt.Sprint(r.Values["system"]),
			fmt.Sprint(r.Values["account"]), fmt.Sprint(r.Values["action"])})
	}
	bare := table.New(table.WithColumns([]table.Column{{Title: "a", Width: 28}, {Title: "b", Width: 28},
		{Title: "c", Width: 28}, {Title: "d", Width: 28}}), table.WithHeight(31), table.WithWidth(118))

	var ours, base time.Duration
	keys := []string{"1", "backspace"}
	i := 0
	for b.Loop() {
		t0 := time.Now()
		m, _ = m.Update(apptest.Key(keys[i%2]))
		_ = m.View()
		t1 := time.Now()
		bare.SetRows(bareRows)
		_ = bare.View()
		t2 := time.Now()
		ours, base = ours+t1.Sub(t0), base+t2.Sub(t1)
		i++
	}
	b.ReportMetric(float64(ours.Microseconds())/1000/float64(i), "ms/key")
	b.ReportMetric(float64(base.Microseconds())/1000/float64(i), "bare-ms")
	b.ReportMetric(float64(ours)/float64(base), "x-bare")
}
