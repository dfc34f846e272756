package main

import (
	"errors"
	"time"

	"github.com/spf13/cobra"

	"mach/sync/client"
	"mach/sync/store"
)

func newSyncCommand() *cobra.Command {
	return existingStoreCommand("sync", translatorForError().T("sync.short"), func(cmd *cobra.Command, e env, st *store.Store) error {
		c, err := hubClient(e, st)
		if err != nil {
			return err
		}
		if c == nil {
			return userError{sentence: e.tr.T("sync.not_enrolled")}
		}
		res, err := c.Sync(cmd.Context(), st)
		out := cmd.OutOrStdout()
		printf(out, "%s\n", e.tr.T("sync.result", res.Pushed, res.Pulled, res.Conflicts, res.Pending))
		if err != nil {
			return syncError(e, err)
		}
		if res.Pending > 0 {
			return userError{sentence: e.tr.T("sync.pending", res.Pending)}
		}
		printf(out, "%s\n", e.tr.T("sync.done", e.tr.DateTime(time.Now())))
		return nil
	})
}

// hubClient is the client of the hub this device enrolled with; nil before
// enrolment.
func hubClient(e env, st *store.Store) (*client.Client, error) {
	state, err := st.SyncState()
	if err != nil {
		return nil, userError{sentence: e.tr.T("cli.open_failed", st.Path(), err), err: err}
	}
	if state.Hub.URL == "" || state.Hub.Token == "" {
		return nil, nil
	}
	c, err := client.New(client.Options{HubURL: state.Hub.URL, Token: state.Hub.Token,
		CAFile: state.Hub.CAFile, Fingerprint: state.Hub.Fingerprint, Logger: e.log})
	if err != nil {
		return nil, userError{sentence: e.tr.T("enroll.bad_hub", state.Hub.URL, err), err: err}
	}
	return c, nil
}

// syncError says in plain words why talking to the hub failed and what to
// do.
func syncError(e env, err error) error {
	key := "sync.err_other"
	switch {
	case errors.Is(err, client.ErrUnauthorized):
		key = "sync.err_unauthorized"
	case errors.Is(err, client.ErrBadCode):
		key = "sync.err_bad_code"
	case errors.Is(err, client.ErrForbidden):
		key = "sync.err_forbidden"
	case errors.Is(err, client.ErrTLS):
		key = "sync.err_tls"
	case errors.Is(err, client.ErrUnreachable):
		key = "sync.err_unreachable"
	case errors.Is(err, client.ErrHub):
		key = "sync.err_hub"
	}
	e.log.Error("hub", "err", err)
	return userError{sentence: e.tr.T(key, err), err: err}
}
