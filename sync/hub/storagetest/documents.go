package storagetest

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"strings"
	"testing"
	"time"

	"mach/assets"
	"mach/checks/survey"
	"mach/sync/hub"
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

// checklistV2 is the shipped checklist as version 2, asking for the
// officer's e-mail address too: one more required question in the first
// section.
func checklistV2(t *testing.T) protocol.Document {
	t.Helper()
	data, err := fs.ReadFile(assets.FS, survey.DefaultFile)
	if err != nil {
		t.Fatal(err)
	}
	data = bytes.Replace(data, []byte("version: 1"), []byte("version: 2"), 1)
	data = bytes.Replace(data, []byte("      - id: officer_email\n        type: text\n"),
		[]byte("      - id: officer_email\n        type: text\n        required: true\n"), 1)
	if !strings.Contains(string(data), "required: true\n        label: {vi: \"Địa chỉ thư công vụ\"") {
		t.Fatal("the test's edit of the checklist did not apply")
	}
	c, err := survey.Parse("v2.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	return protocol.Document{Kind: protocol.DocChecklist, ID: c.ID, Version: 2, Data: data}
}

var documentCases = []testCase{
	{"PublishRefusesOlderAndBrokenDocuments", func(t *testing.T, e *env) {
		srv := e.server(t, hub.Options{})
		if a := sendJSON(t, srv, http.MethodPost, protocol.PathAdminPublish, adminToken, profileDoc(2)); a.status != http.StatusOK {
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
				e.unchanged(t, func() {
					a := sendJSON(t, srv, http.MethodPost, protocol.PathAdminPublish, adminToken, tc.doc)
					if msg := wantError(t, a, http.StatusBadRequest, protocol.CodeBadRequest).Message; !strings.Contains(msg, tc.want) {
						t.Errorf("message %q does not say %q", msg, tc.want)
					}
				})
			})
		}
		if err := e.st.Publish(profileDoc(2)); !errors.Is(err, hub.ErrInvalid) {
			t.Fatalf("Publish of the version held = %v, want ErrInvalid", err)
		}
		if a := sendJSON(t, srv, http.MethodPost, protocol.PathAdminPublish, adminToken, profileDoc(3)); a.status != http.StatusOK {
			t.Fatalf("publish profile 3: %d %s", a.status, a.body)
		}
		docs, err := e.st.Documents()
		if err != nil || len(docs) != 1 || docs[0].Version != 3 || !bytes.Equal(docs[0].Data, profileDoc(3).Data) {
			t.Fatalf("Documents = %+v, %v; want profile 3 only", docs, err)
		}
	}},
	{"PullReturnsOnlyNewerDocuments", func(t *testing.T, e *env) {
		srv := e.server(t, hub.Options{})
		_, token := e.enrol(t, testUnit)
		if docs, err := e.st.Documents(); err != nil || len(docs) != 0 {
			t.Fatalf("Documents of a new storage = %+v, %v", docs, err)
		}
		for _, d := range []protocol.Document{checklistV2(t), profileDoc(2)} {
			if err := e.st.Publish(d); err != nil {
				t.Fatalf("publish %s: %v", d.Kind, err)
			}
		}
		for _, tc := range []struct {
			query string
			want  string
		}{
			{"", "checklist 2, profile 2"},
			{"?checklist=2&profile=1", "profile 2"},
			{"?checklist=1&profile=2", "checklist 2"},
			{"?after=0&checklist=2&profile=2", ""},
			{"?checklist=9&profile=9", ""},
		} {
			var resp protocol.PullResponse
			do(t, srv, http.MethodGet, protocol.PathPull+tc.query, token, nil).decode(t, &resp)
			var got []string
			for _, d := range resp.Documents {
				got = append(got, fmt.Sprintf("%s %d", d.Kind, d.Version))
				if d.Kind == protocol.DocProfile && !bytes.Equal(d.Data, profileDoc(2).Data) {
					t.Errorf("pull%s: the profile's YAML is not as published", tc.query)
				}
			}
			if strings.Join(got, ", ") != tc.want {
				t.Errorf("pull%s answered documents %v, want %q", tc.query, got, tc.want)
			}
		}
		wantError(t, do(t, srv, http.MethodGet, protocol.PathPull+"?profile=two", token, nil), http.StatusBadRequest, protocol.CodeBadRequest)
	}},
	{"DeadlinesInChecklistOrderSetAndCleared", func(t *testing.T, e *env) {
		if list, err := e.st.Deadlines(); err != nil || list == nil || len(list) != 0 {
			t.Fatalf("Deadlines of a new storage = %#v, %v; want an empty list", list, err)
		}
		due := time.Date(2026, 12, 10, 0, 0, 0, 0, time.FixedZone("ICT", 7*3600))
		for _, section := range []string{"links", "accounts", "equipment"} {
			if err := e.st.SetDeadline(protocol.Deadline{Section: section, Due: due}); err != nil {
				t.Fatal(err)
			}
		}
		list, err := e.st.Deadlines()
		if err != nil || len(list) != 3 || list[0].Section != "equipment" || list[1].Section != "links" || list[2].Section != "accounts" {
			t.Fatalf("Deadlines = %+v, %v; want equipment, links, accounts", list, err)
		}
		if !list[0].Due.Equal(due) {
			t.Fatalf("due %v, want %v", list[0].Due, due)
		}
		later := due.AddDate(0, 0, 5)
		if err := e.st.SetDeadline(protocol.Deadline{Section: "links", Due: later}); err != nil {
			t.Fatal(err)
		}
		if err := e.st.SetDeadline(protocol.Deadline{Section: "accounts"}); err != nil {
			t.Fatal(err)
		}
		list, _ = e.st.Deadlines()
		if len(list) != 2 || !list[1].Due.Equal(later) {
			t.Fatalf("after moving links and clearing accounts: %+v", list)
		}
		e.unchanged(t, func() {
			if err := e.st.SetDeadline(protocol.Deadline{Section: "nope", Due: due}); !errors.Is(err, hub.ErrInvalid) {
				t.Fatalf("SetDeadline of an unknown section = %v, want ErrInvalid", err)
			}
		})
	}},
}
