package hub

// Benchmarks of the read side over a national hub: 3,321 units with 200
// records each, filled through Push. Reproduce with
//
//	go test -run='^$' -bench=National -benchtime=5x -timeout=30m ./sync/hub/
//
// Summaries/x-bare is the target of the dashboard issue: the dashboard's
// summary of every unit costs at most 2 times a bare scan of the same
// records in bbolt (a read transaction walking the log, every value
// touched), measured in the same run. Export reports the province report's
// time, peak heap and size, as XLSX and as CSV.

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.etcd.io/bbolt"

	"mach/checks/diagnose"
	"mach/checks/evidence"
	"mach/checks/probe"
	"mach/checks/runner"
	"mach/checks/units"
	"mach/sync/protocol"
	"mach/sync/record"
	"mach/sync/report"
)

// benchRecordsPerUnit is the records each unit of the national benchmark
// holds.
const benchRecordsPerUnit = 200

// nationalHub fills a hub file with every unit of the country, each with
// benchRecordsPerUnit records of every kind an officer writes, pushed by
// one device per unit, and refreshes every summary. It returns the open
// hub and the units.
func nationalHub(b *testing.B) (*Bolt, []units.Unit) {
	b.Helper()
	dir, err := units.Load()
	if err != nil {
		b.Fatal(err)
	}
	var all []units.Unit
	for _, p := range dir.Provinces() {
		all = append(all, dir.Units(p.Code)...)
	}
	h, err := OpenBolt(filepath.Join(b.TempDir(), "hub.db"), BoltOptions{NoSync: true})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { h.Close() })
	start := time.Now()
	for _, u := range all {
		dev := record.NewID(time.Now())
		code, err := h.NewCode(u.Code, time.Hour)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := h.Enroll(protocol.EnrollRequest{Code: code, Device: dev, Name: "máy " + u.Code}); err != nil {
			b.Fatal(err)
		}
		if _, err := h.Push(dev, u.Code, protocol.PushRequest{Device: dev, Epoch: 1, Entries: unitEntries(b, u, dev)}); err != nil {
			b.Fatal(err)
		}
	}
	if err := h.refreshDirty(); err != nil {
		b.Fatal(err)
	}
	info, _ := os.Stat(h.db.Path())
	b.Logf("filled %d units × %d records in %v; hub file %d MB", len(all), benchRecordsPerUnit, time.Since(start).Round(time.Second), info.Size()>>20)
	return h, all
}

// unitEntries are a unit's records as its officer's laptop pushes them.
func unitEntries(b *testing.B, u units.Unit, dev string) []record.Entry {
	var es []record.Entry
	clock := time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC).UnixMicro()
	put := func(kind string, body any) {
		data, err := json.Marshal(body)
		if err != nil {
			b.Fatal(err)
		}
		clock += 1000
		r := record.Record{ID: record.NewID(time.UnixMicro(clock)), Kind: kind, Unit: u.Code, Body: data, Device: dev,
			Version: record.Version{Time: clock, Device: dev}, Author: "Nguyễn Thị Lan", Saved: time.UnixMicro(clock)}
		es = append(es, record.Entry{Epoch: 1, Seq: uint64(len(es) + 1), Record: r})
	}
	answer := func(q string, v any) { put(record.KindAnswer, map[string]any{"question": q, "value": v}) }
	put(record.KindUnit, map[string]any{"province": u.Province, "code": u.Code, "name": u.Name})
	for i := range 3 {
		put(record.KindFormedFrom, map[string]any{"old_code": fmt.Sprintf("%05d", i), "old_name": "Xã Thanh Tân", "part": "full"})
	}
	answer("officer_name", "Nguyễn Thị Lan")
	answer("officer_position", "Công chức Văn phòng - Thống kê")
	answer("officer_phone", "0912345678")
	answer("officer_email", "lan.nt@ninhbinh.gov.vn")
	answer("has_tslcd", true)
	answer("tslcd_provider", "vnpt")
	answer("tslcd_bandwidth", 20.0)
	answer("has_internet", true)
	answer("internet_provider", "viettel")
	answer("internet_bandwidth", 200.0)
	answer("lan_state", "degraded")
	answer("has_wifi", true)
	answer("link_notes", "Cáp quang VNPT đến trụ sở, Wi-Fi phủ tầng 1 và 2")
	for i := range 25 {
		put(record.KindEquipment, map[string]any{"kind": []string{"desktop", "laptop", "printer", "router"}[i%4],
			"make_model": "Dell OptiPlex 3080", "serial": fmt.Sprintf("CN0%07d", i), "year": 2019, "os": "Windows 10 Pro",
			"condition": "good", "location": "Bộ phận một cửa", "user": "Trần Văn An"})
	}
	systems := []string{"qlvb", "tthc", "email", "sso", "hntt", "cong", "lgsp", "baocao", "ecabinet", "motcua", "ioc", "dulieu", "csdl", "cks"}
	for _, s := range systems {
		put("system", map[string]any{"system": s, "in_use": true, "accounts": 12, "reconfigure": []string{"unit_code", "permissions"},
			"problems": "Chưa cập nhật mã đơn vị mới"})
	}
	for i := range 91 {
		put("account", map[string]any{"full_name": "Lê Thị Bình", "position": "Chuyên viên", "department": "Văn phòng HĐND và UBND",
			"system": systems[i%len(systems)], "account": fmt.Sprintf("binhlt%d", i), "email": "binhlt@ninhbinh.gov.vn",
			"action": []string{"keep", "change", "revoke", "issue"}[i%4], "reason": "unit_merged", "effective_date": "2026-12-01"})
	}
	for i := range 30 {
		put("backup", map[string]any{"dataset": fmt.Sprintf("Hồ sơ một cửa %d", 2000+i), "old_unit": "Xã Thanh Tân", "system": "motcua",
			"backed_up": true, "location": "Ổ cứng ngoài WD 2TB", "backup_date": "2026-11-20", "done_by": "Nguyễn Thị Lan",
			"verified": i%2 == 0, "sha256": strings.Repeat("ab", 32), "minutes_no": "12/BB-UBND", "handover_date": "2026-11-25"})
	}
	for range 8 {
		put("need", map[string]any{"item": "Bộ chuyển mạch 24 cổng", "category": "lan", "quantity": 2, "reason": "Mạng nội bộ xuống cấp", "estimated_cost": 12500000})
	}
	for range 10 {
		put("training", map[string]any{"trainee": "Nguyễn Thị Lan", "position": "Chuyên viên", "system": "sso", "topic": "Đăng nhập một lần", "priority": "high"})
	}
	for i := range 5 {
		at := time.Date(2026, 11, 20+i, 9, 0, 0, 0, time.UTC)
		run := runner.Run{ID: record.NewID(at), Profile: "ninhbinh", ProfileVersion: 3, Network: []string{"internet", "dedicated"}[i%2],
			Started: at, Finished: at.Add(90 * time.Second)}
		for j := range 12 {
			run.Results = append(run.Results, probe.Result{Target: "Cổng dịch vụ công quốc gia", Probe: "http", Verdict: probe.Pass,
				Reason: "ok", Figures: map[string]float64{"connect_ms": 12.5, "ttfb_ms": 80 + float64(j)},
				Details: map[string]string{"address": "203.162.10.10:443", "status": "200 OK"}, Started: at, Elapsed: time.Second})
		}
		put(record.KindCheckRun, evidence.Evidence{Run: run, Findings: []diagnose.Finding{{Rule: "ok", Verdict: probe.Pass, Cause: "Kết nối tốt", Action: "Không cần làm gì"}}})
	}
	if len(es) != benchRecordsPerUnit {
		b.Fatalf("%d records a unit, want %d", len(es), benchRecordsPerUnit)
	}
	return es
}

// bareScan walks every record the hub logged in one read transaction,
// touching each value: the least reading them all can cost.
func bareScan(b *testing.B, h *Bolt) int {
	n := 0
	err := h.db.View(func(tx *bbolt.Tx) error {
		c := tx.Bucket(bucketLog).Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			n += len(v)
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return n
}

// BenchmarkNational fills the national hub once and measures, in the same
// run, the dashboard's summaries against the bare scan, then the report.
func BenchmarkNational(b *testing.B) {
	h, all := nationalHub(b)
	codes := make([]string, len(all))
	for i, u := range all {
		codes[i] = u.Code
	}
	b.Run("Summaries", func(b *testing.B) {
		var bare, sums, encoded time.Duration
		for b.Loop() {
			t0 := time.Now()
			bareScan(b, h)
			t1 := time.Now()
			s, err := h.Summaries(codes)
			if err != nil || len(s) != len(codes) || s[0].Records != benchRecordsPerUnit {
				b.Fatalf("summaries: %v", err)
			}
			t2 := time.Now()
			if _, err := json.Marshal(protocol.UnitsResponse{Units: s}); err != nil {
				b.Fatal(err)
			}
			t3 := time.Now()
			bare += t1.Sub(t0)
			sums += t2.Sub(t1)
			encoded += t3.Sub(t1)
		}
		b.ReportMetric(float64(bare.Milliseconds())/float64(b.N), "bare-ms")
		b.ReportMetric(float64(sums.Milliseconds())/float64(b.N), "summaries-ms")
		b.ReportMetric(float64(sums)/float64(bare), "x-bare")
		b.ReportMetric(float64(encoded)/float64(bare), "json-x-bare")
	})
	// Refresh: what the hub pays, in the background, to recompute every
	// summary from the records, as after a new checklist is published.
	b.Run("Refresh", func(b *testing.B) {
		var bare, refresh time.Duration
		for b.Loop() {
			if err := h.db.Update(markAllDirty); err != nil {
				b.Fatal(err)
			}
			t0 := time.Now()
			bareScan(b, h)
			t1 := time.Now()
			if err := h.refreshDirty(); err != nil {
				b.Fatal(err)
			}
			t2 := time.Now()
			bare += t1.Sub(t0)
			refresh += t2.Sub(t1)
		}
		b.ReportMetric(float64(refresh.Milliseconds())/float64(b.N), "refresh-ms")
		b.ReportMetric(float64(refresh)/float64(bare), "x-bare")
	})
	var ninhBinh []units.Unit
	for _, u := range all {
		if u.Province == units.NinhBinh {
			ninhBinh = append(ninhBinh, u)
		}
	}
	scopes := []struct {
		name  string
		units []units.Unit
	}{{"national", all}, {"province37", ninhBinh}}
	for _, scope := range scopes {
		for _, format := range []string{protocol.ReportXLSX, protocol.ReportCSV} {
			b.Run("Export-"+format+"-"+scope.name, func(b *testing.B) {
				benchExport(b, h, format, scope.units)
			})
		}
	}
}

// benchExport writes the report of us in format to a file, b.N times, and
// reports its time, the peak heap while it is written and the file's size.
func benchExport(b *testing.B, h *Bolt, format string, us []units.Unit) {
	var peak uint64
	var size int64
	for b.Loop() {
		f, err := os.Create(filepath.Join(b.TempDir(), "report."+format))
		if err != nil {
			b.Fatal(err)
		}
		sampler := sampleHeap(5 * time.Millisecond)
		if format == protocol.ReportXLSX {
			err = report.WriteXLSX(f, h, report.Options{Units: us})
		} else {
			err = report.WriteCSVZip(f, h, report.Options{Units: us})
		}
		peak = max(peak, sampler.end())
		if err != nil {
			b.Fatal(err)
		}
		size, _ = f.Seek(0, io.SeekCurrent)
		f.Close()
	}
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/export")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(size)/(1<<20), "file-MB")
}
