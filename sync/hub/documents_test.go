package hub

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"

	"mach/sync/protocol"
)

// profileDoc is a small valid check profile of version.
func profileDoc(version int) protocol.Document {
	return protocol.Document{Kind: protocol.DocProfile, ID: "e2e", Version: version, Data: fmt.Appendf(nil, `id: e2e
version: %d
targets:
  - name: Máy chủ thử
    host: 127.0.0.1
    port: 9
    probes: [tcp]
`, version)}
}

func (h *hubTest) publish(t *testing.T, doc protocol.Document) answer {
	t.Helper()
	body, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return h.do(t, http.MethodPost, protocol.PathAdminPublish, adminToken, body)
}

func TestPublishRefusesOlderAndBrokenDocuments(t *testing.T) {
	h := newHubTest(t, Options{AdminToken: adminToken})
	if a := h.publish(t, profileDoc(2)); a.status != http.StatusOK {
		t.Fatalf("publish profile 2: %d %s", a.status, a.body)
	}
	broken := profileDoc(3)
	broken.Data = []byte(strings.Replace(string(broken.Data), "[tcp]", "[tcp, ping]", 1))
	mislabelled := profileDoc(3)
	mislabelled.Version = 4
	unknown := profileDoc(3)
	unknown.Kind = "manual"
	for _, tc := range []struct {
		name string
		doc  protocol.Document
		want string
	}{
		{"same version", profileDoc(2), "version 2"},
		{"older version", profileDoc(1), "version 2"},
		{"broken YAML", broken, "profile.yaml:7:"},
		{"version not the YAML's", mislabelled, "version 3"},
		{"unknown kind", unknown, "manual"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h.unchanged(t, func() {
				e := wantError(t, h.publish(t, tc.doc), http.StatusBadRequest, protocol.CodeBadRequest)
				if !strings.Contains(e.Message, tc.want) {
					t.Errorf("message %q does not say %q", e.Message, tc.want)
				}
			})
		})
	}
	if a := h.publish(t, profileDoc(3)); a.status != http.StatusOK {
		t.Fatalf("publish profile 3: %d %s", a.status, a.body)
	}
	docs, err := h.b.Documents()
	if err != nil || len(docs) != 1 || docs[0].Version != 3 {
		t.Fatalf("Documents = %+v, %v; want profile 3 only", docs, err)
	}
}

func TestPullReturnsOnlyNewerDocuments(t *testing.T) {
	h := newHubTest(t, Options{AdminToken: adminToken})
	_, token := enrolTest(t, h.b, testUnit)
	data, err := os.ReadFile("../../checks/survey/testdata/sample.yaml")
	if err != nil {
		t.Fatal(err)
	}
	checklist := protocol.Document{Kind: protocol.DocChecklist, ID: "sample", Version: 3, Data: data}
	for _, d := range []protocol.Document{checklist, profileDoc(2)} {
		if a := h.publish(t, d); a.status != http.StatusOK {
			t.Fatalf("publish %s: %d %s", d.Kind, a.status, a.body)
		}
	}
	for _, tc := range []struct {
		query string
		want  string
	}{
		{"", "checklist 3, profile 2"},
		{"?checklist=3&profile=1", "profile 2"},
		{"?checklist=2&profile=2", "checklist 3"},
		{"?after=0&checklist=3&profile=2", ""},
		{"?checklist=9&profile=9", ""},
	} {
		a := h.do(t, http.MethodGet, protocol.PathPull+tc.query, token, nil)
		var resp protocol.PullResponse
		if a.status != http.StatusOK || json.Unmarshal(a.body, &resp) != nil {
			t.Fatalf("pull%s: %d %s", tc.query, a.status, a.body)
		}
		var got []string
		for _, d := range resp.Documents {
			got = append(got, fmt.Sprintf("%s %d", d.Kind, d.Version))
			if d.Kind == protocol.DocProfile && string(d.Data) != string(profileDoc(2).Data) {
				t.Errorf("pull%s: the profile's YAML is not as published", tc.query)
			}
		}
		if strings.Join(got, ", ") != tc.want {
			t.Errorf("pull%s answered documents %v, want %q", tc.query, got, tc.want)
		}
	}
	wantError(t, h.do(t, http.MethodGet, protocol.PathPull+"?profile=two", token, nil), http.StatusBadRequest, protocol.CodeBadRequest)
}

func TestExportHoldsThePublishedDocuments(t *testing.T) {
	b, _ := openTest(t)
	doc := profileDoc(2)
	if err := b.Publish(doc); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := b.Export(&buf, ""); err != nil {
		t.Fatal(err)
	}
	var out struct {
		Documents []protocol.Document `json:"documents"`
	}
	if err := json.Unmarshal(buf.Bytes(), &out); err != nil {
		t.Fatalf("export is not JSON: %v", err)
	}
	if len(out.Documents) != 1 || out.Documents[0].Version != 2 || !bytes.Equal(out.Documents[0].Data, doc.Data) {
		t.Fatalf("export documents = %+v", out.Documents)
	}
}
