package client

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"mach/sync/protocol"
	"mach/sync/record"
)

// profileDoc is a small check profile of version; broken names a probe that
// does not exist.
func profileDoc(version int, broken bool) protocol.Document {
	probes := "[tcp]"
	if broken {
		probes = "[tcp, ping]"
	}
	return protocol.Document{Kind: protocol.DocProfile, ID: "e2e", Version: version, Data: fmt.Appendf(nil, `id: e2e
version: %d
targets:
  - name: Máy chủ thử
    host: 127.0.0.1
    port: 9
    probes: %s
`, version, probes)}
}

// pullWith answers the next pull with docs and no records, and keeps the
// query it came with.
func pullWith(query *url.Values, docs ...protocol.Document) fault {
	return func(_ *fakeHub, w http.ResponseWriter, r *http.Request, _ []byte) {
		*query = r.URL.Query()
		writeJSON(w, http.StatusOK, protocol.PullResponse{Records: []record.Record{}, Documents: docs})
	}
}

func TestPullKeepsNewerDocumentsAndIgnoresBrokenOnes(t *testing.T) {
	f := newFixture(t)
	c := f.client(t, nil)
	var first, second url.Values
	mislabelled := profileDoc(4, false)
	mislabelled.Version = 7
	f.hub.inject(protocol.PathPull, pullWith(&first, profileDoc(2, false)))
	f.hub.inject(protocol.PathPull, pullWith(&second, profileDoc(3, true), mislabelled))
	syncOK(t, c, f.st)
	if first.Get(protocol.QueryProfile) != "0" || first.Get(protocol.QueryChecklist) != "0" {
		t.Fatalf("first pull sent %v, want checklist=0 and profile=0", first)
	}
	v, data, err := f.st.Document(protocol.DocProfile)
	if err != nil || v != 2 || string(data) != string(profileDoc(2, false).Data) {
		t.Fatalf("Document(profile) = %d, %q, %v; want version 2 as published", v, data, err)
	}

	syncOK(t, c, f.st)
	if second.Get(protocol.QueryProfile) != "2" {
		t.Fatalf("second pull sent %v, want profile=2", second)
	}
	if v, data, err = f.st.Document(protocol.DocProfile); err != nil || v != 2 || string(data) != string(profileDoc(2, false).Data) {
		t.Fatalf("after broken documents, Document(profile) = %d, %q, %v; want version 2 kept", v, data, err)
	}
	if v, _, err := f.st.Document(protocol.DocChecklist); v != 0 || err != nil {
		t.Fatalf("Document(checklist) = %d, %v; want none", v, err)
	}
}
