package postgres_test

// Benchmarks of the PostgreSQL hub against bare pgx in the same run, on the
// throwaway cluster pgtest starts (Unix socket, fsync off). Reproduce with
//
//	go test -run='^$' -bench=Push10k -benchtime=5x -count=5 ./sync/hub/postgres/
//	go test -run='^$' -bench=National -benchtime=10x -count=3 -timeout=60m ./sync/hub/postgres/
//
// (and see nation_bench_test.go for the 3,321 laptops over HTTP).
//
// Push10k's x-bare is the push target: storing 10,000 records through
// Store.Push, in batches of protocol.MaxBatchEntries, each its own
// transaction with its dedup checks, costs at most 3 times one bare pgx
// CopyFrom of the same rows into a table of the log's columns and the two
// keys a correct log needs (by unit and cursor; each version once);
// x-bare-batched is against bare CopyFroms of the same batches, x-bare-pk
// against one CopyFrom into a table with a primary key on the cursor only
// (the baseline first used, which no correct hub could be). National's
// x-bare-decode is the dashboard target: the summaries of 3,321 units, all
// kept, against a bare SELECT of the kept summary rows (unit and row, the
// bytes the Store reads of them) decoded by hub.DecodeSummary, as the Store
// decodes them; x-bare-rows is against the bare SELECT of the rows alone,
// undecoded, and x-bare-records against a bare SELECT of every record they
// summarise (the target as Bolt states it).

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"

	"mach/checks/units"
	"mach/sync/hub"
	"mach/sync/hub/pgtest"
	"mach/sync/protocol"
	"mach/sync/record"
)

// benchPushRecords is how many records Push10k stores each time.
const benchPushRecords = 10_000

// pushLoad is one device's benchPushRecords outbox entries, with each
// record's bytes as the device sends them.
type pushLoad struct {
	device string
	token  string
	reqs   []protocol.PushRequest
	raw    [][]json.RawMessage // per batch, per entry
	bodies [][]byte            // per batch, the request as the client encodes it
	rows   [][]any             // the log rows of the bare baseline
}

// newPushLoad enrols a device of unit with st and makes its entries: 50
// units' worth of every kind of record, seqs 1 to benchPushRecords.
func newPushLoad(b *testing.B, st hub.Storage, unit string, seq *int64) *pushLoad {
	b.Helper()
	code, err := st.NewCode(unit, time.Hour)
	if err != nil {
		b.Fatal(err)
	}
	l := &pushLoad{device: record.NewID(time.Now())}
	resp, err := st.Enroll(protocol.EnrollRequest{Code: code, Device: l.device})
	if err != nil {
		b.Fatal(err)
	}
	l.token = resp.Token
	var es []record.Entry
	for i := 0; len(es) < benchPushRecords; i++ {
		es = append(es, unitEntries(b, unit, l.device, time.Date(2026, 11, 25, 8, i, 0, 0, time.UTC))...)
	}
	es = es[:benchPushRecords]
	for i := range es {
		es[i].Seq = uint64(i + 1)
	}
	for batch := range slices.Chunk(es, protocol.MaxBatchEntries) {
		req := protocol.PushRequest{Device: l.device, Epoch: 1, Entries: batch}
		body, err := json.Marshal(req)
		if err != nil {
			b.Fatal(err)
		}
		var sent struct {
			Entries []struct{ Record json.RawMessage }
		}
		if err := json.Unmarshal(body, &sent); err != nil {
			b.Fatal(err)
		}
		raw := make([]json.RawMessage, len(batch))
		for i, e := range batch {
			raw[i] = sent.Entries[i].Record
			*seq++
			r := e.Record
			l.rows = append(l.rows, []any{*seq, r.Unit, r.Device, r.ID, r.Kind, r.Version.Time, r.Version.Device, []byte(raw[i])})
		}
		l.reqs, l.raw, l.bodies = append(l.reqs, req), append(l.raw, raw), append(l.bodies, body)
	}
	return l
}

// median of ds.
func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

// bareTables make the bare baselines' tables. bare_log has the log's
// columns and the two keys any correct design of the log needs: a unit's
// records by cursor (pulls) and each version once (the dedup on (id,
// version) the issue asks to be a unique key). bare_pk_log, the baseline
// first measured, has the same columns and only a primary key on the
// cursor: it can neither dedup nor be pulled from by unit.
var bareTables = []string{
	`CREATE TABLE bare_log (seq bigint NOT NULL, unit text COLLATE "C" NOT NULL, device text COLLATE "C" NOT NULL,
	id text COLLATE "C" NOT NULL, kind text COLLATE "C" NOT NULL, vtime bigint NOT NULL, vdevice text COLLATE "C" NOT NULL,
	data bytea NOT NULL, PRIMARY KEY (unit, seq), UNIQUE (id, vtime, vdevice))`,
	`CREATE TABLE bare_pk_log (seq bigint PRIMARY KEY, unit text COLLATE "C" NOT NULL, device text COLLATE "C" NOT NULL,
	id text COLLATE "C" NOT NULL, kind text COLLATE "C" NOT NULL, vtime bigint NOT NULL, vdevice text COLLATE "C" NOT NULL,
	data bytea NOT NULL)`,
}

// bareColumns are the bare baselines' columns, in the order of their rows.
var bareColumns = []string{"seq", "unit", "device", "id", "kind", "vtime", "vdevice", "data"}

// emptyHub empties the hub's record tables, keeping devices and tokens,
// so that each iteration starts from the same state.
const emptyHub = `TRUNCATE log, seq_runs, device_clocks, acked, heads, syncs, summaries, bare_log, bare_pk_log`

// BenchmarkPush10k stores 10,000 records each time: through Store.Push
// (push), through the hub's HTTP API on loopback (http), with one bare pgx
// CopyFrom of the same rows into bare_log (bare), with one bare CopyFrom
// per batch of protocol.MaxBatchEntries, each its own transaction
// (bare-batched), and with one into bare_pk_log (bare-pk); it reports the
// medians and the ratios to the bare ones.
func BenchmarkPush10k(b *testing.B) {
	conn := pgtest.DB(b, migrated)
	st := openOn(b, conn, nil)
	pool, err := pgxpool.New(context.Background(), conn)
	if err != nil {
		b.Fatal(err)
	}
	defer pool.Close()
	ctx := context.Background()
	for _, q := range bareTables {
		if _, err := pool.Exec(ctx, q); err != nil {
			b.Fatal(err)
		}
	}
	srv := httptest.NewServer(hub.NewServer(st, hub.Options{Rate: -1, Logger: slog.New(slog.DiscardHandler)}))
	defer srv.Close()
	var seq int64
	var bare, batched, pk, push, viaHTTP []time.Duration
	units := provinceUnits(b)
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		loads := []*pushLoad{newPushLoad(b, st, units[i%len(units)], &seq), newPushLoad(b, st, units[i%len(units)], &seq),
			newPushLoad(b, st, units[i%len(units)], &seq)}
		b.StartTimer()
		runs := []func(){
			func() {
				t0 := time.Now()
				n, err := pool.CopyFrom(ctx, pgx.Identifier{"bare_log"}, bareColumns, pgx.CopyFromRows(loads[0].rows))
				if err != nil || n != benchPushRecords {
					b.Fatalf("bare copy: %d rows, %v", n, err)
				}
				bare = append(bare, time.Since(t0))
			},
			func() {
				t0 := time.Now()
				n, err := pool.CopyFrom(ctx, pgx.Identifier{"bare_pk_log"}, bareColumns, pgx.CopyFromRows(loads[1].rows))
				if err != nil || n != benchPushRecords {
					b.Fatalf("bare copy with a primary key only: %d rows, %v", n, err)
				}
				pk = append(pk, time.Since(t0))
			},
			func() {
				rows := loads[2].rows
				t0 := time.Now()
				for start := 0; start < len(rows); start += protocol.MaxBatchEntries {
					batch := rows[start:min(start+protocol.MaxBatchEntries, len(rows))]
					if _, err := pool.CopyFrom(ctx, pgx.Identifier{"bare_log"}, bareColumns, pgx.CopyFromRows(batch)); err != nil {
						b.Fatalf("bare copy of a batch: %v", err)
					}
				}
				batched = append(batched, time.Since(t0))
			},
			func() {
				l := loads[0]
				t0 := time.Now()
				for j, req := range l.reqs {
					if resp, err := st.Push(l.device, req.Entries[0].Record.Unit, req, l.raw[j]...); err != nil || resp.Acked != req.Entries[len(req.Entries)-1].Seq {
						b.Fatalf("push: %+v, %v", resp, err)
					}
				}
				push = append(push, time.Since(t0))
			},
			func() {
				l := loads[1]
				t0 := time.Now()
				for _, body := range l.bodies {
					postPush(b, srv.URL, l.token, body)
				}
				viaHTTP = append(viaHTTP, time.Since(t0))
			},
		}
		// Each in turn first, so that none always runs on a warmer cache.
		for k := range runs {
			runs[(i+k)%len(runs)]()
		}
		b.StopTimer()
		if _, err := pool.Exec(ctx, emptyHub); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	bareMs, batchedMs, pkMs, pushMs, httpMs := ms(median(bare)), ms(median(batched)), ms(median(pk)), ms(median(push)), ms(median(viaHTTP))
	b.ReportMetric(bareMs, "bare-ms")
	b.ReportMetric(pkMs, "bare-pk-ms")
	b.ReportMetric(pushMs/pkMs, "x-bare-pk")
	b.ReportMetric(batchedMs, "bare-batched-ms")
	b.ReportMetric(pushMs/batchedMs, "x-bare-batched")
	b.ReportMetric(pushMs, "push-ms")
	b.ReportMetric(httpMs, "http-ms")
	b.ReportMetric(pushMs/bareMs, "x-bare")
	b.ReportMetric(httpMs/bareMs, "http-x-bare")
}

// ms is d in milliseconds.
func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// postPush sends a push body to the hub at url, which must take it.
func postPush(b *testing.B, url, token string, body []byte) {
	req, err := http.NewRequest(http.MethodPost, url+protocol.PathPush, bytes.NewReader(body))
	if err != nil {
		b.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b.Fatalf("push: %s", resp.Status)
	}
}

// nationalUnits are the codes of every unit of the country.
func nationalUnits(b *testing.B) []string {
	b.Helper()
	dir, err := units.Load()
	if err != nil {
		b.Fatal(err)
	}
	var codes []string
	for _, p := range dir.Provinces() {
		for _, u := range dir.Units(p.Code) {
			codes = append(codes, u.Code)
		}
	}
	return codes
}

// BenchmarkNational fills a hub with every unit of the country, 200
// records each pushed by one device per unit, 8 at a time, notes a pull
// of each, keeps every summary and analyses the tables (as autovacuum
// does soon after), and measures the dashboard's summaries of all of them
// against bare SELECTs, each in turn first and each after a collection.
func BenchmarkNational(b *testing.B) {
	conn := pgtest.DB(b, migrated)
	st := openOn(b, conn, nil)
	codes := nationalUnits(b)
	start := time.Now()
	work := make(chan string)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var fillErr error
	for range 8 {
		wg.Go(func() {
			for unit := range work {
				if err := fillUnit(b, st, unit); err != nil {
					mu.Lock()
					fillErr = err
					mu.Unlock()
				}
			}
		})
	}
	for _, u := range codes {
		work <- u
	}
	close(work)
	wg.Wait()
	if fillErr != nil {
		b.Fatal(fillErr)
	}
	filled := time.Since(start)
	if err := st.RefreshSummaries(); err != nil {
		b.Fatal(err)
	}
	pool, err := pgxpool.New(context.Background(), conn)
	if err != nil {
		b.Fatal(err)
	}
	defer pool.Close()
	ctx := context.Background()
	var size int64
	if err := pool.QueryRow(ctx, `SELECT pg_database_size(current_database())`).Scan(&size); err != nil {
		b.Fatal(err)
	}
	b.Logf("filled %d units × %d records in %v (summaries kept after %v); database %d MB",
		len(codes), unitRecords, filled.Round(time.Second), time.Since(start).Round(time.Second), size>>20)
	// Every unit's laptop has pulled too, as in the field: the dashboard
	// reads each unit's last contact.
	for _, unit := range codes {
		if err := st.Seen(unit, time.Now()); err != nil {
			b.Fatal(err)
		}
	}
	// What autovacuum does within a minute of such a fill: the planner
	// sees the tables as they are.
	if _, err := pool.Exec(ctx, `VACUUM ANALYZE`); err != nil {
		b.Fatal(err)
	}
	b.Run("Summaries", func(b *testing.B) {
		var records, rows, decoded, sums []time.Duration
		steps := []func(){
			func() {
				t0 := time.Now()
				if n := bareSelect(b, pool, `SELECT data FROM log`); n != len(codes)*unitRecords {
					b.Fatalf("bare select read %d records", n)
				}
				records = append(records, time.Since(t0))
			},
			func() {
				t0 := time.Now()
				if n := bareSelect(b, pool, `SELECT data FROM summaries`); n != len(codes) {
					b.Fatalf("bare select read %d summaries", n)
				}
				rows = append(rows, time.Since(t0))
			},
			func() {
				t0 := time.Now()
				if s := bareDecode(b, pool, len(codes)); len(s) != len(codes) || s[0].Records != unitRecords {
					b.Fatalf("bare decode read %d summaries", len(s))
				}
				decoded = append(decoded, time.Since(t0))
			},
			func() {
				t0 := time.Now()
				s, err := st.Summaries(codes)
				if err != nil || len(s) != len(codes) || s[0].Records != unitRecords {
					b.Fatalf("summaries: %v", err)
				}
				sums = append(sums, time.Since(t0))
			},
		}
		for i := 0; b.Loop(); i++ {
			// Each in turn first; each after a collection, so that none
			// pays for the garbage of another.
			for k := range steps {
				runtime.GC()
				steps[(i+k)%len(steps)]()
			}
		}
		recordsMs, rowsMs, decodedMs, sumsMs := ms(median(records)), ms(median(rows)), ms(median(decoded)), ms(median(sums))
		b.ReportMetric(recordsMs, "bare-records-ms")
		b.ReportMetric(rowsMs, "bare-rows-ms")
		b.ReportMetric(decodedMs, "bare-decode-ms")
		b.ReportMetric(sumsMs, "summaries-ms")
		b.ReportMetric(sumsMs/recordsMs, "x-bare-records")
		b.ReportMetric(sumsMs/rowsMs, "x-bare-rows")
		b.ReportMetric(sumsMs/decodedMs, "x-bare-decode")
	})
}

// fillUnit enrols a device of unit and pushes its records.
func fillUnit(b testing.TB, st hub.Storage, unit string) error {
	code, err := st.NewCode(unit, time.Hour)
	if err != nil {
		return err
	}
	dev := record.NewID(time.Now())
	if _, err := st.Enroll(protocol.EnrollRequest{Code: code, Device: dev}); err != nil {
		return err
	}
	_, err = st.Push(dev, unit, protocol.PushRequest{Device: dev, Epoch: 1, Entries: unitEntries(b, unit, dev, time.Now())})
	if err != nil {
		return fmt.Errorf("push unit %s: %w", unit, err)
	}
	return nil
}

// bareSelect reads every row of q, touching each value, and counts them.
func bareSelect(b *testing.B, pool *pgxpool.Pool, q string) int {
	rows, err := pool.Query(context.Background(), q)
	if err != nil {
		b.Fatal(err)
	}
	n, size := 0, 0
	var data []byte
	if _, err := pgx.ForEachRow(rows, []any{&data}, func() error { n++; size += len(data); return nil }); err != nil {
		b.Fatal(err)
	}
	return n
}

// bareDecode reads every kept summary row, as Store.Summaries reads it
// (the unit and its row, straight from the connection's buffer), and
// decodes each with hub.DecodeSummary: the least the dashboard's answer
// costs, with the same bytes read and the same decoding. n sizes the
// answer.
func bareDecode(b *testing.B, pool *pgxpool.Pool, n int) []protocol.UnitSummary {
	rows, err := pool.Query(context.Background(), `SELECT unit, data FROM summaries`)
	if err != nil {
		b.Fatal(err)
	}
	out := make([]protocol.UnitSummary, 0, n)
	var unit, data pgtype.DriverBytes
	if _, err := pgx.ForEachRow(rows, []any{&unit, &data}, func() error {
		s, err := hub.DecodeSummary(string(unit), data)
		out = append(out, s)
		return err
	}); err != nil {
		b.Fatal(err)
	}
	return out
}
