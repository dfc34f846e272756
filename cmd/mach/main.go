// Command mach is the commune IT officer's field kit: the offline checklist,
// the connectivity checks, sync with the province hub and the coordinator's
// reports, in one program. This package only wires flags and subcommands to
// the packages that do the work.
package main

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"mach/assets/i18n"
)

func main() {
	root := newRootCommand()
	cmd, err := root.ExecuteC()
	if err == nil {
		return
	}
	code := errorExit(cmd)
	var exit exitCode
	if errors.As(err, &exit) {
		code = exit.code
		err = exit.err
	}
	if err != nil {
		var plain userError
		if errors.As(err, &plain) {
			fmt.Fprintln(os.Stderr, plain.sentence)
		} else {
			fmt.Fprintln(os.Stderr, translatorForError().T("cli.error", err))
		}
	}
	os.Exit(code)
}

// errorExitAnnotation, in a command's Annotations, is the exit status of
// that command when it fails before saying one of its own (a bad flag, a
// bad language); 1 when absent.
const errorExitAnnotation = "mach/error-exit"

// errorExit is the exit status for an error of cmd that carries none.
func errorExit(cmd *cobra.Command) int {
	if cmd != nil {
		if n, err := strconv.Atoi(cmd.Annotations[errorExitAnnotation]); err == nil {
			return n
		}
	}
	return 1
}

// exitCode is a command's exit status, with the error to say first when
// err is not nil (a userError is said as its sentence).
type exitCode struct {
	code int
	err  error
}

func (e exitCode) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit status %d", e.code)
	}
	return e.err.Error()
}

func (e exitCode) Unwrap() error { return e.err }

// translatorForError picks the language for help texts and for a message
// printed after the command failed, when the flags may not have been parsed:
// --lang as parsed, else as written on the command line, else MACH_LANG.
func translatorForError() *i18n.Translator {
	lang := langFlag
	if lang == "" {
		lang = langFromArgs(os.Args[1:])
	}
	tr, err := i18n.FromEnv(lang)
	if err != nil {
		return i18n.MustNew(i18n.Vietnamese)
	}
	return tr
}

// userError is an error already said as a sentence in the user's language.
type userError struct {
	sentence string
	err      error
}

func (e userError) Error() string { return e.sentence }
func (e userError) Unwrap() error { return e.err }

// langFromArgs finds "--lang xx" or "--lang=xx" among args.
func langFromArgs(args []string) string {
	for i, a := range args {
		if v, ok := strings.CutPrefix(a, "--lang="); ok {
			return v
		}
		if a == "--lang" && i+1 < len(args) {
			return args[i+1]
		}
	}
	return ""
}
