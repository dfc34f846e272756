package main

import (
	"cmp"
	"context"
	"errors"
	"os"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/spf13/cobra"

	"mach/checks/survey"
	"mach/checks/units"
	"mach/sync/client"
	"mach/tui/dashboard"
	"mach/tui/style"
)

// dashboardTimeout bounds one request of the dashboard to the hub, retries
// included: the table refreshes every few seconds, a slow answer is better
// skipped than waited for.
const dashboardTimeout = 30 * time.Second

func newDashboardCommand() *cobra.Command {
	var hubURL, token, caFile, fingerprint string
	tr := translatorForError()
	cmd := &cobra.Command{
		Use:   "dashboard",
		Short: tr.T("dashboard.cli.short"),
		Long:  tr.T("dashboard.cli.long"),
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			e, err := newEnv()
			if err != nil {
				return err
			}
			defer e.close()
			token = cmp.Or(token, os.Getenv("MACH_TOKEN"))
			switch {
			case hubURL == "":
				return userError{sentence: e.tr.T("dashboard.cli.need_hub")}
			case token == "":
				return userError{sentence: e.tr.T("dashboard.cli.need_token")}
			}
			c, err := client.New(client.Options{HubURL: hubURL, Token: token, CAFile: caFile, Fingerprint: fingerprint,
				Timeout: dashboardTimeout, Logger: e.log})
			if err != nil {
				return userError{sentence: e.tr.T("dashboard.cli.bad_hub", hubURL, err), err: err}
			}
			// A wrong token is said before the screen opens, in a sentence
			// that stays on the terminal.
			if _, err := c.Units(cmd.Context(), 0); err != nil {
				return dashboardError(e, hubURL, err)
			}
			checklist, err := survey.Default()
			if err != nil {
				return userError{sentence: e.tr.T("cli.bad_checklist", e.tr.Error(err)), err: err}
			}
			dir, err := units.Load()
			if err != nil {
				return userError{sentence: e.tr.T("cli.bad_units", err), err: err}
			}
			m := dashboard.New(dashboard.Options{Source: c, Checklist: checklist, Units: dir, Tr: e.tr,
				Styles: style.New(true), Timeout: dashboardTimeout, Logger: e.log})
			p := tea.NewProgram(m, tea.WithContext(cmd.Context()))
			if _, err := p.Run(); err != nil && !errors.Is(err, tea.ErrInterrupted) && !errors.Is(err, context.Canceled) {
				e.log.Error("terminal interface stopped", "err", err)
				return userError{sentence: e.tr.T("cli.tui_failed", err), err: err}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&hubURL, "hub", "", tr.T("enroll.flag_hub"))
	f.StringVar(&token, "token", "", tr.T("dashboard.cli.flag_token"))
	f.StringVar(&caFile, "ca", "", tr.T("enroll.flag_ca"))
	f.StringVar(&fingerprint, "fingerprint", "", tr.T("enroll.flag_fingerprint"))
	return cmd
}

// dashboardError says in plain words why the hub did not let the
// coordinator in, and what to do.
func dashboardError(e env, hubURL string, err error) error {
	e.log.Error("dashboard", "hub", hubURL, "err", err)
	return userError{sentence: e.tr.T(hubErrorKey(e, "dashboard.cli.err_", err), hubURL, err), err: err}
}
