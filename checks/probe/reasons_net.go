package probe

// Reasons the DNS, TCP, TLS, HTTP and proxy probes give besides those
// declared with the types.
const (
	// ReasonNoTarget: the spec names no host or URL to probe, or names
	// them wrongly; the verdict is skip.
	ReasonNoTarget Reason = "no_target"
	// ReasonHTTPBroken: the connection was made but no valid answer came
	// back (reset or closed mid-request, a malformed answer).
	ReasonHTTPBroken Reason = "http_broken"
)
