package client

import (
	"context"
	"errors"
	"fmt"
	"time"

	"mach/sync/store"
)

// Result says what one sync round did.
type Result struct {
	// Pushed counts outbox entries the hub acknowledged in this round.
	Pushed int
	// Pulled counts records received from the hub.
	Pulled int
	// Conflicts counts versions set aside as conflicts in this round.
	Conflicts int
	// Pending counts outbox entries still waiting for the hub afterwards.
	Pending int
}

// Sync runs one round within the overall deadline: it pushes the store's
// outbox in batches until the hub has acknowledged all of it, then pulls
// other devices' records page by page into the store, and records the
// outcome in the store (the time of a success, or the error's Code).
func (c *Client) Sync(ctx context.Context, st *store.Store) (Result, error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	res, err := c.sync(ctx, st)
	if err != nil {
		c.log.Warn("sync failed", "code", Code(err), "err", err)
	}
	if serr := st.SetSyncOutcome(time.Now(), Code(err)); serr != nil {
		err = errors.Join(err, fmt.Errorf("record sync outcome: %w", serr))
	}
	if state, serr := st.SyncState(); serr == nil {
		res.Pending = state.Pending
	}
	return res, err
}

func (c *Client) sync(ctx context.Context, st *store.Store) (Result, error) {
	var res Result
	var err error
	if res.Pushed, err = c.push(ctx, st); err != nil {
		return res, err
	}
	res.Pulled, res.Conflicts, err = c.pull(ctx, st)
	if err == nil {
		c.log.Info("synced", "pushed", res.Pushed, "pulled", res.Pulled, "conflicts", res.Conflicts)
	}
	return res, err
}
