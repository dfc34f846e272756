package main

import (
	"io"

	"github.com/spf13/cobra"

	"mach/checks/workbook"
)

func newExportCommand() *cobra.Command {
	var format, out, bundle string
	tr := translatorForError()
	cmd := &cobra.Command{
		Use:   "export",
		Short: tr.T("cli.export_short"),
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			e, err := newEnv()
			if err != nil {
				return err
			}
			defer e.close()
			if cmd.Flags().Changed("bundle") {
				if out != "" || cmd.Flags().Changed("format") {
					return userError{sentence: e.tr.T("bundle.with_out")}
				}
				if bundle == "" {
					return userError{sentence: e.tr.T("bundle.no_file")}
				}
				return writeBundle(cmd, e, bundle)
			}
			if format != "json" {
				return userError{sentence: e.tr.T("export.bad_format", format)}
			}
			if out == "" {
				return userError{sentence: e.tr.T("export.no_out")}
			}
			st, err := openExistingStore(e)
			if err != nil {
				return err
			}
			defer st.Close()
			if out == "-" {
				return st.Export(cmd.OutOrStdout())
			}
			if err := writeFileAtomic(out, st.Export); err != nil {
				return userError{sentence: e.tr.T("export.failed", out, err), err: err}
			}
			printf(cmd.ErrOrStderr(), "%s\n", e.tr.T("export.done", out))
			return nil
		},
	}
	cmd.Flags().StringVar(&format, "format", "json", tr.T("cli.flag_format"))
	cmd.Flags().StringVar(&out, "out", "", tr.T("cli.flag_out"))
	cmd.Flags().StringVar(&bundle, "bundle", "", tr.T("bundle.flag_bundle"))
	return cmd
}

// writeFileAtomic writes a file through a temporary file in the same folder
// and renames it into place, so a failed export never leaves half a file.
func writeFileAtomic(path string, write func(w io.Writer) error) error {
	return workbook.WriteFile(path, write)
}
