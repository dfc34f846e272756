package hub

import (
	"encoding/json"
	"net/http"
	"testing"

	"mach/sync/protocol"
	"mach/sync/record"
)

const adminToken = "admin-secret-for-tests"

func TestAdminNeedsItsToken(t *testing.T) {
	h := newHubTest(t, Options{AdminToken: adminToken})
	body, _ := json.Marshal(protocol.CodeRequest{Unit: "13285", TTLSeconds: 3600})
	h.unchanged(t, func() {
		wantError(t, h.do(t, http.MethodPost, protocol.PathAdminCodes, "", body), http.StatusUnauthorized, protocol.CodeUnauthorized)
		wantError(t, h.do(t, http.MethodPost, protocol.PathAdminCodes, "wrong", body), http.StatusUnauthorized, protocol.CodeUnauthorized)
	})
	// Without an admin token the routes do not exist at all.
	bare := newHubTest(t, Options{})
	wantError(t, bare.do(t, http.MethodPost, protocol.PathAdminCodes, adminToken, body), http.StatusNotFound, protocol.CodeNotFound)
}

func TestAdminCodeEnrolsDevicesAndRevokes(t *testing.T) {
	h := newHubTest(t, Options{AdminToken: adminToken})
	body, _ := json.Marshal(protocol.CodeRequest{Unit: "13285", TTLSeconds: 3600})
	a := h.do(t, http.MethodPost, protocol.PathAdminCodes, adminToken, body)
	var code protocol.CodeResponse
	if a.status != http.StatusOK || json.Unmarshal(a.body, &code) != nil || code.Code == "" || code.Unit != "13285" {
		t.Fatalf("new code: %d %s", a.status, a.body)
	}
	device := record.NewID(h.clock.now())
	enrol, _ := json.Marshal(protocol.EnrollRequest{Code: code.Code, Device: device, Name: "laptop"})
	a = h.do(t, http.MethodPost, protocol.PathEnroll, "", enrol)
	var got protocol.EnrollResponse
	if a.status != http.StatusOK || json.Unmarshal(a.body, &got) != nil || got.Unit != "13285" {
		t.Fatalf("enrol with the admin's code: %d %s", a.status, a.body)
	}
	a = h.do(t, http.MethodGet, protocol.PathAdminDevices, adminToken, nil)
	var devs []protocol.DeviceInfo
	if json.Unmarshal(a.body, &devs) != nil || len(devs) != 1 || devs[0].ID != device || !devs[0].Revoked.IsZero() {
		t.Fatalf("devices: %s", a.body)
	}
	revoke, _ := json.Marshal(protocol.RevokeRequest{Device: device})
	if a = h.do(t, http.MethodPost, protocol.PathAdminRevoke, adminToken, revoke); a.status != http.StatusOK {
		t.Fatalf("revoke: %d %s", a.status, a.body)
	}
	wantError(t, h.do(t, http.MethodGet, protocol.PathPull, got.Token, nil), http.StatusUnauthorized, protocol.CodeUnauthorized)
	unknown, _ := json.Marshal(protocol.RevokeRequest{Device: "nobody"})
	wantError(t, h.do(t, http.MethodPost, protocol.PathAdminRevoke, adminToken, unknown), http.StatusNotFound, protocol.CodeNotFound)
}

func TestAdminRefusesBadCodeRequests(t *testing.T) {
	h := newHubTest(t, Options{AdminToken: adminToken})
	for _, req := range []protocol.CodeRequest{{Unit: "1328", TTLSeconds: 60}, {Unit: "13285", TTLSeconds: 0}, {Unit: "13285", TTLSeconds: 365 * 86400}} {
		body, _ := json.Marshal(req)
		h.unchanged(t, func() {
			wantError(t, h.do(t, http.MethodPost, protocol.PathAdminCodes, adminToken, body), http.StatusBadRequest, protocol.CodeBadRequest)
		})
	}
	tok, _ := json.Marshal(protocol.TokenRequest{Name: "Sở KH&CN"})
	a := h.do(t, http.MethodPost, protocol.PathAdminTokens, adminToken, tok)
	var tr protocol.TokenResponse
	if a.status != http.StatusOK || json.Unmarshal(a.body, &tr) != nil || tr.Token == "" {
		t.Fatalf("coordinator token: %d %s", a.status, a.body)
	}
	if id, err := h.b.Authenticate(tr.Token); err != nil || id.Role != RoleCoordinator {
		t.Fatalf("the coordinator token authenticates as %+v, %v", id, err)
	}
}

func TestAdminExportStreamsEverything(t *testing.T) {
	h := newHubTest(t, Options{AdminToken: adminToken})
	device, token := enrolTest(t, h.b, "13285")
	l := newLaptop(device, "13285")
	if a := h.push(t, token, l.batch(l.news(3)...)); a.status != http.StatusOK {
		t.Fatalf("push: %d %s", a.status, a.body)
	}
	a := h.do(t, http.MethodGet, protocol.PathAdminExport, adminToken, nil)
	var doc map[string]any
	if a.status != http.StatusOK || json.Unmarshal(a.body, &doc) != nil {
		t.Fatalf("export: %d %s", a.status, a.body)
	}
	if recs, _ := doc["records"].([]any); len(recs) != 3 {
		t.Fatalf("export holds %d records, want 3: %s", len(recs), a.body)
	}
	wantError(t, h.do(t, http.MethodGet, protocol.PathAdminExport, token, nil), http.StatusUnauthorized, protocol.CodeUnauthorized)
}
