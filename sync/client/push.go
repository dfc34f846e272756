package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"mach/sync/protocol"
	"mach/sync/store"
)

// batchBytes bounds the entries of one push, leaving room within
// protocol.MaxBodyBytes for the request's envelope and the commas.
const batchBytes = protocol.MaxBodyBytes - 64<<10

// maxNewEpochs bounds the new epochs one round starts: a file restored from
// an old copy needs one, or a few when the hub also holds epochs the copy
// never reached; more means the hub keeps refusing.
const maxNewEpochs = 8

// push sends the outbox in batches until the hub has acknowledged all of it,
// and returns how many entries it acknowledged.
func (c *Client) push(ctx context.Context, st *store.Store) (int, error) {
	pushed, epochs := 0, 0
	for {
		entries, err := st.PendingEntries(protocol.MaxBatchEntries, batchBytes)
		if err != nil || len(entries) == 0 {
			return pushed, err
		}
		epoch, first, last := entries[0].Epoch, entries[0].Seq, entries[len(entries)-1].Seq
		var resp protocol.PushResponse
		err = c.call(ctx, http.MethodPost, protocol.PathPush, nil,
			protocol.PushRequest{Device: st.Device(), Epoch: epoch, Entries: entries}, &resp)
		acked, restart, err := pushAnswer(epoch, resp, err)
		if err == nil && !restart {
			// The hub holds every seq up to acked: the file lets go of them.
			err = st.Ack(epoch, acked)
			restart = errors.Is(err, store.ErrRestored)
			// Less than the batch's first seq after a gap: the hub lost
			// entries the file deleted once they were acknowledged.
			restart = restart || err == nil && acked < first
		}
		switch {
		case restart:
			if epochs++; epochs > maxNewEpochs {
				return pushed, fmt.Errorf("%w: it refused %d new epochs of this device in a row", ErrHub, maxNewEpochs)
			}
			c.log.Warn("starting a new epoch: the hub holds another history of this device's epoch",
				"epoch", epoch, "first", first, "hub_acked", acked)
			if err := st.NewEpoch(); err != nil {
				return pushed, err
			}
		case err != nil:
			return pushed, err
		default:
			// Everything up to acked left the outbox, beyond this batch
			// too when the hub already held more (a batch sent before a
			// crash of the laptop, answered but never acknowledged here).
			pushed += int(acked - first + 1)
			c.log.Debug("pushed", "epoch", epoch, "first", first, "last", last, "acked", acked)
		}
	}
}

// pushAnswer reads the answer to a push of epoch: what the hub holds, or
// that the device must start a new epoch, or an error.
func pushAnswer(epoch uint32, resp protocol.PushResponse, err error) (acked uint64, restart bool, _ error) {
	var he *HubError
	switch {
	case errors.As(err, &he) && he.Body.Code == protocol.CodeEpochReused:
		return 0, true, nil
	case errors.As(err, &he) && he.Body.Code == protocol.CodeGap && he.Body.Acked != nil:
		return *he.Body.Acked, false, nil
	case err != nil:
		return 0, false, err
	case resp.Epoch != epoch:
		return 0, false, fmt.Errorf("%w: a push of epoch %d answered for epoch %d", ErrHub, epoch, resp.Epoch)
	}
	return resp.Acked, false, nil
}
