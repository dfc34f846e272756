package main

import (
	"github.com/spf13/cobra"

	"mach/sync/store"
)

func newDoctorCommand() *cobra.Command {
	return existingStoreCommand("doctor", translatorForError().T("cli.doctor_short"), func(cmd *cobra.Command, e env, st *store.Store) error {
		rep, err := st.Check()
		if err != nil {
			return userError{sentence: e.tr.T("doctor.failed", st.Path(), err), err: err}
		}
		out := cmd.OutOrStdout()
		printf(out, "%s\n", e.tr.T("doctor.file", st.Path(), e.tr.Number(float64(rep.Size)/1024, 0)))
		printf(out, "%s\n", e.tr.T("doctor.counts", e.tr.Number(float64(rep.Records), 0),
			e.tr.Number(float64(rep.Tombstones), 0), e.tr.Number(float64(rep.Outbox), 0)))
		if rep.OK() {
			printf(out, "%s\n", e.tr.T("doctor.ok"))
			return nil
		}
		for _, p := range rep.Problems {
			e.log.Error("doctor problem", "kind", p.Kind, "detail", p.Detail)
			printf(out, "- %s (%s)\n", e.tr.T("doctor.problem_"+p.Kind), p.Detail)
		}
		return userError{sentence: e.tr.T("doctor.bad", len(rep.Problems))}
	})
}
