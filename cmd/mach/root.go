package main

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/adrg/xdg"
	"github.com/spf13/cobra"

	"mach/assets/i18n"
	"mach/sync/store"
)

// Global flags, shared by every subcommand.
var (
	dataFlag  string
	langFlag  string
	logFlag   string
	plainFlag bool
)

func newRootCommand() *cobra.Command {
	tr := translatorForError()
	root := &cobra.Command{
		Use:           "mach",
		Short:         tr.T("cli.short"),
		Long:          tr.T("cli.long"),
		SilenceUsage:  true,
		SilenceErrors: true,
		Args:          cobra.NoArgs,
		RunE:          runChecklist,
		PersistentPreRunE: func(*cobra.Command, []string) error {
			if _, err := i18n.FromEnv(langFlag); err != nil {
				return userError{sentence: i18n.MustNew(i18n.Vietnamese).T("cli.bad_lang", cmp.Or(langFlag, os.Getenv("MACH_LANG"))), err: err}
			}
			return nil
		},
	}
	f := root.PersistentFlags()
	f.StringVar(&dataFlag, "data", "", tr.T("cli.flag_data"))
	f.StringVar(&langFlag, "lang", "", tr.T("cli.flag_lang"))
	f.StringVar(&logFlag, "log", "", tr.T("cli.flag_log"))
	f.BoolVar(&plainFlag, "plain", false, tr.T("cli.flag_plain"))
	root.AddCommand(newVersionCommand(), newDoctorCommand(), newExportCommand(), newCheckCommand(),
		newHubCommand(), newEnrollCommand(), newSyncCommand(), newBackupCommand(), newAccountsCommand(),
		newHandoverCommand(), newDashboardCommand(), newInitCommand())
	root.SetHelpCommand(&cobra.Command{Hidden: true})
	root.CompletionOptions.DisableDefaultCmd = true
	root.SetUsageTemplate(tr.T("cli.usage_template"))
	return root
}

// env is what every subcommand starts from: the language and the logger.
type env struct {
	tr      *i18n.Translator
	log     *slog.Logger
	closeFn func() error
}

func (e env) close() {
	if e.closeFn != nil {
		e.closeFn()
	}
}

// newEnv reads --lang and opens the log file (--log, or mach.log under the
// user cache folder). Nothing is logged to the terminal.
func newEnv() (env, error) {
	tr, err := i18n.FromEnv(langFlag)
	if err != nil {
		return env{}, userError{sentence: i18n.MustNew(i18n.Vietnamese).T("cli.bad_lang", cmp.Or(langFlag, os.Getenv("MACH_LANG"))), err: err}
	}
	path := logFlag
	if path == "" {
		dir, err := os.UserCacheDir()
		if err != nil {
			dir = os.TempDir()
		}
		path = filepath.Join(dir, "mach", "mach.log")
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return env{}, userError{sentence: tr.T("cli.log_failed", path, err), err: err}
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return env{}, userError{sentence: tr.T("cli.log_failed", path, err), err: err}
	}
	return env{tr: tr, log: slog.New(slog.NewTextHandler(f, nil)), closeFn: f.Close}, nil
}

// dataPath is --data, or mach.db in the user's data folder.
func dataPath() (string, error) {
	if dataFlag != "" {
		return dataFlag, nil
	}
	return xdg.DataFile(filepath.Join("mach", "mach.db"))
}

// openStore opens the data file, creating it on first use, and turns the
// store's errors into sentences.
func openStore(e env) (*store.Store, error) {
	return open(e, true)
}

// openExistingStore opens the data file for a command that only reads it, so
// that a mistyped --data path is reported rather than created.
func openExistingStore(e env) (*store.Store, error) {
	return open(e, false)
}

func open(e env, create bool) (*store.Store, error) {
	path, err := dataPath()
	if err != nil {
		return nil, userError{sentence: e.tr.T("cli.no_data_dir", err), err: err}
	}
	if _, err := os.Stat(path); !create && errors.Is(err, fs.ErrNotExist) {
		return nil, userError{sentence: e.tr.T("cli.no_data_file", path), err: err}
	}
	st, err := store.Open(path, store.Options{})
	switch {
	case errors.Is(err, store.ErrLocked):
		return nil, userError{sentence: e.tr.T("cli.locked", path), err: err}
	case errors.Is(err, store.ErrNotDataFile):
		return nil, userError{sentence: e.tr.T("cli.not_data_file", path), err: err}
	case errors.Is(err, store.ErrNewerSchema):
		return nil, userError{sentence: e.tr.T("cli.newer_schema", path), err: err}
	case err != nil:
		return nil, userError{sentence: e.tr.T("cli.open_failed", path, err), err: err}
	}
	e.log.Info("opened data file", "path", path, "device", st.Device())
	return st, nil
}

// printf writes a line for the user; a failed write to the terminal leaves
// nothing else to tell.
func printf(w io.Writer, format string, args ...any) {
	fmt.Fprintf(w, format, args...)
}

// existingStoreCommand builds a command that works on the data file, which
// must exist already: it is never created by a mistyped --data.
func existingStoreCommand(use, short string, run func(cmd *cobra.Command, e env, st *store.Store) error) *cobra.Command {
	return &cobra.Command{
		Use:   use,
		Short: short,
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
			return run(cmd, e, st)
		},
	}
}
