package main

import (
	"bufio"
	"errors"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"mach/checks/units"
	"mach/sync/client"
	"mach/sync/store"
)

func newEnrollCommand() *cobra.Command {
	var hubURL, code, caFile, fingerprint string
	tr := translatorForError()
	cmd := &cobra.Command{
		Use:   "enroll",
		Short: tr.T("enroll.short"),
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			e, err := newEnv()
			if err != nil {
				return err
			}
			defer e.close()
			if hubURL == "" || code == "" {
				return userError{sentence: e.tr.T("enroll.need_hub_code")}
			}
			ctx := cmd.Context()
			if fingerprint == "" && caFile == "" && strings.HasPrefix(hubURL, "https://") {
				// Show the hub's certificate and let the officer compare it
				// with the fingerprint the coordinator gave.
				fp, err := client.FetchFingerprint(ctx, hubURL)
				if err != nil {
					return syncError(e, err)
				}
				printf(cmd.OutOrStdout(), "%s\n%s ", e.tr.T("enroll.fingerprint", fp), e.tr.T("enroll.confirm"))
				line, _ := bufio.NewReader(cmd.InOrStdin()).ReadString('\n')
				if a := strings.ToLower(strings.TrimSpace(line)); a != "c" && a != "có" && a != "y" && a != "yes" {
					return userError{sentence: e.tr.T("enroll.not_confirmed")}
				}
				fingerprint = fp
			}
			st, err := openStore(e)
			if err != nil {
				return err
			}
			defer st.Close()
			c, err := client.New(client.Options{HubURL: hubURL, CAFile: caFile, Fingerprint: fingerprint, Logger: e.log})
			if err != nil {
				return userError{sentence: e.tr.T("enroll.bad_hub", hubURL, err), err: err}
			}
			host, _ := os.Hostname()
			resp, err := c.Enroll(ctx, code, st.Device(), host)
			if err != nil {
				return syncError(e, err)
			}
			if err := adoptUnit(st, resp.Unit); err != nil {
				return userError{sentence: e.tr.T("enroll.other_unit", resp.Unit, err), err: err}
			}
			if err := st.SetHub(store.Hub{URL: hubURL, Token: resp.Token, Fingerprint: fingerprint, CAFile: caFile}); err != nil {
				return userError{sentence: e.tr.T("error.save", err), err: err}
			}
			printf(cmd.OutOrStdout(), "%s\n", e.tr.T("enroll.done", resp.Unit, hubURL))
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&hubURL, "hub", "", tr.T("enroll.flag_hub"))
	f.StringVar(&code, "code", "", tr.T("enroll.flag_code"))
	f.StringVar(&caFile, "ca", "", tr.T("enroll.flag_ca"))
	f.StringVar(&fingerprint, "fingerprint", "", tr.T("enroll.flag_fingerprint"))
	return cmd
}

// Reasons adoptUnit refuses the hub's unit.
var (
	errOtherUnit   = errors.New("this computer already reports for another unit")
	errUnknownUnit = errors.New("the hub's unit is not in the official list")
)

// adoptUnit makes unit the device's unit when none is chosen yet, and
// refuses when another one is.
func adoptUnit(st *store.Store, unit string) error {
	cur, err := st.Meta(store.MetaUnit)
	switch {
	case err != nil:
		return err
	case cur == unit:
		return nil
	case cur != "":
		return errOtherUnit
	}
	dir, err := units.Load()
	if err != nil {
		return err
	}
	u, ok := dir.Unit(unit)
	if !ok {
		return errUnknownUnit
	}
	// The rows of the old units are not written: a laptop that joins a unit
	// pulls those of the laptop that set it up, and two laptops must not
	// write them twice.
	return st.Write(func(w *store.Writer) error { return chooseUnit(w, u) })
}
