package hub

import (
	"errors"
	"net/http"
	"strconv"

	"mach/sync/protocol"
)

// enroll exchanges a one-time code for a device token. It needs no token,
// so it is rate-limited by the caller's address.
func (s *server) enroll(w http.ResponseWriter, r *http.Request) {
	if !s.allow(w, addrKey(r)) {
		return
	}
	var req protocol.EnrollRequest
	if !decodeBody(w, r, &req) {
		return
	}
	resp, err := s.st.Enroll(req)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	noteDevice(r, req.Device)
	resp.Province = s.province
	writeJSON(w, http.StatusOK, resp)
}

// push stores a batch of the device's outbox and answers with what is held.
func (s *server) push(w http.ResponseWriter, r *http.Request) {
	id, ok := s.device(w, r)
	if !ok {
		return
	}
	var body pushBody
	if !decodeBody(w, r, &body) {
		return
	}
	req, raw, err := body.request()
	if err != nil {
		writeError(w, http.StatusBadRequest, protocol.CodeBadRequest, err.Error())
		return
	}
	if req.Device == "" {
		writeError(w, http.StatusBadRequest, protocol.CodeBadRequest, "the batch names no device")
		return
	}
	resp, err := s.st.Push(id.Device, id.Unit, req, raw...)
	if errors.Is(err, ErrGap) {
		writeJSON(w, http.StatusConflict, protocol.Error{Code: protocol.CodeGap, Message: err.Error(), Acked: &resp.Acked})
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, resp)
}

// pull answers the records of the device's unit that other devices wrote
// after the cursor in the query parameter "after" (0 when absent), and the
// documents newer than the versions in the query parameters "checklist" and
// "profile".
func (s *server) pull(w http.ResponseWriter, r *http.Request) {
	id, ok := s.device(w, r)
	if !ok {
		return
	}
	var after uint64
	if v := r.URL.Query().Get("after"); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			writeError(w, http.StatusBadRequest, protocol.CodeBadRequest, "after="+strconv.Quote(v)+" is not a cursor")
			return
		}
		after = n
	}
	docs, err := s.newerDocuments(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	resp, err := s.st.Pull(id.Device, id.Unit, after, protocol.MaxPullRecords)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	resp.Documents = docs
	if err := s.st.Seen(id.Unit, s.now()); err != nil {
		// The pull stands; only the dashboard's last sync may lag.
		s.log.Warn("last contact not noted", "unit", id.Unit, "err", err)
	}
	writeJSON(w, http.StatusOK, resp)
}
