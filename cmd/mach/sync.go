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
	e.log.Error("hub", "err", err)
	return userError{sentence: e.tr.T(hubErrorKey(e, "sync.err_", err), err), err: err}
}

// hubErrorKey is the message, among those whose keys begin with prefix,
// that says why talking to the hub failed: prefix then unauthorized,
// bad_code, forbidden, tls, unreachable or hub, or prefix+"other" when the
// failure is none of these or prefix has no message for it.
func hubErrorKey(e env, prefix string, err error) string {
	kinds := []struct {
		err  error
		kind string
	}{
		{client.ErrUnauthorized, "unauthorized"}, {client.ErrBadCode, "bad_code"}, {client.ErrForbidden, "forbidden"},
		{client.ErrTLS, "tls"}, {client.ErrUnreachable, "unreachable"}, {client.ErrHub, "hub"},
	}
	for _, k := range kinds {
		if errors.Is(err, k.err) && e.tr.Has(prefix+k.kind) {
			return prefix + k.kind
		}
	}
	return prefix + "other"
}
