package main

import (
	"context"
	"errors"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/spf13/cobra"

	"mach/checks/inventory"
	"mach/checks/probe"
	"mach/checks/profile"
	"mach/checks/survey"
	"mach/checks/units"
	"mach/sync/protocol"
	"mach/sync/store"
	"mach/tui"
	"mach/tui/app"
	"mach/tui/plain"
	"mach/tui/style"
)

// runChecklist opens the data file and runs the checklist: full screen, or
// line by line with --plain.
func runChecklist(cmd *cobra.Command, _ []string) error {
	e, err := newEnv()
	if err != nil {
		return err
	}
	defer e.close()
	st, err := openStore(e)
	if err != nil {
		return err
	}
	defer st.Close()
	sh, err := shared(e, st)
	if err != nil {
		return err
	}
	inUse := documentsInUse{checklist: sh.Checklist.Version, profile: sh.Profile.Version}
	if sh.Sync, err = syncer(e, st, &inUse); err != nil {
		return err
	}
	sh.NewSyncer = func() (app.Syncer, error) { return syncer(e, st, &inUse) }
	if plainFlag {
		dir, err := units.Load()
		if err != nil {
			return userError{sentence: e.tr.T("cli.bad_units", err), err: err}
		}
		sh.Units = dir
		return plain.Run(cmd.Context(), sh, cmd.InOrStdin(), cmd.OutOrStdout())
	}
	p := tea.NewProgram(tui.New(sh), tea.WithContext(cmd.Context()))
	if _, err := p.Run(); err != nil && !errors.Is(err, tea.ErrInterrupted) && !errors.Is(err, context.Canceled) {
		e.log.Error("terminal interface stopped", "err", err)
		return userError{sentence: e.tr.T("cli.tui_failed", err), err: err}
	}
	return nil
}

// shared loads what every screen needs except the answers and the list of
// units, which the interface reads after its first frame. The checklist and
// the profile are the newer ones the hub published, when st holds them.
func shared(e env, st *store.Store) (*app.Shared, error) {
	checklist, err := survey.Default()
	if err != nil {
		return nil, userError{sentence: e.tr.T("cli.bad_checklist", e.tr.Error(err)), err: err}
	}
	checkProfile, err := profile.Default()
	if err != nil {
		return nil, userError{sentence: e.tr.T("cli.bad_profile", e.tr.Error(err)), err: err}
	}
	return &app.Shared{
		Store:      st,
		Checklist:  currentChecklist(e, st, checklist),
		Profile:    currentProfile(e, st, checkProfile),
		Probes:     probe.All(),
		Interfaces: inventory.UpInterfaces,
		Tr:         e.tr,
		Styles:     style.New(true),
		Log:        e.log,
		Detect:     detectThisComputer,
	}, nil
}

// detectThisComputer proposes this computer's equipment row. What could not
// be read is left empty and reported, not fatal.
func detectThisComputer() (map[string]any, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	dev, errs := inventory.Detect(ctx)
	return dev.Row(), errors.Join(errs...)
}

// documentsInUse are the versions of the checklist and the profile the
// interface runs with.
type documentsInUse struct{ checklist, profile int }

// syncer is the background sync of an enrolled device; nil before
// enrolment. A round that brought a newer checklist or profile than those
// in use hands them over with its report.
func syncer(e env, st *store.Store, inUse *documentsInUse) (app.Syncer, error) {
	c, err := hubClient(e, st)
	if err != nil || c == nil {
		return nil, err
	}
	return func(ctx context.Context) (app.SyncReport, error) {
		res, err := c.Sync(ctx, st)
		report := app.SyncReport{Pushed: res.Pushed, Pulled: res.Pulled, Conflicts: res.Conflicts, Pending: res.Pending}
		if v, data, derr := st.Document(protocol.DocChecklist); derr == nil && v > inUse.checklist {
			inUse.checklist = v
			if c, perr := survey.Parse(protocol.DocChecklist+".yaml", data); perr != nil {
				logDocument(e, protocol.DocChecklist, perr)
			} else {
				report.Checklist = c
			}
		}
		if v, data, derr := st.Document(protocol.DocProfile); derr == nil && v > inUse.profile {
			inUse.profile = v
			if p, perr := profile.Parse(protocol.DocProfile+".yaml", data); perr != nil {
				logDocument(e, protocol.DocProfile, perr)
			} else {
				report.Profile = p
			}
		}
		return report, err
	}, nil
}
