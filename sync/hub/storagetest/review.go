package storagetest

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"mach/sync/hub"
	"mach/sync/protocol"
	"mach/sync/record"
	"mach/sync/review"
)

var reviewCases = []testCase{
	{"ReviewReachesEveryLaptopOfTheUnitAndTheRepliesComeBack", func(t *testing.T, e *env) {
		p := e.province(t)
		a, b := p.enrolOfficer(t, unitPhuLy, "Máy chị Lan"), p.enrolOfficer(t, unitPhuLy, "Máy anh Minh")
		row := a.row(t, "backup", map[string]any{"dataset": "Văn bản đến 2023", "backed_up": false})
		a.sync(t)
		sent := p.review(t, unitPhuLy, review.Review{Section: "backups", State: review.NeedsWork,
			Comment: "Bộ dữ liệu này chưa sao lưu", Target: review.Target{Question: "backups", Row: row.ID}})
		if !sent.Stored || sent.Record.Device != record.HubDevice || sent.Record.Author != "Phòng Chuyển đổi số" ||
			sent.Record.Kind != review.Kind || sent.Record.Unit != unitPhuLy {
			t.Fatalf("review kept as %+v", sent)
		}
		a.sync(t)
		b.sync(t)
		for _, o := range []*officer{a, b} {
			got := o.reviews(t).Section("backups")
			if !got.SentBack() || !got.Points(review.Target{Question: "backups", Row: row.ID}) {
				t.Fatalf("a laptop sees section backups as %+v", got)
			}
		}
		// The officer replies, fix done, on laptop a; b and the hub see it.
		body, _ := json.Marshal(review.Reply{Review: sent.Record.ID, Comment: "Đã sao lưu sáng nay", Done: true})
		if _, err := a.st.Put(review.KindReply, "", body); err != nil {
			t.Fatal(err)
		}
		a.sync(t)
		b.sync(t)
		if got := b.reviews(t).Section("backups"); !got.Replied() {
			t.Fatalf("laptop b does not see the reply: %+v", got)
		}
		if got := p.reviews(t, unitPhuLy).Section("backups"); !got.Replied() ||
			got.Decisions[0].Replies[0].Reply.Comment != "Đã sao lưu sáng nay" {
			t.Fatalf("the hub's unit view sees section backups as %+v", got)
		}
		// The coordinator approves; both laptops see the section approved.
		p.review(t, unitPhuLy, review.Review{Section: "backups", State: review.Approved})
		a.sync(t)
		b.sync(t)
		for _, o := range []*officer{a, b} {
			if got := o.reviews(t).Section("backups"); got.State != review.Approved || len(got.Decisions) != 2 {
				t.Fatalf("a laptop sees section backups as %+v after the approval", got)
			}
		}
		for _, o := range []*officer{a, b} {
			if n := o.pending(t); n != 0 {
				t.Fatalf("%d entries left in an outbox after the syncs", n)
			}
		}
	}},
	{"AReviewSentAgainIsKeptOnce", func(t *testing.T, e *env) {
		p := e.province(t)
		req := protocol.ReviewRequest{ID: record.NewID(time.Now()), Unit: unitPhuLy,
			Review: review.Review{Section: "equipment", State: review.Approved}}
		var first, again protocol.ReviewResponse
		p.send(t, http.MethodPost, protocol.PathReviews, p.coordinator, req).decode(t, &first)
		logged := e.logCount(t)
		e.clock.add(time.Minute)
		p.send(t, http.MethodPost, protocol.PathReviews, p.coordinator, req).decode(t, &again)
		if !first.Stored || again.Stored || !sameRecord(first.Record, again.Record) {
			t.Fatalf("sent twice: %+v then %+v", first, again)
		}
		if n := e.logCount(t); n != logged {
			t.Fatalf("the log went from %d to %d records on a retry", logged, n)
		}
		// The storage itself keeps one record per id.
		stored, err := e.st.Write(again.Record)
		if err != nil || stored {
			t.Fatalf("Write of a held id: stored %v, %v", stored, err)
		}
	}},
	{"ReviewRequestsRefused", func(t *testing.T, e *env) {
		p := e.province(t)
		o := p.enrolOfficer(t, unitPhuLy, "Máy chị Lan")
		ok := func() protocol.ReviewRequest {
			return protocol.ReviewRequest{ID: record.NewID(time.Now()), Unit: unitPhuLy,
				Review: review.Review{Section: "backups", State: review.NeedsWork, Comment: "Thiếu biên bản"}}
		}
		cases := []struct {
			name   string
			token  string
			edit   func(*protocol.ReviewRequest)
			status int
			code   string
		}{
			{"no token", "", nil, http.StatusUnauthorized, protocol.CodeUnauthorized},
			{"a device's token", o.token, nil, http.StatusForbidden, protocol.CodeForbidden},
			{"id not a ULID", p.coordinator, func(r *protocol.ReviewRequest) { r.ID = "1" }, http.StatusBadRequest, protocol.CodeBadRequest},
			{"unit of another province", p.coordinator, func(r *protocol.ReviewRequest) { r.Unit = "00004" }, http.StatusNotFound, protocol.CodeNotFound},
			{"unknown section", p.coordinator, func(r *protocol.ReviewRequest) { r.Review.Section = "nope" }, http.StatusBadRequest, protocol.CodeBadRequest},
			{"unknown state", p.coordinator, func(r *protocol.ReviewRequest) { r.Review.State = "done" }, http.StatusBadRequest, protocol.CodeBadRequest},
			{"sent back without a comment", p.coordinator, func(r *protocol.ReviewRequest) { r.Review.Comment = "" }, http.StatusBadRequest, protocol.CodeBadRequest},
			{"question of another section", p.coordinator, func(r *protocol.ReviewRequest) { r.Review.Target.Question = "officer_phone" }, http.StatusBadRequest, protocol.CodeBadRequest},
			{"row of a question that is no table", p.coordinator, func(r *protocol.ReviewRequest) {
				r.Review.Section, r.Review.Target = "unit", review.Target{Question: "officer_phone", Row: record.NewID(time.Now())}
			}, http.StatusBadRequest, protocol.CodeBadRequest},
		}
		for _, c := range cases {
			req := ok()
			if c.edit != nil {
				c.edit(&req)
			}
			e.unchanged(t, func() {
				if a := p.send(t, http.MethodPost, protocol.PathReviews, c.token, req); a.status != c.status {
					t.Errorf("%s: status %d (%s), want %d", c.name, a.status, a.body, c.status)
				} else {
					wantError(t, a, c.status, c.code)
				}
			})
		}
		wantError(t, do(t, p.srv, http.MethodPost, protocol.PathReviews, p.coordinator, []byte(`{"id":`)),
			http.StatusBadRequest, protocol.CodeBadRequest)
		wantError(t, p.get(t, protocol.PathReviews, p.coordinator), http.StatusMethodNotAllowed, protocol.CodeMethodNotAllowed)
		// The storage refuses a record that is not the hub's.
		e.unchanged(t, func() {
			r := record.Record{ID: record.NewID(time.Now()), Kind: review.Kind, Unit: unitPhuLy, Body: json.RawMessage(`{}`),
				Version: record.Version{Time: 1, Device: o.st.Device()}, Device: o.st.Device()}
			if _, err := e.st.Write(r); !errors.Is(err, hub.ErrInvalid) {
				t.Errorf("Write of a laptop's record: %v, want ErrInvalid", err)
			}
		})
	}},
	{"TwoCoordinatorsReviewTheSameSectionAtOnce", func(t *testing.T, e *env) {
		p := e.province(t)
		second, err := e.st.NewCoordinatorToken("Sở Khoa học và Công nghệ")
		if err != nil {
			t.Fatal(err)
		}
		const each = 10
		var wg sync.WaitGroup
		for _, token := range []string{p.coordinator, second} {
			wg.Go(func() {
				for i := range each {
					req := protocol.ReviewRequest{ID: record.NewID(time.Now()), Unit: unitPhuLy,
						Review: review.Review{Section: "links", State: review.NeedsWork, Comment: fmt.Sprintf("ý kiến %d", i)}}
					if a := p.send(t, http.MethodPost, protocol.PathReviews, token, req); a.status != http.StatusOK {
						t.Errorf("review %d: %d %s", i, a.status, a.body)
					}
				}
			})
		}
		wg.Wait()
		o := p.enrolOfficer(t, unitPhuLy, "Máy chị Lan")
		o.sync(t)
		hubSide, laptop := p.reviews(t, unitPhuLy).Section("links"), o.reviews(t).Section("links")
		if len(hubSide.Decisions) != 2*each || len(laptop.Decisions) != 2*each {
			t.Fatalf("%d reviews on the hub, %d on the laptop, want %d", len(hubSide.Decisions), len(laptop.Decisions), 2*each)
		}
		for i := range hubSide.Decisions {
			if hubSide.Decisions[i].Record.ID != laptop.Decisions[i].Record.ID {
				t.Fatalf("review %d: the hub and the laptop order them differently", i)
			}
		}
	}},
	{"ALaptopRepliesWhileAnotherEditsTheRow", func(t *testing.T, e *env) {
		p := e.province(t)
		a, b := p.enrolOfficer(t, unitPhuLy, "Máy chị Lan"), p.enrolOfficer(t, unitPhuLy, "Máy anh Minh")
		row := a.row(t, "backup", map[string]any{"dataset": "Văn bản đến 2023", "backed_up": false})
		a.sync(t)
		b.sync(t)
		sent := p.review(t, unitPhuLy, review.Review{Section: "backups", State: review.NeedsWork,
			Comment: "Chưa sao lưu", Target: review.Target{Question: "backups", Row: row.ID}})
		a.sync(t)
		b.sync(t)
		// Offline, a replies and edits the row; b edits the same row too.
		body, _ := json.Marshal(review.Reply{Review: sent.Record.ID, Comment: "Đang sao lưu"})
		reply, err := a.st.Put(review.KindReply, "", body)
		if err != nil {
			t.Fatal(err)
		}
		editA, _ := json.Marshal(map[string]any{"dataset": "Văn bản đến 2023", "backed_up": true})
		va, err := a.st.Put("backup", row.ID, editA)
		if err != nil {
			t.Fatal(err)
		}
		editB, _ := json.Marshal(map[string]any{"dataset": "Văn bản đến 2023", "backed_up": true, "verified": true})
		vb, err := b.st.Put("backup", row.ID, editB)
		if err != nil {
			t.Fatal(err)
		}
		a.sync(t)
		b.sync(t)
		a.sync(t)
		versions, err := e.st.History(unitPhuLy, row.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(versions) != 3 || !slices.ContainsFunc(versions, func(r record.Record) bool { return sameRecord(r, va) }) ||
			!slices.ContainsFunc(versions, func(r record.Record) bool { return sameRecord(r, vb) }) {
			t.Fatalf("the hub holds %d versions of the row, want the first and both edits", len(versions))
		}
		for _, o := range []*officer{a, b} {
			if got := o.reviews(t).Section("backups"); len(got.Decisions) != 1 || len(got.Decisions[0].Replies) != 1 ||
				got.Decisions[0].Replies[0].Record.ID != reply.ID {
				t.Fatalf("a laptop sees %+v, want the review and a's reply", got)
			}
			if o.pending(t) != 0 {
				t.Fatal("an outbox is not empty after the syncs")
			}
		}
	}},
	{"HistoryHasEveryVersionOfARecord", func(t *testing.T, e *env) {
		p := e.province(t)
		a, b := p.enrolOfficer(t, unitPhuLy, "Máy chị Lan"), p.enrolOfficer(t, unitPhuLy, "Máy anh Minh")
		first := a.answer(t, "", "officer_phone", "0912345678")
		a.sync(t)
		b.sync(t)
		// Both edit it offline: two concurrent versions, both kept.
		a.answer(t, first.ID, "officer_phone", "0912345679")
		b.answer(t, first.ID, "officer_phone", "0987654321")
		a.sync(t)
		b.sync(t)
		var h protocol.HistoryResponse
		p.get(t, protocol.PathHistory+unitPhuLy+"/"+first.ID, p.coordinator).decode(t, &h)
		if len(h.Versions) != 3 {
			t.Fatalf("%d versions, want 3: %+v", len(h.Versions), h.Versions)
		}
		if !slices.IsSortedFunc(h.Versions, func(x, y record.Record) int { return x.Version.Compare(y.Version) }) {
			t.Fatal("the versions are not oldest first")
		}
		devices := map[string]bool{}
		for _, v := range h.Versions {
			devices[v.Device] = true
		}
		if !devices[a.st.Device()] || !devices[b.st.Device()] || !sameRecord(h.Versions[0], first) {
			t.Fatalf("versions %+v: want the first and one of each laptop", h.Versions)
		}
		direct, err := e.st.History(unitPhuLy, first.ID)
		if err != nil || len(direct) != 3 {
			t.Fatalf("Storage.History: %d versions, %v", len(direct), err)
		}
		wantError(t, p.get(t, protocol.PathHistory+unitPhuVan+"/"+first.ID, p.coordinator), http.StatusNotFound, protocol.CodeNotFound)
		wantError(t, p.get(t, protocol.PathHistory+unitPhuLy+"/"+record.NewID(time.Now()), p.coordinator), http.StatusNotFound, protocol.CodeNotFound)
		wantError(t, p.get(t, protocol.PathHistory+unitPhuLy, p.coordinator), http.StatusNotFound, protocol.CodeNotFound)
		wantError(t, p.get(t, protocol.PathHistory+"00004/"+first.ID, p.coordinator), http.StatusNotFound, protocol.CodeNotFound)
		wantError(t, p.get(t, protocol.PathHistory+unitPhuLy+"/"+first.ID, a.token), http.StatusForbidden, protocol.CodeForbidden)
	}},
	{"AReviewIsInTheUnitsExportAndCurrentRecords", func(t *testing.T, e *env) {
		p := e.province(t)
		sent := p.review(t, unitPhuVan, review.Review{Section: "training", State: review.Approved})
		var found bool
		if err := e.st.Current(unitPhuVan, func(r record.Record) error {
			found = found || sameRecord(r, sent.Record)
			return nil
		}); err != nil || !found {
			t.Fatalf("Current: found %v, %v", found, err)
		}
		doc := e.exported(t, unitPhuVan)
		if !slices.ContainsFunc(doc.Records, func(r record.Record) bool { return sameRecord(r, sent.Record) }) {
			t.Fatal("the export of the unit lacks the review")
		}
	}},
}

// review sends a coordinator's review, which must be taken.
func (p *province) review(t *testing.T, unit string, r review.Review) protocol.ReviewResponse {
	t.Helper()
	var resp protocol.ReviewResponse
	req := protocol.ReviewRequest{ID: record.NewID(time.Now()), Unit: unit, Review: r}
	p.send(t, http.MethodPost, protocol.PathReviews, p.coordinator, req).decode(t, &resp)
	return resp
}

// reviews reads the reviews of unit from the hub's unit view.
func (p *province) reviews(t *testing.T, unit string) *review.Book {
	t.Helper()
	var d protocol.UnitDetail
	p.get(t, protocol.PathUnit+unit, p.coordinator).decode(t, &d)
	return bookOf(t, d.Records)
}

// reviews reads the reviews the laptop holds.
func (o *officer) reviews(t *testing.T) *review.Book {
	t.Helper()
	var recs []record.Record
	if err := o.st.All(func(r record.Record) error { recs = append(recs, r); return nil }); err != nil {
		t.Fatal(err)
	}
	return bookOf(t, recs)
}

// pending counts the laptop's outbox entries.
func (o *officer) pending(t *testing.T) int {
	t.Helper()
	n := 0
	if err := o.st.Outbox(func(record.Entry) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	return n
}

// bookOf gathers the reviews and replies of recs.
func bookOf(t *testing.T, recs []record.Record) *review.Book {
	t.Helper()
	b := review.NewBook()
	for _, r := range recs {
		if err := b.Add(r); err != nil {
			t.Fatal(err)
		}
	}
	return b
}
