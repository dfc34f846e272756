package profile

import (
	"fmt"

	"mach/assets/i18n"
	"mach/checks/yamldoc"
)

// DefinitionError is a profile refused by Parse: the file, the line of the
// offending node, and the reason, for the coordinator who edits the file.
// It says itself in the user's language with Localize (i18n.Translator's
// Error finds it in a chain) and in English with Error, for logs.
type DefinitionError struct {
	File   string
	Line   int
	Reason i18n.Message
}

// Error returns "file:line: reason", in English.
func (e *DefinitionError) Error() string {
	return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Reason.Localize(i18n.MustNew(i18n.English)))
}

// Localize returns the file, the line and the reason in t's language:
// "ninhbinh.yaml, dòng 3: …".
func (e *DefinitionError) Localize(t *i18n.Translator) string {
	return yamldoc.Say(t, e.File, e.Line, e.Reason)
}
