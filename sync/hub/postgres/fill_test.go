package postgres_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"mach/checks/diagnose"
	"mach/checks/evidence"
	"mach/checks/probe"
	"mach/checks/runner"
	"mach/sync/protocol"
	"mach/sync/record"
)

// unitRecords is how many records unitEntries makes.
const unitRecords = 200

// unitEntries are a unit's records as its officer's laptop pushes them,
// seqs from 1 of epoch 1: records of every kind the dashboard counts,
// versions from a clock at start.
func unitEntries(t testing.TB, unit, dev string, start time.Time) []record.Entry {
	t.Helper()
	var es []record.Entry
	clock := start.UnixMicro()
	put := func(kind string, body any) {
		data, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		clock += 1000
		r := record.Record{ID: record.NewID(time.UnixMicro(clock)), Kind: kind, Unit: unit, Body: data, Device: dev,
			Version: record.Version{Time: clock, Device: dev}, Author: "Nguyễn Thị Lan", Saved: time.UnixMicro(clock).UTC()}
		es = append(es, record.Entry{Epoch: 1, Seq: uint64(len(es) + 1), Record: r})
	}
	answer := func(q string, v any) { put(record.KindAnswer, map[string]any{"question": q, "value": v}) }
	put(record.KindUnit, map[string]any{"province": unit[:2], "code": unit, "name": "Xã " + unit})
	for i := range 3 {
		put(record.KindFormedFrom, map[string]any{"old_code": fmt.Sprintf("%05d", i), "old_name": "Xã Thanh Tân", "part": "full"})
	}
	answer("officer_name", "Nguyễn Thị Lan")
	answer("officer_position", "Công chức Văn phòng - Thống kê")
	answer("officer_phone", "0912345678")
	answer("has_internet", true)
	answer("internet_provider", "viettel")
	answer("lan_state", "degraded")
	for i := range 25 {
		put(record.KindEquipment, map[string]any{"kind": []string{"desktop", "laptop", "printer", "router"}[i%4],
			"make_model": "Dell OptiPlex 3080", "serial": fmt.Sprintf("CN0%07d", i), "condition": "good"})
	}
	systems := []string{"qlvb", "tthc", "email", "sso", "hntt", "cong", "lgsp"}
	for i := range 91 {
		put("account", map[string]any{"full_name": "Lê Thị Bình", "system": systems[i%len(systems)],
			"account": fmt.Sprintf("binhlt%d", i), "action": []string{"keep", "change", "revoke", "issue"}[i%4]})
	}
	for i := range 30 {
		put("backup", map[string]any{"dataset": fmt.Sprintf("Hồ sơ một cửa %d", 2000+i), "backed_up": true,
			"verified": i%2 == 0, "sha256": strings.Repeat("ab", 32), "minutes_no": "12/BB-UBND"})
	}
	for i := range 5 {
		at := start.Add(time.Duration(i) * time.Hour)
		run := runner.Run{ID: record.NewID(at), Profile: "ninhbinh", ProfileVersion: 3, Network: []string{"internet", "dedicated"}[i%2],
			Started: at, Finished: at.Add(90 * time.Second)}
		for j := range 4 {
			run.Results = append(run.Results, probe.Result{Target: "Cổng dịch vụ công quốc gia", Probe: "http",
				Verdict: []probe.Verdict{probe.Pass, probe.Warn, probe.Fail}[(i+j)%3], Started: at, Elapsed: time.Second})
		}
		put(record.KindCheckRun, evidence.Evidence{Run: run, Findings: []diagnose.Finding{{Rule: "ok", Verdict: probe.Pass, Cause: "Kết nối tốt", Action: "Không cần làm gì"}}})
	}
	for len(es) < unitRecords {
		put("need", map[string]any{"item": "Bộ chuyển mạch 24 cổng", "category": "lan", "quantity": len(es)})
	}
	return es
}

// batches splits entries into push requests of at most
// protocol.MaxBatchEntries.
func batches(dev string, es []record.Entry) []protocol.PushRequest {
	var out []protocol.PushRequest
	for start := 0; start < len(es); start += protocol.MaxBatchEntries {
		out = append(out, protocol.PushRequest{Device: dev, Epoch: es[0].Epoch, Entries: es[start:min(start+protocol.MaxBatchEntries, len(es))]})
	}
	return out
}
