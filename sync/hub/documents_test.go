package hub

import (
	"bytes"
	"encoding/json"
	"fmt"
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
