package protocol

import (
	"time"

	"mach/sync/record"
	"mach/sync/review"
)

// The hub's read API, for the coordinator's dashboard and reports. Every
// request carries a coordinator token; a device token gets 403 (CodeForbidden).
const (
	// PathUnits answers GET with a UnitsResponse: one summary per unit of
	// the hub's province, enrolled or not.
	PathUnits = "/v1/units"
	// PathUnit + CODE answers GET with a UnitDetail for one unit.
	PathUnit = "/v1/units/"
	// PathDeadlines answers GET with the deadlines (DeadlinesResponse) and
	// takes PUT of a Deadline to set one (a zero Due clears it).
	PathDeadlines = "/v1/deadlines"
	// PathReviews takes POST of a ReviewRequest from a coordinator and
	// answers with a ReviewResponse.
	PathReviews = "/v1/reviews"
	// PathHistory + CODE + "/" + ID answers GET with a HistoryResponse:
	// every version the hub holds of one record of the unit.
	PathHistory = "/v1/history/"
)

// Flags of a unit on the dashboard, stable codes.
const (
	// FlagNotStarted: no record has reached the hub for the unit.
	FlagNotStarted = "not_started"
	// FlagStale: the last sync is more than StaleAfter ago.
	FlagStale = "stale"
	// FlagFailing: the latest check run of some network failed.
	FlagFailing = "failing_checks"
	// FlagOverdue: a section is incomplete past its deadline.
	FlagOverdue = "overdue"
	// FlagConflicts: the unit has conflicts its officer has not settled.
	FlagConflicts = "conflicts"
)

// StaleAfter is how long without a sync makes a unit stale.
const StaleAfter = 72 * time.Hour

// Verdicts of a network's latest check run.
const (
	VerdictPass = "pass"
	VerdictWarn = "warn"
	VerdictFail = "fail"
)

// UnitsResponse is the dashboard's table.
type UnitsResponse struct {
	// Province is the hub's province code.
	Province string `json:"province"`
	// At is when the hub computed the answer.
	At time.Time `json:"at"`
	// Units are every unit of the province, by code.
	Units []UnitSummary `json:"units"`
	// Deadlines are the due dates the coordinator set.
	Deadlines []Deadline `json:"deadlines,omitempty"`
	// Checklist is the checklist the hub counts progress against, when the
	// province published one above the version the dashboard named in the
	// query parameter QueryChecklist (0 when absent).
	Checklist *Document `json:"checklist,omitempty"`
}

// UnitSummary is one unit's row on the dashboard.
type UnitSummary struct {
	Code string `json:"code"`
	Name string `json:"name"`
	// Devices counts the unit's enrolled devices that are not revoked.
	Devices int `json:"devices"`
	// LastSync is the last time a device of the unit pushed records, or
	// pulled (to the hour); zero if never.
	LastSync time.Time `json:"last_sync,omitzero"`
	// Records counts the unit's current records, tombstones left out.
	Records int `json:"records"`
	// Answered and Required count the required questions (and tables with
	// rows) the checklist asks of the unit and how many are answered.
	Answered int `json:"answered"`
	Required int `json:"required"`
	// Sections are each section's progress, in checklist order.
	Sections []SectionProgress `json:"sections"`
	// Networks are the verdicts of the latest check run of each network.
	Networks []NetworkVerdict `json:"networks,omitempty"`
	// Accounts counts account rows by action (keep, change, revoke, issue).
	Accounts map[string]int `json:"accounts,omitempty"`
	// Datasets counts the backup table's rows; BackupsVerified those backed
	// up and verified, Handovers those with handover minutes.
	Datasets        int `json:"datasets"`
	BackupsVerified int `json:"backups_verified"`
	Handovers       int `json:"handovers"`
	// Conflicts counts records with versions not yet settled.
	Conflicts int `json:"conflicts"`
	// Flags are the dashboard's warnings (Flag… codes).
	Flags []string `json:"flags,omitempty"`
	// Suggestions are the automatic flags that suggest a review, each
	// with its reason, computed from the unit's records.
	Suggestions []Suggestion `json:"suggestions,omitempty"`
}

// Codes of the automatic flags that suggest a review (Suggestion.Code).
const (
	// SuggestNoBackupVerified: no dataset of the backup table is backed up
	// and verified. Args: the datasets listed.
	SuggestNoBackupVerified = "no_backup_verified"
	// SuggestCertExpiring: a digital-signature certificate expires within
	// CertExpiringWithin (or has expired). Args: the certificate's holder
	// or row label, its expiry date (YYYY-MM-DD), the days left.
	SuggestCertExpiring = "cert_expiring"
	// SuggestBandwidthShort: a link's contracted bandwidth is far above
	// what the checks measured. Args: the link, contracted Mbit/s,
	// measured Mbit/s.
	SuggestBandwidthShort = "bandwidth_short"
	// SuggestNoEquipment: the equipment table has no row.
	SuggestNoEquipment = "no_equipment"
	// SuggestOldChecklist: a section was answered against an older
	// checklist version than the latest. Args: the version answered, the
	// latest.
	SuggestOldChecklist = "old_checklist"
)

// CertExpiringWithin is how close a certificate's expiry makes a
// SuggestCertExpiring.
const CertExpiringWithin = 30 * 24 * time.Hour

// Suggestion is one automatic flag that suggests a review: what, in which
// section, and the figures its reason quotes.
type Suggestion struct {
	// Code is one of the Suggest… codes.
	Code string `json:"code"`
	// Section is the id of the checklist section it concerns.
	Section string `json:"section,omitempty"`
	// Args are the figures the reason's sentence quotes, in the order the
	// code's comment gives.
	Args []string `json:"args,omitempty"`
}

// SectionProgress is one checklist section's progress for a unit.
type SectionProgress struct {
	Section  string `json:"section"`
	Answered int    `json:"answered"`
	Required int    `json:"required"`
	// Overdue says the section is incomplete past its deadline.
	Overdue bool `json:"overdue,omitempty"`
	// Review is the section's review state (a review.State); empty for
	// review.Unreviewed.
	Review string `json:"review,omitempty"`
	// Replied says an officer answered, fix done, the review that sent
	// the section back.
	Replied bool `json:"replied,omitempty"`
}

// NetworkVerdict is the outcome of the latest check run on one network.
type NetworkVerdict struct {
	Network string    `json:"network"`
	Verdict string    `json:"verdict"`
	At      time.Time `json:"at"`
}

// UnitDetail is one unit's drill-down: its summary, every current record
// (tombstones left out) and the history of its devices' syncs.
type UnitDetail struct {
	Summary UnitSummary     `json:"summary"`
	Records []record.Record `json:"records"`
	Syncs   []SyncEvent     `json:"syncs"`
}

// SyncEvent is one push the hub took from a device of the unit.
type SyncEvent struct {
	Device string    `json:"device"`
	At     time.Time `json:"at"`
	// Records counts the new record versions the push stored.
	Records int `json:"records"`
}

// Deadline is when a checklist section is due; a zero Due clears it.
type Deadline struct {
	Section string    `json:"section"`
	Due     time.Time `json:"due,omitzero"`
}

// DeadlinesResponse lists the deadlines set.
type DeadlinesResponse struct {
	Deadlines []Deadline `json:"deadlines"`
}

// ReviewRequest is a coordinator's review of one section of a unit. The
// hub makes it a record of kind review.Kind, by the coordinator, in the
// unit's log, where every laptop of the unit pulls it.
type ReviewRequest struct {
	// ID is the new record's id, a ULID the coordinator's program made:
	// a request sent again (after a timeout) stores nothing twice.
	ID string `json:"id"`
	// Unit is the 5-digit code of the unit reviewed.
	Unit string `json:"unit"`
	// Review is the decision, its comment and what it points at.
	Review review.Review `json:"review"`
}

// ReviewResponse is the review record as the hub keeps it.
type ReviewResponse struct {
	Record record.Record `json:"record"`
	// Stored is false when the hub held the record already: a retry.
	Stored bool `json:"stored"`
}

// HistoryResponse is every version the hub holds of one record, oldest
// first (by Version), tombstones and concurrent versions included.
type HistoryResponse struct {
	Versions []record.Record `json:"versions"`
}
