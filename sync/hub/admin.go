package hub

import (
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"net/http"
	"regexp"
	"time"

	"mach/sync/protocol"
)

// unitCode is the form of a unit's code: five digits.
var unitCode = regexp.MustCompile(`^[0-9]{5}$`)

// maxCodeTTL bounds how long an enrolment code may stay valid.
const maxCodeTTL = 30 * 24 * time.Hour

// admin answers the province's own commands, which run beside the hub on
// its machine and prove it with the admin token kept beside the data file.
type admin struct {
	s    *server
	hash [sha256.Size]byte
	now  func() time.Time
}

// mountAdmin adds the admin routes to mux, guarded by token.
func (s *server) mountAdmin(mux *http.ServeMux, token string, now func() time.Time) {
	a := &admin{s: s, hash: sha256.Sum256([]byte(token)), now: now}
	mux.Handle(protocol.PathAdminCodes, only(http.MethodPost, a.guard(a.codes)))
	mux.Handle(protocol.PathAdminDevices, only(http.MethodGet, a.guard(a.devices)))
	mux.Handle(protocol.PathAdminRevoke, only(http.MethodPost, a.guard(a.revoke)))
	mux.Handle(protocol.PathAdminTokens, only(http.MethodPost, a.guard(a.tokens)))
	mux.Handle(protocol.PathAdminExport, only(http.MethodGet, a.guard(a.export)))
	mux.Handle(protocol.PathAdminReport, only(http.MethodGet, a.guard(a.report)))
	mux.Handle(protocol.PathAdminImport, only(http.MethodPost, a.guard(a.importBundle)))
	mux.Handle(protocol.PathAdminPublish, only(http.MethodPost, a.guard(a.publish)))
}

// export streams everything the hub holds, or one unit's part (query
// parameter "unit"). Once the first byte is out an
// error can only cut the stream short, which the reader sees as bad JSON.
func (a *admin) export(w http.ResponseWriter, r *http.Request) {
	unit := r.URL.Query().Get("unit")
	if unit != "" && !unitCode.MatchString(unit) {
		writeError(w, http.StatusBadRequest, protocol.CodeBadRequest, "unit must be a 5-digit code")
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	if err := a.s.st.Export(w, unit); err != nil {
		a.s.log.ErrorContext(r.Context(), "hub export failed", "err", err)
	}
}

// guard lets through only requests with the admin token, and limits the
// others by address so that guessing it is slow.
func (a *admin) guard(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		sum := sha256.Sum256([]byte(bearerToken(r)))
		if subtle.ConstantTimeCompare(sum[:], a.hash[:]) != 1 {
			if a.s.allow(w, addrKey(r)) {
				writeError(w, http.StatusUnauthorized, protocol.CodeUnauthorized, "the admin token is wrong")
			}
			return
		}
		h(w, r)
	}
}

func (a *admin) codes(w http.ResponseWriter, r *http.Request) {
	var req protocol.CodeRequest
	if !decodeBody(w, r, &req) {
		return
	}
	ttl := time.Duration(req.TTLSeconds) * time.Second
	switch {
	case !unitCode.MatchString(req.Unit):
		writeError(w, http.StatusBadRequest, protocol.CodeBadRequest, "unit must be a 5-digit code")
		return
	case ttl <= 0 || ttl > maxCodeTTL:
		writeError(w, http.StatusBadRequest, protocol.CodeBadRequest, "ttl_seconds must be between 1 and 30 days")
		return
	}
	code, err := a.s.st.NewCode(req.Unit, ttl)
	if err != nil {
		a.s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, protocol.CodeResponse{Code: code, Unit: req.Unit, Expires: a.now().Add(ttl).UTC()})
}

func (a *admin) devices(w http.ResponseWriter, r *http.Request) {
	devs, err := a.s.st.Devices()
	if err != nil {
		a.s.fail(w, r, err)
		return
	}
	out := make([]protocol.DeviceInfo, 0, len(devs))
	for _, d := range devs {
		out = append(out, protocol.DeviceInfo{ID: d.ID, Unit: d.Unit, Name: d.Name, Enrolled: d.Enrolled, Revoked: d.Revoked})
	}
	writeJSON(w, http.StatusOK, out)
}

func (a *admin) revoke(w http.ResponseWriter, r *http.Request) {
	var req protocol.RevokeRequest
	if !decodeBody(w, r, &req) {
		return
	}
	if err := a.s.st.Revoke(req.Device); err != nil {
		if errors.Is(err, ErrNotFound) {
			writeError(w, http.StatusNotFound, protocol.CodeNotFound, "no such device: "+req.Device)
			return
		}
		a.s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, struct{}{})
}

func (a *admin) tokens(w http.ResponseWriter, r *http.Request) {
	var req protocol.TokenRequest
	if !decodeBody(w, r, &req) {
		return
	}
	if req.Name == "" {
		writeError(w, http.StatusBadRequest, protocol.CodeBadRequest, "name is required")
		return
	}
	token, err := a.s.st.NewCoordinatorToken(req.Name)
	if err != nil {
		a.s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, protocol.TokenResponse{Token: token})
}
