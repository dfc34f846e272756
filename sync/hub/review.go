package hub

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"mach/sync/protocol"
	"mach/sync/record"
	"mach/sync/report"
	"mach/sync/review"
)

// review takes a coordinator's review of one section of a unit and keeps
// it as a record by the coordinator, which the unit's laptops pull. The
// same request sent again gets the record kept the first time.
func (s *server) review(w http.ResponseWriter, r *http.Request) {
	name, ok := s.coordinatorName(w, r)
	if !ok {
		return
	}
	var req protocol.ReviewRequest
	if !decodeBody(w, r, &req) {
		return
	}
	if !record.ValidID(req.ID) {
		s.fail(w, r, fmt.Errorf("%w: record id %q is not a ULID", ErrInvalid, req.ID))
		return
	}
	if _, ok := s.unitsOrFail(w, r, req.Unit); !ok {
		return
	}
	docs, err := s.st.Documents()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	c, err := report.Checklist(docs)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := req.Review.Check(c); err != nil {
		s.fail(w, r, fmt.Errorf("%w: %v", ErrInvalid, err))
		return
	}
	body, err := json.Marshal(req.Review)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.clockMu.Lock()
	v := record.Version{Time: s.clock.Next(), Device: record.HubDevice}
	s.clockMu.Unlock()
	rec := record.Record{ID: req.ID, Kind: review.Kind, Unit: req.Unit, Body: body, Version: v,
		Device: record.HubDevice, Author: name, Saved: s.now().UTC()}
	stored, err := s.st.Write(rec)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !stored {
		held, err := s.st.History(req.Unit, req.ID)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if len(held) == 0 || held[0].Kind != review.Kind {
			s.fail(w, r, fmt.Errorf("%w: record id %s is another record's", ErrInvalid, req.ID))
			return
		}
		rec = held[0]
	}
	s.log.InfoContext(r.Context(), "review", "unit", req.Unit, "section", req.Review.Section,
		"state", req.Review.State, "stored", stored)
	writeJSON(w, http.StatusOK, protocol.ReviewResponse{Record: rec, Stored: stored})
}

// history answers every version held of one record of a unit; 404 for a
// unit not of the province or a record not held.
func (s *server) history(w http.ResponseWriter, r *http.Request) {
	if !s.coordinator(w, r) {
		return
	}
	code, id, ok := strings.Cut(strings.TrimPrefix(r.URL.Path, protocol.PathHistory), "/")
	if !ok || code == "" || id == "" {
		writeError(w, http.StatusNotFound, protocol.CodeNotFound, "no record: "+protocol.PathHistory+"CODE/ID")
		return
	}
	if _, ok := s.unitsOrFail(w, r, code); !ok {
		return
	}
	versions, err := s.st.History(code, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if len(versions) == 0 {
		writeError(w, http.StatusNotFound, protocol.CodeNotFound, fmt.Sprintf("unit %s holds no record %q", code, id))
		return
	}
	writeJSON(w, http.StatusOK, protocol.HistoryResponse{Versions: versions})
}
