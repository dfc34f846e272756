package main

import (
	"errors"
	"time"

	"github.com/spf13/cobra"

	"mach/sync/client"
)

func newSyncCommand() *cobra.Command {
	tr := translatorForError()
	return &cobra.Command{
		Use:   "sync",
		Short: tr.T("sync.short"),
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			e, err := newEnv()
			if err != nil {
				return err
			}
			defer e.close()
			st, err := openExistingStore(e)
			if err != nil {
				return err
			}
			defer st.Close()
			state, err := st.SyncState()
			if err != nil {
				return userError{sentence: e.tr.T("cli.open_failed", st.Path(), err), err: err}
			}
			if state.Hub.URL == "" || state.Hub.Token == "" {
				return userError{sentence: e.tr.T("sync.not_enrolled")}
			}
			c, err := client.New(client.Options{HubURL: state.Hub.URL, Token: state.Hub.Token,
				CAFile: state.Hub.CAFile, Fingerprint: state.Hub.Fingerprint, Logger: e.log})
			if err != nil {
				return userError{sentence: e.tr.T("enroll.bad_hub", state.Hub.URL, err), err: err}
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
		},
	}
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
