package probe

import (
	"context"
	"time"
)

// DefaultTimeout bounds a probe whose context has no deadline of its own.
const DefaultTimeout = 10 * time.Second

// bounded returns ctx limited to DefaultTimeout when it has no deadline.
func bounded(ctx context.Context) (context.Context, context.CancelFunc) {
	if _, ok := ctx.Deadline(); ok {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, DefaultTimeout)
}

// durMS is d in milliseconds, the unit of every *_ms figure.
func durMS(d time.Duration) float64 {
	return float64(d) / float64(time.Millisecond)
}
