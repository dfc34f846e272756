package profile

import "fmt"

// DefinitionError is a profile refused by Parse: the file, the line of the
// offending node, and the reason, in English, for the coordinator who edits
// the file.
type DefinitionError struct {
	File   string
	Line   int
	Reason string
}

// Error returns "file:line: reason".
func (e *DefinitionError) Error() string {
	return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Reason)
}
