package hub

import (
	"cmp"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"

	"mach/checks/units"
	"mach/sync/protocol"
)

// coordinator authenticates a request of the read API: a coordinator's
// token, or the admin token of the province's own commands. On failure it
// has answered (401, 403 for a device's token, or 429) and returns false.
func (s *server) coordinator(w http.ResponseWriter, r *http.Request) bool {
	_, ok := s.coordinatorName(w, r)
	return ok
}

// adminName is who the province's own commands, bearing the admin token,
// write as.
const adminName = "admin"

// coordinatorName authenticates as coordinator does and says whose token
// it is: the coordinator's name, or adminName.
func (s *server) coordinatorName(w http.ResponseWriter, r *http.Request) (string, bool) {
	if s.adminHash != nil {
		sum := sha256.Sum256([]byte(bearerToken(r)))
		if subtle.ConstantTimeCompare(sum[:], s.adminHash) == 1 {
			return adminName, s.allow(w, adminName)
		}
	}
	id, ok := s.authenticate(w, r)
	if !ok {
		return "", false
	}
	if id.Role != RoleCoordinator {
		writeError(w, http.StatusForbidden, protocol.CodeForbidden, "a device token cannot read the province's data")
		return "", false
	}
	return id.Name, true
}

// directory is the official list of units, loaded once.
var directory = sync.OnceValues(units.Load)

// ReportUnits returns the units a view of province covers, by code: all of
// them, or the one whose code is unit when it is not empty. A unit that is
// not one of the province's is ErrUnknownUnit.
func ReportUnits(province, unit string) ([]units.Unit, error) {
	dir, err := directory()
	if err != nil {
		return nil, err
	}
	if unit != "" {
		u, ok := dir.Unit(unit)
		if !ok || u.Province != province {
			return nil, fmt.Errorf("%w: %q is not a unit of province %s", ErrUnknownUnit, unit, province)
		}
		return []units.Unit{u}, nil
	}
	us := dir.Units(province)
	slices.SortFunc(us, func(a, b units.Unit) int { return cmp.Compare(a.Code, b.Code) })
	return us, nil
}

// unitsOrFail returns ReportUnits(s.province, unit), or answers 404 for a
// unit not of the province (or the failure) and returns false.
func (s *server) unitsOrFail(w http.ResponseWriter, r *http.Request, unit string) ([]units.Unit, bool) {
	us, err := ReportUnits(s.province, unit)
	if errors.Is(err, ErrUnknownUnit) {
		writeError(w, http.StatusNotFound, protocol.CodeNotFound, err.Error())
		return nil, false
	}
	if err != nil {
		s.fail(w, r, err)
		return nil, false
	}
	return us, true
}

// units answers the dashboard's table: every unit of the province with its
// summary, and the deadlines.
func (s *server) units(w http.ResponseWriter, r *http.Request) {
	if !s.coordinator(w, r) {
		return
	}
	us, ok := s.unitsOrFail(w, r, "")
	if !ok {
		return
	}
	codes := make([]string, len(us))
	for i, u := range us {
		codes[i] = u.Code
	}
	sums, err := s.st.Summaries(codes)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for i := range sums {
		sums[i].Name = us[i].Name
	}
	deadlines, err := s.st.Deadlines()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	resp := protocol.UnitsResponse{Province: s.province, At: s.now().UTC(), Units: sums, Deadlines: deadlines}
	docs, err := s.newerDocuments(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, d := range docs {
		if d.Kind == protocol.DocChecklist {
			resp.Checklist = &d
		}
	}
	writeJSON(w, http.StatusOK, resp)
}

// unit answers one unit's drill-down; 404 for a code that is not a unit of
// the province.
func (s *server) unit(w http.ResponseWriter, r *http.Request) {
	if !s.coordinator(w, r) {
		return
	}
	code := strings.TrimPrefix(r.URL.Path, protocol.PathUnit)
	if code == "" {
		writeError(w, http.StatusNotFound, protocol.CodeNotFound, "no unit: "+protocol.PathUnit+"CODE")
		return
	}
	us, ok := s.unitsOrFail(w, r, code)
	if !ok {
		return
	}
	u := us[0]
	d, err := s.st.UnitDetail(u.Code)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d.Summary.Name = u.Name
	writeJSON(w, http.StatusOK, d)
}

// deadlines answers GET with the deadlines and takes PUT of one Deadline
// (a zero Due clears it), answering with the deadlines after it.
func (s *server) deadlines(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodPut {
		w.Header().Set("Allow", "GET, PUT")
		writeError(w, http.StatusMethodNotAllowed, protocol.CodeMethodNotAllowed, r.URL.Path+" takes GET or PUT")
		return
	}
	if !s.coordinator(w, r) {
		return
	}
	if r.Method == http.MethodPut {
		var d protocol.Deadline
		if !decodeBody(w, r, &d) {
			return
		}
		if err := s.st.SetDeadline(d); err != nil {
			s.fail(w, r, err)
			return
		}
		s.log.InfoContext(r.Context(), "deadline set", "section", d.Section, "due", d.Due)
	}
	list, err := s.st.Deadlines()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, protocol.DeadlinesResponse{Deadlines: list})
}
