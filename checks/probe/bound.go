package probe

import (
	"context"
	"time"
)

// DefaultTimeout bounds a probe whose context has no deadline of its own.
const DefaultTimeout = 10 * time.Second

// bounded returns ctx limited to d from now when it has no deadline of its
// own: DefaultTimeout for most probes, longer for those that measure over
// time.
func bounded(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	if _, ok := ctx.Deadline(); ok {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, d)
}

// durMS is d in milliseconds, the unit of every *_ms figure.
func durMS(d time.Duration) float64 {
	return float64(d) / float64(time.Millisecond)
}

// msDuration converts a figure or threshold in milliseconds to a duration.
func msDuration(ms float64) time.Duration {
	return time.Duration(ms * float64(time.Millisecond))
}
