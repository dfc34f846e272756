// Package protocol is the wire format between a laptop and the province hub:
// JSON over HTTPS, the paths, the request and answer bodies, the limits and
// the error codes. Both sides import it so that they cannot disagree.
//
// It holds types and constants only, no behaviour.
package protocol

import (
	"time"

	"mach/sync/record"
)

// Paths of the hub's API. Every request but enrolment carries the device's
// (or a coordinator's) token as "Authorization: Bearer TOKEN".
const (
	PathEnroll = "/v1/enroll"
	PathPush   = "/v1/push"
	PathPull   = "/v1/pull"
	// PathSpeed is where the hub mounts the latency and throughput handler
	// of the connectivity checks (checks/speed).
	PathSpeed = "/speed"
)

// Limits a push must respect; the hub refuses a larger one with 413.
const (
	// MaxBatchEntries is the most outbox entries in one push.
	MaxBatchEntries = 500
	// MaxBodyBytes is the largest request body the hub reads.
	MaxBodyBytes = 4 << 20
	// MaxPullRecords is the most records one pull answers with.
	MaxPullRecords = 1000
)

// EnrollRequest exchanges a one-time enrolment code for a device token.
type EnrollRequest struct {
	// Code is the one-time code the coordinator gave, as typed.
	Code string `json:"code"`
	// Device is the laptop's device id (its store's ULID).
	Device string `json:"device"`
	// Name describes the laptop (host name), for the coordinator's list.
	Name string `json:"name,omitempty"`
}

// EnrollResponse is the hub's answer to a good code.
type EnrollResponse struct {
	// Token is the device's secret: 256 random bits, base64url. The hub
	// keeps only its hash.
	Token string `json:"token"`
	// Unit is the 5-digit code the device may write.
	Unit string `json:"unit"`
	// Province is the hub's province code.
	Province string `json:"province"`
}

// PushRequest carries a batch of outbox entries of one device and epoch,
// whose seqs follow each other without gaps.
type PushRequest struct {
	Device  string         `json:"device"`
	Epoch   uint32         `json:"epoch"`
	Entries []record.Entry `json:"entries"`
}

// PushResponse says what the hub holds of the device's epoch: every seq up
// to Acked, without gaps. A replayed batch gets the same answer.
type PushResponse struct {
	Epoch uint32 `json:"epoch"`
	Acked uint64 `json:"acked"`
}

// PullResponse carries records of the device's unit written by other
// devices, after the cursor the device sent (query parameter "after").
type PullResponse struct {
	Records []record.Record `json:"records"`
	// Cursor is the hub-assigned position to send as "after" next time.
	Cursor uint64 `json:"cursor"`
	// More says there are more records after Cursor: pull again.
	More bool `json:"more"`
	// Documents are the checklist and profile the hub holds in versions
	// above those the device sent (query parameters QueryChecklist and
	// QueryProfile, 0 when absent).
	Documents []Document `json:"documents,omitempty"`
}

// Kinds of a Document.
const (
	DocChecklist = "checklist"
	DocProfile   = "profile"
)

// Query parameters of a pull naming the versions of the checklist and the
// profile the device holds.
const (
	QueryChecklist = DocChecklist
	QueryProfile   = DocProfile
)

// Document is a checklist or a check profile the province publishes
// (mach hub publish) and the hub hands to the laptops on pull.
type Document struct {
	// Kind is DocChecklist or DocProfile.
	Kind string `json:"kind"`
	// ID and Version are the document's own, as its YAML says.
	ID      string `json:"id"`
	Version int    `json:"version"`
	// Data is the YAML as published.
	Data []byte `json:"data"`
}

// Error is the body of every error answer.
type Error struct {
	// Code is stable: callers branch on it.
	Code string `json:"code"`
	// Message says what happened, in English, for logs.
	Message string `json:"message"`
	// Acked comes with CodeGap: the highest contiguous seq the hub holds of
	// the batch's device and epoch, so the device can go on from there.
	Acked *uint64 `json:"acked,omitempty"`
}

// Error codes, with the HTTP status they come with.
const (
	CodeBadRequest   = "bad_request"    // 400: malformed JSON or fields
	CodeUnauthorized = "unauthorized"   // 401: no token, or a wrong or revoked one
	CodeForbidden    = "forbidden"      // 403: another unit's records
	CodeNotFound     = "not_found"      // 404
	CodeBadCode      = "bad_code"       // 403: enrolment code unknown, used or expired
	CodeTooLarge     = "too_large"      // 413: body or batch over the limits
	CodeTooMany      = "too_many"       // 429: with Retry-After
	CodeGap          = "gap"            // 409: the batch does not follow what the hub holds; Error.Acked says what it holds
	CodeInternal     = "internal_error" // 500
)

// CodeEpochReused comes with 409: the hub holds a (device, epoch, seq) of the
// batch with another record (id, version). The device's file was restored
// from an old copy and wrote on from there: it must start a new epoch.
const CodeEpochReused = "epoch_reused"

// CodeMethodNotAllowed comes with 405: a known path asked with the wrong
// method (the Allow header names the right one).
const CodeMethodNotAllowed = "method_not_allowed"

// Admin paths: the province's own commands (mach hub enroll, devices, revoke,
// token) reach the running hub through them, with the admin token that
// "mach hub serve" keeps beside its data file.
const (
	PathAdminCodes   = "/v1/admin/codes"
	PathAdminDevices = "/v1/admin/devices"
	PathAdminRevoke  = "/v1/admin/revoke"
	PathAdminTokens  = "/v1/admin/tokens"
)

// CodeRequest asks for a one-time enrolment code for a unit.
type CodeRequest struct {
	Unit string `json:"unit"`
	// TTLSeconds is how long the code stays valid.
	TTLSeconds int64 `json:"ttl_seconds"`
}

// CodeResponse is a new enrolment code.
type CodeResponse struct {
	Code    string    `json:"code"`
	Unit    string    `json:"unit"`
	Expires time.Time `json:"expires"`
}

// DeviceInfo is an enrolled device, as the admin list shows it.
type DeviceInfo struct {
	ID       string    `json:"id"`
	Unit     string    `json:"unit"`
	Name     string    `json:"name"`
	Enrolled time.Time `json:"enrolled"`
	// Revoked is when the device's token was ended; zero while it works.
	Revoked time.Time `json:"revoked,omitzero"`
}

// RevokeRequest ends a device's token.
type RevokeRequest struct {
	Device string `json:"device"`
}

// TokenRequest asks for a coordinator token.
type TokenRequest struct {
	Name string `json:"name"`
}

// TokenResponse is a new coordinator token.
type TokenResponse struct {
	Token string `json:"token"`
}

// PathAdminExport streams everything the hub holds (mach hub export), or
// one unit's devices and records with ?unit=CODE.
const PathAdminExport = "/v1/admin/export"

// PathAdminReport streams the province report (mach hub export --format
// xlsx|csv): ?format=xlsx gives a workbook, ?format=csv a ZIP archive of one
// CSV file per sheet; ?unit=CODE limits it to one unit.
const PathAdminReport = "/v1/admin/report"

// Formats of the province report, the values of its query parameter
// "format".
const (
	ReportXLSX = "xlsx"
	ReportCSV  = "csv"
)

// PathAdminPublish takes a Document (POST) for the laptops to pull; the hub
// refuses a broken one, or one whose version is not above the one it holds.
const PathAdminPublish = "/v1/admin/publish"
