package main

import (
	"errors"
	"io/fs"
	"os"

	"github.com/spf13/cobra"

	"mach/sync/hub"
	"mach/sync/hub/postgres"
)

func newHubMigrateCommand() *cobra.Command {
	var from, to string
	tr := translatorForError()
	cmd := &cobra.Command{
		Use:   "migrate",
		Short: tr.T("hubmigrate.short"),
		Long:  tr.T("hubmigrate.long"),
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			e, err := newEnv()
			if err != nil {
				return err
			}
			defer e.close()
			if from == "" || to == "" {
				return userError{sentence: e.tr.T("hubmigrate.need_from_to")}
			}
			if !isPostgres(to) {
				return userError{sentence: e.tr.T("hub.bad_store", to)}
			}
			if _, err := os.Stat(from); errors.Is(err, fs.ErrNotExist) {
				return userError{sentence: e.tr.T("hubexport.no_data", from), err: err}
			}
			ctx := cmd.Context()
			src, _, err := openHubStorage(ctx, e, "", from)
			if err != nil {
				return err
			}
			defer src.Close()
			dst, name, err := openHubStorage(ctx, e, to, "")
			if err != nil {
				return err
			}
			defer dst.Close()
			err = postgres.Migrate(ctx, src.(*hub.Bolt), dst.(*postgres.Store))
			switch {
			case errors.Is(err, postgres.ErrNotEmpty):
				return userError{sentence: e.tr.T("hubmigrate.not_empty", name), err: err}
			case err != nil:
				e.log.Error("hub migrate", "from", from, "to", name, "err", err)
				return userError{sentence: e.tr.T("hubmigrate.failed", from, name, err), err: err}
			}
			printf(cmd.OutOrStdout(), "%s\n", e.tr.T("hubmigrate.done", from, name))
			return nil
		},
	}
	cmd.Flags().StringVar(&from, "from", "", tr.T("hubmigrate.flag_from"))
	cmd.Flags().StringVar(&to, "to", "", tr.T("hubmigrate.flag_to"))
	return cmd
}
