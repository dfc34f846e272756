package storagetest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"mach/sync/hub"
	"mach/sync/protocol"
	"mach/sync/record"
)

var serverCases = []testCase{
	{"HTTPHappyPathEnrollPushPull", func(t *testing.T, e *env) {
		srv := e.server(t, hub.Options{})
		enrol := func(name string) (string, protocol.EnrollResponse) {
			code, err := e.st.NewCode(testUnit, time.Hour)
			if err != nil {
				t.Fatal(err)
			}
			dev := record.NewID(time.Now())
			var resp protocol.EnrollResponse
			sendJSON(t, srv, http.MethodPost, protocol.PathEnroll, "", protocol.EnrollRequest{Code: code, Device: dev, Name: name}).decode(t, &resp)
			if resp.Unit != testUnit || resp.Province != hub.DefaultProvince || resp.Token == "" {
				t.Fatalf("enrol answer = %+v", resp)
			}
			return dev, resp
		}
		devA, a := enrol("laptop A")
		_, b := enrol("laptop B")
		l := newLaptop(devA, testUnit)
		sent := l.news(4)
		var pushed protocol.PushResponse
		sendJSON(t, srv, http.MethodPost, protocol.PathPush, a.Token, l.batch(sent...)).decode(t, &pushed)
		if pushed.Acked != 4 {
			t.Fatalf("push answered %+v, want acked 4", pushed)
		}
		var pulled protocol.PullResponse
		do(t, srv, http.MethodGet, protocol.PathPull+"?after=0", b.Token, nil).decode(t, &pulled)
		if len(pulled.Records) != 4 || pulled.More || pulled.Cursor == 0 {
			t.Fatalf("B pulled %d records, more %v, cursor %d", len(pulled.Records), pulled.More, pulled.Cursor)
		}
		for i, r := range pulled.Records {
			if !sameRecord(r, sent[i].Record) {
				t.Fatalf("pulled %+v, pushed %+v", r, sent[i].Record)
			}
		}
		ans := do(t, srv, http.MethodGet, protocol.PathPull+"?after="+strconv.FormatUint(pulled.Cursor, 10), b.Token, nil)
		if ans.status != http.StatusOK || !bytes.Contains(ans.body, []byte(`"records":[]`)) {
			t.Fatalf("pull after the cursor = %d %s, want no records as []", ans.status, ans.body)
		}
	}},
	{"HTTPPushMalformedJSON400", func(t *testing.T, e *env) {
		srv := e.server(t, hub.Options{})
		_, token := e.enrol(t, testUnit)
		for name, body := range map[string]string{
			"cut short":     `{"device":"x","entries":[`,
			"not JSON":      `hello`,
			"empty":         ``,
			"trailing data": `{"device":"x"} {}`,
			"wrong types":   `{"device":1,"epoch":"one","entries":{}}`,
			"negative seq":  `{"device":"x","epoch":1,"entries":[{"seq":-1}]}`,
			"null":          `null`,
		} {
			t.Run(name, func(t *testing.T) {
				e.unchanged(t, func() {
					wantError(t, do(t, srv, http.MethodPost, protocol.PathPush, token, []byte(body)), http.StatusBadRequest, protocol.CodeBadRequest)
				})
			})
		}
	}},
	{"HTTPPushInvalidRecord400WithTheReason", func(t *testing.T, e *env) {
		srv := e.server(t, hub.Options{})
		dev, token := e.enrol(t, testUnit)
		l := newLaptop(dev, testUnit)
		es := l.news(3)
		es[1].Record.ID = "not-a-ulid"
		e.unchanged(t, func() {
			msg := wantError(t, sendJSON(t, srv, http.MethodPost, protocol.PathPush, token, l.batch(es...)), http.StatusBadRequest, protocol.CodeBadRequest).Message
			if !strings.Contains(msg, "not-a-ulid") || !strings.Contains(msg, "seq 2") {
				t.Fatalf("message %q does not say which entry is wrong and why", msg)
			}
		})
	}},
	{"HTTPPushWithoutWrongOrRevokedToken401", func(t *testing.T, e *env) {
		srv := e.server(t, hub.Options{})
		dev, token := e.enrol(t, testUnit)
		revoked, revokedToken := e.enrol(t, testUnit)
		if err := e.st.Revoke(revoked); err != nil {
			t.Fatal(err)
		}
		l := newLaptop(dev, testUnit)
		wrong := "A" + token[1:]
		if wrong == token {
			wrong = "B" + token[1:]
		}
		e.unchanged(t, func() {
			for _, tok := range []string{"", wrong, revokedToken} {
				a := sendJSON(t, srv, http.MethodPost, protocol.PathPush, tok, l.batch(l.news(1)...))
				wantError(t, a, http.StatusUnauthorized, protocol.CodeUnauthorized)
				if a.header.Get("WWW-Authenticate") != "Bearer" {
					t.Fatalf("WWW-Authenticate = %q", a.header.Get("WWW-Authenticate"))
				}
			}
			wantError(t, do(t, srv, http.MethodGet, protocol.PathPull, revokedToken, nil), http.StatusUnauthorized, protocol.CodeUnauthorized)
		})
	}},
	{"HTTPPushOfAnotherUnitOrDevice403", func(t *testing.T, e *env) {
		srv := e.server(t, hub.Options{})
		dev, token := e.enrol(t, testUnit)
		victim, _ := e.enrol(t, testUnit)
		coordinator, err := e.st.NewCoordinatorToken("province")
		if err != nil {
			t.Fatal(err)
		}
		e.unchanged(t, func() {
			l := newLaptop(dev, otherUnit)
			wantError(t, sendJSON(t, srv, http.MethodPost, protocol.PathPush, token, l.batch(l.news(3)...)), http.StatusForbidden, protocol.CodeForbidden)
			v := newLaptop(victim, testUnit)
			wantError(t, sendJSON(t, srv, http.MethodPost, protocol.PathPush, token, v.batch(v.news(1)...)), http.StatusForbidden, protocol.CodeForbidden)
			wantError(t, do(t, srv, http.MethodPost, protocol.PathPush, coordinator, []byte(`{}`)), http.StatusForbidden, protocol.CodeForbidden)
			wantError(t, do(t, srv, http.MethodGet, protocol.PathPull, coordinator, nil), http.StatusForbidden, protocol.CodeForbidden)
		})
	}},
	{"HTTPPushTooLarge413", func(t *testing.T, e *env) {
		srv := e.server(t, hub.Options{})
		dev, token := e.enrol(t, testUnit)
		l := newLaptop(dev, testUnit)
		es := l.news(1)
		es[0].Record.Body = json.RawMessage(`"` + strings.Repeat("x", protocol.MaxBodyBytes) + `"`)
		e.unchanged(t, func() {
			wantError(t, sendJSON(t, srv, http.MethodPost, protocol.PathPush, token, l.batch(es...)), http.StatusRequestEntityTooLarge, protocol.CodeTooLarge)
			many := newLaptop(dev, testUnit)
			wantError(t, sendJSON(t, srv, http.MethodPost, protocol.PathPush, token, many.batch(many.news(protocol.MaxBatchEntries+1)...)),
				http.StatusRequestEntityTooLarge, protocol.CodeTooLarge)
		})
	}},
	{"HTTPTooManyRequests429RetryAfter", func(t *testing.T, e *env) {
		srv := e.server(t, hub.Options{Rate: 0.5, Burst: 2})
		dev, token := e.enrol(t, testUnit)
		_, otherToken := e.enrol(t, testUnit)
		l := newLaptop(dev, testUnit)
		for range 2 {
			if a := sendJSON(t, srv, http.MethodPost, protocol.PathPush, token, l.batch()); a.status != http.StatusOK {
				t.Fatalf("push within the burst = %d %s", a.status, a.body)
			}
		}
		req := l.batch(l.news(1)...)
		e.unchanged(t, func() {
			a := sendJSON(t, srv, http.MethodPost, protocol.PathPush, token, req)
			wantError(t, a, http.StatusTooManyRequests, protocol.CodeTooMany)
			if a.header.Get("Retry-After") != "2" {
				t.Fatalf("Retry-After = %q, want 2 (one request every 2 s)", a.header.Get("Retry-After"))
			}
		})
		if a := sendJSON(t, srv, http.MethodPost, protocol.PathPush, otherToken, l.batch()); a.status == http.StatusTooManyRequests {
			t.Fatal("one device's limit held back another")
		}
		e.clock.add(2 * time.Second)
		if a := sendJSON(t, srv, http.MethodPost, protocol.PathPush, token, req); a.status != http.StatusOK {
			t.Fatalf("push after Retry-After = %d %s", a.status, a.body)
		}
	}},
	{"HTTPEnrollRefused", func(t *testing.T, e *env) {
		srv := e.server(t, hub.Options{})
		used, _ := e.st.NewCode(testUnit, time.Hour)
		if _, err := e.st.Enroll(protocol.EnrollRequest{Code: used, Device: record.NewID(time.Now())}); err != nil {
			t.Fatal(err)
		}
		expired, _ := e.st.NewCode(testUnit, time.Minute)
		good, _ := e.st.NewCode(testUnit, time.Hour)
		e.clock.add(time.Minute)
		for name, code := range map[string]string{"unknown": "ABCD-EFGH-JK", "used": used, "malformed": "1234", "expired": expired} {
			t.Run(name, func(t *testing.T) {
				e.unchanged(t, func() {
					a := sendJSON(t, srv, http.MethodPost, protocol.PathEnroll, "", protocol.EnrollRequest{Code: code, Device: record.NewID(time.Now())})
					if msg := wantError(t, a, http.StatusForbidden, protocol.CodeBadCode).Message; name == "expired" && !strings.Contains(msg, "expired") {
						t.Fatalf("message %q does not say the code expired", msg)
					}
				})
			})
		}
		for name, body := range map[string]string{
			"not JSON":      `code=` + good,
			"bad device id": `{"code":"` + good + `","device":"laptop"}`,
		} {
			t.Run(name, func(t *testing.T) {
				e.unchanged(t, func() {
					wantError(t, do(t, srv, http.MethodPost, protocol.PathEnroll, "", []byte(body)), http.StatusBadRequest, protocol.CodeBadRequest)
				})
			})
		}
	}},
	{"HTTPPushGapAndReusedEpoch409", func(t *testing.T, e *env) {
		srv := e.server(t, hub.Options{})
		dev, token := e.enrol(t, testUnit)
		l := newLaptop(dev, testUnit)
		es := l.news(5)
		sendJSON(t, srv, http.MethodPost, protocol.PathPush, token, l.batch(es[:2]...)).decode(t, &protocol.PushResponse{})
		e.unchanged(t, func() {
			a := sendJSON(t, srv, http.MethodPost, protocol.PathPush, token, l.batch(es[3:]...))
			gap := wantError(t, a, http.StatusConflict, protocol.CodeGap)
			if gap.Acked == nil || *gap.Acked != 2 {
				t.Fatalf("gap body %s, want acked 2", a.body)
			}
			restored := newLaptop(dev, testUnit)
			restored.clock = l.clock
			wantError(t, sendJSON(t, srv, http.MethodPost, protocol.PathPush, token, restored.batch(restored.news(4)...)),
				http.StatusConflict, protocol.CodeEpochReused)
		})
	}},
	{"HTTPPushReplay200SameAnswer", func(t *testing.T, e *env) {
		srv := e.server(t, hub.Options{})
		dev, token := e.enrol(t, testUnit)
		l := newLaptop(dev, testUnit)
		req := l.batch(l.news(3)...)
		first := sendJSON(t, srv, http.MethodPost, protocol.PathPush, token, req)
		e.unchanged(t, func() {
			if again := sendJSON(t, srv, http.MethodPost, protocol.PathPush, token, req); again.status != http.StatusOK || !bytes.Equal(again.body, first.body) {
				t.Fatalf("replay = %d %s, first %d %s", again.status, again.body, first.status, first.body)
			}
		})
	}},
	{"HTTPPullBadCursor400", func(t *testing.T, e *env) {
		srv := e.server(t, hub.Options{})
		_, token := e.enrol(t, testUnit)
		for _, after := range []string{"-1", "x", "1.5", "18446744073709551616"} {
			wantError(t, do(t, srv, http.MethodGet, protocol.PathPull+"?after="+after, token, nil), http.StatusBadRequest, protocol.CodeBadRequest)
		}
	}},
	{"HTTPPushKeepsARecordAsSentAndRefusesOneNotUTF8", func(t *testing.T, e *env) {
		srv := e.server(t, hub.Options{})
		dev, token := e.enrol(t, testUnit)
		_, otherToken := e.enrol(t, testUnit)
		l := newLaptop(dev, testUnit)
		es := l.news(1)
		rec, err := json.MarshalIndent(es[0].Record, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		// Spaced out, and with a field a newer mach may send.
		rec = append(rec[:len(rec)-1], []byte(`, "later_field": {"x": 1}}`)...)
		body := fmt.Appendf(nil, `{"device":%q,"epoch":1,"entries":[{"epoch":1,"seq":1,"record":%s}]}`, dev, rec)
		do(t, srv, http.MethodPost, protocol.PathPush, token, body).decode(t, &protocol.PushResponse{})
		var pulled protocol.PullResponse
		do(t, srv, http.MethodGet, protocol.PathPull+"?after=0", otherToken, nil).decode(t, &pulled)
		if len(pulled.Records) != 1 || !sameRecord(pulled.Records[0], es[0].Record) {
			t.Fatalf("pulled %+v, want the record pushed", pulled.Records)
		}
		var export bytes.Buffer
		if err := e.st.Export(&export, ""); err != nil || !json.Valid(export.Bytes()) || !bytes.Contains(export.Bytes(), rec) {
			t.Fatalf("the export is not JSON holding the record as sent (%v):\n%s", err, export.Bytes())
		}
		bad := l.news(1)
		badRec, _ := json.Marshal(bad[0].Record)
		badRec = bytes.Replace(badRec, []byte(`"kind":"`), []byte("\"kind\":\"\xff"), 1)
		body = fmt.Appendf(nil, `{"device":%q,"epoch":1,"entries":[{"epoch":1,"seq":2,"record":%s}]}`, dev, badRec)
		e.unchanged(t, func() {
			msg := wantError(t, do(t, srv, http.MethodPost, protocol.PathPush, token, body), http.StatusBadRequest, protocol.CodeBadRequest).Message
			if !strings.Contains(msg, "UTF-8") {
				t.Fatalf("message %q does not say the record is not UTF-8", msg)
			}
		})
	}},
	{"HTTPAdminRoutes", func(t *testing.T, e *env) {
		srv := e.server(t, hub.Options{})
		var code protocol.CodeResponse
		sendJSON(t, srv, http.MethodPost, protocol.PathAdminCodes, adminToken, protocol.CodeRequest{Unit: testUnit, TTLSeconds: 3600}).decode(t, &code)
		dev := record.NewID(time.Now())
		var enrolled protocol.EnrollResponse
		sendJSON(t, srv, http.MethodPost, protocol.PathEnroll, "", protocol.EnrollRequest{Code: code.Code, Device: dev, Name: "Máy chị Lan"}).decode(t, &enrolled)
		var devices []protocol.DeviceInfo
		do(t, srv, http.MethodGet, protocol.PathAdminDevices, adminToken, nil).decode(t, &devices)
		if len(devices) != 1 || devices[0].ID != dev || devices[0].Name != "Máy chị Lan" || devices[0].Unit != testUnit {
			t.Fatalf("devices %+v", devices)
		}
		var tok protocol.TokenResponse
		sendJSON(t, srv, http.MethodPost, protocol.PathAdminTokens, adminToken, protocol.TokenRequest{Name: "Sở"}).decode(t, &tok)
		if id, err := e.st.Authenticate(tok.Token); err != nil || id.Role != hub.RoleCoordinator {
			t.Fatalf("coordinator token: %+v, %v", id, err)
		}
		wantError(t, sendJSON(t, srv, http.MethodPost, protocol.PathAdminRevoke, adminToken, protocol.RevokeRequest{Device: record.NewID(time.Now())}),
			http.StatusNotFound, protocol.CodeNotFound)
		sendJSON(t, srv, http.MethodPost, protocol.PathAdminRevoke, adminToken, protocol.RevokeRequest{Device: dev}).decode(t, &struct{}{})
		if _, err := e.st.Authenticate(enrolled.Token); err == nil {
			t.Fatal("the revoked token still works")
		}
		a := do(t, srv, http.MethodGet, protocol.PathAdminExport, adminToken, nil)
		if a.status != http.StatusOK || !json.Valid(a.body) {
			t.Fatalf("export: %d %s", a.status, a.body)
		}
	}},
	{"HTTPImportedBundleIsStoredOnce", func(t *testing.T, e *env) {
		srv := e.server(t, hub.Options{})
		dev, token := e.enrol(t, testUnit)
		l := newLaptop(dev, testUnit)
		es := l.news(protocol.MaxBatchEntries + 20)
		bundle := protocol.Bundle{Format: protocol.BundleFormat, Device: dev, Unit: testUnit, Epoch: 1, Entries: es}
		var first protocol.ImportResponse
		sendJSON(t, srv, http.MethodPost, protocol.PathAdminImport, adminToken, bundle).decode(t, &first)
		if first.New != len(es) || first.Acked != uint64(len(es)) {
			t.Fatalf("import = %+v, want all %d new", first, len(es))
		}
		var again protocol.ImportResponse
		sendJSON(t, srv, http.MethodPost, protocol.PathAdminImport, adminToken, bundle).decode(t, &again)
		if again.New != 0 || again.Acked != first.Acked {
			t.Fatalf("second import = %+v, want nothing new", again)
		}
		// The laptop then pushes what it bundled: a replay.
		var pushed protocol.PushResponse
		sendJSON(t, srv, http.MethodPost, protocol.PathPush, token, l.batch(es[:protocol.MaxBatchEntries]...)).decode(t, &pushed)
		if pushed.Acked != first.Acked || e.logCount(t) != len(es) {
			t.Fatalf("push after the import = %+v; %d versions held, want %d", pushed, e.logCount(t), len(es))
		}
	}},
}
