package main

import (
	"io"
	"net/url"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"mach/assets/i18n"
	"mach/checks/evidence"
	"mach/checks/inventory"
	"mach/checks/probe"
	"mach/checks/profile"
	"mach/checks/runner"
	"mach/checks/survey"
	"mach/sync/record"
	"mach/sync/store"
	"mach/tui/app"
)

// checkFlags are the flags of mach check.
type checkFlags struct {
	profile string
	network string
	hub     string
	json    bool
}

func newCheckCommand() *cobra.Command {
	var f checkFlags
	tr := translatorForError()
	cmd := &cobra.Command{
		Use:   "check",
		Short: tr.T("check.short"),
		Args:  cobra.NoArgs,
		// Whatever keeps the check from running, a bad flag included,
		// exits 3: 0, 1 and 2 are the verdicts of a run.
		Annotations: map[string]string{errorExitAnnotation: strconv.Itoa(runner.ExitNotRun)},
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runCheck(cmd, f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.profile, "profile", "", tr.T("check.flag_profile"))
	fl.StringVar(&f.network, "network", profile.Internet, tr.T("check.flag_network"))
	fl.StringVar(&f.hub, "hub", "", tr.T("check.flag_hub"))
	fl.BoolVar(&f.json, "json", false, tr.T("check.flag_json"))
	return cmd
}

// notRun is the error of a check that could not run: exit 3, after err.
func notRun(err error) error {
	return exitCode{code: runner.ExitNotRun, err: err}
}

// runCheck runs a profile on one network without the full screen: each
// result as a line as it arrives, then the counts and the diagnosis; or,
// with --json, only the evidence as stored. The run is saved as a check-run
// record when a unit is chosen. The exit status is runner.ExitCode's.
func runCheck(cmd *cobra.Command, f checkFlags) error {
	e, err := newEnv()
	if err != nil {
		return notRun(err)
	}
	defer e.close()
	if !slices.Contains(profile.Networks, f.network) {
		return notRun(userError{sentence: e.tr.T("check.bad_network", f.network)})
	}
	if f.hub != "" && !validHubURL(f.hub) {
		return notRun(userError{sentence: e.tr.T("check.bad_hub", f.hub)})
	}
	p, err := loadProfile(e, f.profile)
	if err != nil {
		return notRun(err)
	}
	if f.profile != "" {
		// Checked before the data file is opened: a check that cannot run
		// creates no file.
		if err := coversNetwork(e, p, f.network); err != nil {
			return notRun(err)
		}
	}
	st, err := openStore(e)
	if err != nil {
		return notRun(err)
	}
	defer st.Close()
	if f.profile == "" {
		// A newer profile the hub published runs in place of the shipped one.
		p = currentProfile(e, st, p)
		if err := coversNetwork(e, p, f.network); err != nil {
			return notRun(err)
		}
	}
	unit, err := st.Meta(store.MetaUnit)
	if err != nil {
		e.log.Warn("read the unit", "err", err)
	}
	contracted := contractedMbps(e, st, f.network)

	out, errOut := cmd.OutOrStdout(), cmd.ErrOrStderr()
	ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt)
	defer stop()
	go func() {
		// After the first Ctrl+C the run winds down; a second one ends
		// mach at once, as usual.
		<-ctx.Done()
		stop()
	}()
	e.log.Info("check started", "profile", p.ID, "version", p.Version, "network", f.network, "hub", f.hub)
	// The channel holds every result of the run: its capacity is their count.
	results, wait := runner.Start(ctx, p, runner.Options{Network: f.network, HubURL: f.hub, Probes: probe.All()})
	if !f.json {
		printf(out, "%s\n", e.tr.T("check.start", cap(results), networkName(f.network, e.tr), p.ID, p.Version))
	}
	for r := range results {
		e.log.Info("check result", "target", r.Target, "probe", r.Probe, "verdict", r.Verdict, "reason", r.Reason,
			"elapsed", r.Elapsed, "err", r.Error)
		if !f.json {
			printf(out, "%s\n", resultLine(r, e.tr))
		}
	}
	run := wait()
	ev := evidence.New(run, p, contracted, inventory.UpInterfaces(), e.tr)
	code := runner.ExitCode(run)
	e.log.Info("check finished", "id", run.ID, "cancelled", run.Cancelled, "exit", code)
	body, err := ev.Body()
	if err != nil {
		e.log.Error("encode the check run", "err", err)
		return notRun(err)
	}

	var saveErr error
	if unit != "" {
		if _, err := st.Put(record.KindCheckRun, run.ID, body); err != nil {
			e.log.Error("save the check run", "id", run.ID, "err", err)
			saveErr = userError{sentence: e.tr.T("check.save_failed", st.Path(), err), err: err}
		}
	}

	if f.json {
		printf(out, "%s\n", body)
	} else {
		printReport(out, ev, e.tr)
	}
	switch {
	case saveErr != nil:
		// The command's job includes keeping the evidence: a script must
		// not take an unsaved run for a saved one.
		return notRun(saveErr)
	case unit == "":
		printf(errOut, "%s\n", e.tr.T("check.not_saved"))
	case !f.json:
		printf(errOut, "%s\n", e.tr.T("check.saved", run.ID))
	}
	if code != runner.ExitPass {
		return exitCode{code: code}
	}
	return nil
}

// loadProfile reads the profile from file, or the shipped one when file is
// empty (runCheck then prefers a newer one the hub published). A broken
// profile is refused with its file, line and reason.
func loadProfile(e env, file string) (*profile.Profile, error) {
	if file == "" {
		p, err := profile.Default()
		if err != nil {
			return nil, userError{sentence: e.tr.T("check.bad_default_profile", e.tr.Error(err)), err: err}
		}
		return p, nil
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, userError{sentence: e.tr.T("check.profile_unreadable", file, err), err: err}
	}
	p, err := profile.Parse(file, data)
	if err != nil {
		return nil, userError{sentence: e.tr.T("check.bad_profile", e.tr.Error(err)), err: err}
	}
	return p, nil
}

// coversNetwork refuses a profile with no target on network.
func coversNetwork(e env, p *profile.Profile, network string) error {
	if len(p.For(network)) == 0 {
		return userError{sentence: e.tr.T("check.no_targets", p.ID, networkName(network, e.tr))}
	}
	return nil
}

// contractedMbps is the bandwidth of the tested link as the survey gives it;
// 0 when unknown or when the survey cannot be read, which only costs the
// slow-link rule.
func contractedMbps(e env, st *store.Store, network string) float64 {
	checklist, err := survey.Default()
	if err != nil {
		e.log.Warn("read the checklist", "err", err)
		return 0
	}
	sheet, err := app.LoadSheet(st, currentChecklist(e, st, checklist), e.log)
	if err != nil {
		e.log.Warn("read the answers", "err", err)
	}
	if sheet == nil {
		return 0
	}
	return evidence.ContractedMbps(sheet, network)
}

// validHubURL reports whether s is an absolute http or https URL.
func validHubURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// networkName names a network in the user's language.
func networkName(network string, tr *i18n.Translator) string {
	return tr.T("check.network." + network)
}

// resultLine is one result: "[ĐẠT] target · probe · figures", with the
// reason before the figures when the probe did not pass.
func resultLine(r probe.Result, tr *i18n.Translator) string {
	parts := []string{r.Target, evidence.Probe(r.Probe, tr)}
	if r.Verdict != probe.Pass {
		if why := evidence.Reason(r.Reason, tr); why != "" {
			parts = append(parts, why)
		}
	}
	if figures := evidence.Figures(r, tr); figures != "" {
		parts = append(parts, figures)
	}
	return "[" + evidence.Verdict(r.Verdict, tr) + "] " + strings.Join(parts, " · ")
}

// printReport prints the counts and the diagnosis after the result lines.
func printReport(w io.Writer, ev evidence.Evidence, tr *i18n.Translator) {
	pass, warn, fail, skip := ev.Counts()
	printf(w, "\n%s\n", tr.T("check.summary", pass, warn, fail, skip))
	switch {
	case ev.Cancelled:
		printf(w, "%s\n", tr.T("check.cancelled"))
	case pass+warn+fail == 0:
		printf(w, "%s\n", tr.T("check.nothing_ran"))
	}
	findings := ev.Findings
	if len(findings) == 0 {
		return
	}
	printf(w, "\n%s\n", tr.T("check.diagnosis"))
	for _, fd := range findings {
		printf(w, "[%s] %s\n", evidence.Verdict(fd.Verdict, tr), fd.Cause)
		printf(w, "  %s\n", tr.T("check.action", fd.Action))
		if len(fd.Targets) > 0 {
			printf(w, "  %s\n", tr.T("check.targets", strings.Join(fd.Targets, ", ")))
		}
	}
}
