package app

import (
	"context"
	"time"

	"mach/checks/profile"
	"mach/checks/survey"
	"mach/sync/store"
)

// SyncReport is what one sync round did.
type SyncReport struct {
	Pushed, Pulled, Conflicts, Pending int
	// Checklist and Profile are the ones the province published that this
	// round brought, above the versions in use; nil when none came.
	Checklist *survey.Checklist
	Profile   *profile.Profile
}

// Syncer runs one sync round with the province hub; it returns the code of
// what went wrong ("" on success) as the store records it.
type Syncer func(ctx context.Context) (SyncReport, error)

// SyncStatus is what the status line says about sync.
type SyncStatus struct {
	// Enrolled says the device has a hub; nothing else matters before.
	Enrolled bool
	// Running says a round is under way.
	Running bool
	// State is the store's record of sync, as of the last round.
	State store.SyncState
}

// SyncLine says the sync status in a few words, in the officer's language.
func (s *Shared) SyncLine() string {
	tr, st := s.Tr, s.SyncStatus
	switch {
	case !st.Enrolled:
		return tr.T("syncstatus.not_enrolled")
	case st.Running:
		return tr.T("syncstatus.running", st.State.Pending)
	}
	last := tr.T("syncstatus.never")
	if !st.State.LastSuccess.IsZero() {
		last = tr.DateTime(st.State.LastSuccess)
	}
	return tr.T("syncstatus.line", st.State.Pending, last)
}

// SyncProblem says why the last round failed, in plain words; "" when it
// did not.
func (s *Shared) SyncProblem() string {
	code := s.SyncStatus.State.LastError
	if !s.SyncStatus.Enrolled || s.SyncStatus.Running || code == "" {
		return ""
	}
	key := "syncstatus.err." + code
	if !s.Tr.Has(key) {
		key = "syncstatus.err.internal"
	}
	return s.Tr.T("syncstatus.last_failed", s.Tr.T(key))
}

// SyncBackoff is how long to wait before the next round: a minute after a
// success, doubling after each failure up to ten minutes.
func SyncBackoff(failures int) time.Duration {
	d := time.Minute
	for range min(failures, 4) {
		d *= 2
	}
	return min(d, 10*time.Minute)
}
