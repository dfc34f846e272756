package accounts

// The import of a 5,000-row change list, against what reading the same file
// and writing the same rows costs by hand, in the same run. Reproduce with
//
//	go test -run='^$' -bench=Import5000 -benchmem -count=3 ./checks/accounts/
//
// x-baseline is the import's median over the baseline's median: the
// baseline reads the file with encoding/csv and writes the rows' bodies to a
// bare bbolt file in one transaction; the import sniffs the file, maps and
// checks every row, and saves each row through the store (the record and its
// outbox entry) in one transaction.

import (
	"encoding/binary"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"go.etcd.io/bbolt"

	"mach/assets/i18n"
	"mach/checks/survey"
	"mach/checks/tabular"
	"mach/sync/record"
	"mach/sync/store"
)

const benchRows = 5000

// writeBenchFile writes a change list of n rows as Excel's CSV UTF-8.
func writeBenchFile(b *testing.B, n int) string {
	b.Helper()
	var sb strings.Builder
	sb.WriteString("\uFEFFSTT,Họ và tên,Chức vụ,Phòng/bộ phận,Hệ thống,Tài khoản,Thư điện tử công vụ,Số hiệu chứng thư số,Thiết bị,Ngày hết hạn,Hành động,Lý do,Ngày hiệu lực\r\n")
	systems := []string{"qlvb", "Hệ thống thông tin giải quyết thủ tục hành chính", "email", "SSO", "cks", "Hệ thống hội nghị trực tuyến"}
	actions := []string{"giữ nguyên", "thay đổi", "thu hồi", "cấp mới"}
	reasons := []string{"Chuyển công tác", "Nghỉ hưu / thôi việc", "Đơn vị giải thể / sáp nhập", "Mất token ngày 02/07/2025"}
	for i := range n {
		sys, act := systems[i%len(systems)], actions[(i/len(systems))%len(actions)]
		reason, serial, device, expiry := "", "", "", ""
		if act != "giữ nguyên" {
			reason = reasons[i%len(reasons)]
		}
		account, email := fmt.Sprintf("canbo%05d", i), ""
		switch sys {
		case "email":
			account, email = "", fmt.Sprintf("canbo%05d@ninhbinh.gov.vn", i)
		case "cks":
			account, serial, device, expiry = "", fmt.Sprintf("540101AB%08X", i), "USB Token", "31/12/2027"
		}
		fmt.Fprintf(&sb, "%d,Nguyễn Văn Cán Bộ %d,\"Công chức Văn hoá, Xã hội\",Văn phòng,%s,%s,%s,%s,%s,%s,%s,%s,01/07/2025\r\n",
			i+1, i, sys, account, email, serial, device, expiry, act, reason)
	}
	p := filepath.Join(b.TempDir(), "list.csv")
	if err := os.WriteFile(p, []byte(sb.String()), 0o600); err != nil {
		b.Fatal(err)
	}
	return p
}

// benchImport is one import through the real parts.
type benchImport struct {
	path string
	c    *survey.Checklist
	tr   *i18n.Translator
	st   *store.Store
	// plans and saves are the times of each part of each run.
	plans, saves []time.Duration
}

func (bi *benchImport) run() (int, error) {
	start := time.Now()
	im, err := NewImporter(bi.c, nil, today, bi.tr)
	if err != nil {
		return 0, err
	}
	r, err := tabular.Open(bi.path, tabular.Options{})
	if err != nil {
		return 0, err
	}
	p, err := im.Read(r)
	r.Close()
	if err != nil {
		return 0, err
	}
	changes, err := p.Changes()
	if err != nil {
		return 0, fmt.Errorf("%w: %v %v", err, p.Errors, p.Bad[:min(len(p.Bad), 3)])
	}
	planned := time.Now()
	bi.plans = append(bi.plans, planned.Sub(start))
	defer func() { bi.saves = append(bi.saves, time.Since(planned)) }()
	err = bi.st.Write(func(w *store.Writer) error {
		for _, c := range changes {
			if _, err := w.Put(c.Kind, c.ID, c.Body); err != nil {
				return err
			}
		}
		return nil
	})
	return len(changes), err
}

// bareImport reads the file with encoding/csv and writes the same bodies
// with bare bbolt, one transaction.
type bareImport struct {
	path   string
	db     *bbolt.DB
	bodies [][]byte
	key    []byte
	n      uint64
}

func (ba *bareImport) run() (int, error) {
	f, err := os.Open(ba.path)
	if err != nil {
		return 0, err
	}
	rows, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil {
		return 0, err
	}
	err = ba.db.Update(func(tx *bbolt.Tx) error {
		bucket, err := tx.CreateBucketIfNotExists([]byte(Kind))
		if err != nil {
			return err
		}
		for i := range rows[1:] {
			ba.n++
			binary.BigEndian.PutUint64(ba.key[len(ba.key)-8:], ba.n)
			if err := bucket.Put(ba.key, ba.bodies[i]); err != nil {
				return err
			}
		}
		return nil
	})
	return len(rows) - 1, err
}

func setUpBench(b *testing.B) (*benchImport, *bareImport) {
	b.Helper()
	c, err := survey.Default()
	if err != nil {
		b.Fatal(err)
	}
	path := writeBenchFile(b, benchRows)
	st, err := store.Open(filepath.Join(b.TempDir(), "mach.db"), store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	if err := st.Write(func(w *store.Writer) error { return w.SetMeta(store.MetaUnit, "14611") }); err != nil {
		b.Fatal(err)
	}
	bi := &benchImport{path: path, c: c, tr: i18n.MustNew(i18n.Vietnamese), st: st}

	// The bare write stores the bodies the import saves.
	im, _ := NewImporter(c, nil, today, bi.tr)
	r, err := tabular.Open(path, tabular.Options{})
	if err != nil {
		b.Fatal(err)
	}
	p, err := im.Read(r)
	r.Close()
	if err != nil {
		b.Fatal(err)
	}
	changes, err := p.Changes()
	if err != nil || len(changes) != benchRows {
		b.Fatalf("%d changes, %v: %v", len(changes), err, p.Bad[:min(len(p.Bad), 3)])
	}
	db, err := bbolt.Open(filepath.Join(b.TempDir(), "bare.db"), 0o600, &bbolt.Options{Timeout: time.Second})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	ba := &bareImport{path: path, db: db, key: []byte(record.NewID(time.Now()))}
	for _, c := range changes {
		ba.bodies = append(ba.bodies, c.Body)
	}
	return bi, ba
}

// BenchmarkImport5000 times each side alone.
func BenchmarkImport5000(b *testing.B) {
	bi, ba := setUpBench(b)
	b.Run("baseline-csv+bbolt", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if n, err := ba.run(); err != nil || n != benchRows {
				b.Fatal(n, err)
			}
		}
	})
	b.Run("import", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if n, err := bi.run(); err != nil || n != benchRows {
				b.Fatal(n, err)
			}
		}
	})
}

// BenchmarkImport5000Ratio runs the baseline and the import in each
// iteration, alternating which goes first, and reports their medians, the
// import's two parts (reading and checking the file into a plan; saving it
// through the store), and the import's median over the baseline's as
// x-baseline.
func BenchmarkImport5000Ratio(b *testing.B) {
	bi, ba := setUpBench(b)
	var bare, full []time.Duration
	timed := func(run func() (int, error), into *[]time.Duration) {
		start := time.Now()
		if n, err := run(); err != nil || n != benchRows {
			b.Fatal(n, err)
		}
		*into = append(*into, time.Since(start))
	}
	for b.Loop() {
		if len(bare)%2 == 0 {
			timed(ba.run, &bare)
			timed(bi.run, &full)
		} else {
			timed(bi.run, &full)
			timed(ba.run, &bare)
		}
	}
	median := func(d []time.Duration) float64 {
		slices.Sort(d)
		return float64(d[len(d)/2].Nanoseconds())
	}
	bareNs, fullNs := median(bare), median(full)
	b.ReportMetric(bareNs/1e6, "baseline-ms")
	b.ReportMetric(fullNs/1e6, "import-ms")
	b.ReportMetric(median(bi.plans)/1e6, "read+check-ms")
	b.ReportMetric(median(bi.saves)/1e6, "save-ms")
	b.ReportMetric(fullNs/bareNs, "x-baseline")
}
