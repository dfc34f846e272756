package hub

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"

	"go.etcd.io/bbolt"

	"mach/sync/document"
	"mach/sync/protocol"
)

// Publish keeps doc as the latest document of its kind, unless the one held
// has the same version or a higher one.
func (b *Bolt) Publish(doc protocol.Document) error {
	value, err := json.Marshal(doc)
	if err != nil {
		return fmt.Errorf("encode document: %w", err)
	}
	err = b.db.Update(func(tx *bbolt.Tx) error {
		docs := tx.Bucket(bucketDocuments)
		if old := docs.Get([]byte(doc.Kind)); old != nil {
			var held protocol.Document
			if err := json.Unmarshal(old, &held); err != nil {
				return fmt.Errorf("decode %s document: %w", doc.Kind, err)
			}
			if doc.Version <= held.Version {
				return fmt.Errorf("%w: the hub holds %s %q version %d; publish a version above it",
					ErrInvalid, doc.Kind, held.ID, held.Version)
			}
		}
		if err := docs.Put([]byte(doc.Kind), value); err != nil {
			return err
		}
		if doc.Kind == protocol.DocChecklist {
			// Progress is measured against the new checklist from now on.
			return markAllDirty(tx)
		}
		return nil
	})
	if err == nil && doc.Kind == protocol.DocChecklist {
		b.kickRefresh()
	}
	return err
}

// Documents returns the latest document of each kind, in kind order.
func (b *Bolt) Documents() ([]protocol.Document, error) {
	var out []protocol.Document
	err := b.db.View(func(tx *bbolt.Tx) error {
		return tx.Bucket(bucketDocuments).ForEach(func(k, v []byte) error {
			var doc protocol.Document
			if err := json.Unmarshal(v, &doc); err != nil {
				return fmt.Errorf("decode %s document: %w", k, err)
			}
			out = append(out, doc)
			return nil
		})
	})
	return out, err
}

// publish takes a checklist or profile for the laptops to pull: 400 with the
// reason (file:line: reason for a broken YAML) when it is refused.
func (a *admin) publish(w http.ResponseWriter, r *http.Request) {
	var doc protocol.Document
	if !decodeBody(w, r, &doc) {
		return
	}
	if err := document.Check(doc); err != nil {
		writeError(w, http.StatusBadRequest, protocol.CodeBadRequest, err.Error())
		return
	}
	if err := a.s.st.Publish(doc); err != nil {
		a.s.fail(w, r, err)
		return
	}
	a.s.log.InfoContext(r.Context(), "document published", "kind", doc.Kind, "id", doc.ID, "version", doc.Version)
	writeJSON(w, http.StatusOK, struct{}{})
}

// newerDocuments returns the documents held whose versions are above those
// the device sent as query parameters; an unreadable version is an
// ErrInvalid.
func (s *server) newerDocuments(r *http.Request) ([]protocol.Document, error) {
	have := map[string]int{}
	for kind, param := range map[string]string{protocol.DocChecklist: protocol.QueryChecklist, protocol.DocProfile: protocol.QueryProfile} {
		v := r.URL.Query().Get(param)
		if v == "" {
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return nil, fmt.Errorf("%w: %s=%q is not a version", ErrInvalid, param, v)
		}
		have[kind] = n
	}
	docs, err := s.st.Documents()
	if err != nil {
		return nil, err
	}
	var out []protocol.Document
	for _, d := range docs {
		if d.Version > have[d.Kind] {
			out = append(out, d)
		}
	}
	return out, nil
}
