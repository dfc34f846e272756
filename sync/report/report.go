// Package report builds what the province sees of the units' records: each
// unit's row on the coordinator's dashboard (Summary, Finish) and the
// province report (WriteXLSX, WriteCSV), a summary sheet, a sheet of the
// province's reviews of each unit's sections, and one sheet per area of
// the checklist, with Vietnamese headers and values.
//
// It reads the hub through Source, one unit's records at a time, so that a
// national report holds one unit in memory; the rows of each area wait in
// a temporary file until their sheet is written.
package report

import (
	"fmt"
	"sync"

	"mach/assets/i18n"
	"mach/checks/survey"
	"mach/sync/protocol"
	"mach/sync/record"
)

// Source is what the report reads from the hub; hub.Storage is one.
type Source interface {
	// Summaries returns the dashboard row of each unit of units, in order.
	Summaries(units []string) ([]protocol.UnitSummary, error)
	// Current calls fn with the current version of every record of unit.
	Current(unit string, fn func(record.Record) error) error
	// Documents returns the latest published document of each kind.
	Documents() ([]protocol.Document, error)
}

// Checklist returns the checklist the hub publishes among docs, or the one
// shipped inside mach when none is published.
func Checklist(docs []protocol.Document) (*survey.Checklist, error) {
	for _, d := range docs {
		if d.Kind != protocol.DocChecklist {
			continue
		}
		c, err := survey.Parse(protocol.DocChecklist+".yaml", d.Data)
		if err != nil {
			return nil, fmt.Errorf("published checklist: %w", err)
		}
		return c, nil
	}
	return survey.Default()
}

// vi is the translator of every text the report writes: exports are in
// Vietnamese.
var vi = sync.OnceValue(func() *i18n.Translator { return i18n.MustNew(i18n.Vietnamese) })
