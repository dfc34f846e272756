package backup

import (
	"strings"

	"golang.org/x/text/unicode/norm"
)

// The checklist's table of backups: its question id, its record kind, and
// the format of its dates.
const (
	TableID   = "backups"
	TableKind = "backup"
	dateISO   = "2006-01-02"
)

// RowInfo is what the officer says about a backup that the archive does
// not: which old unit and which system the data belongs to, who made it.
type RowInfo struct {
	OldUnit string
	System  string
	DoneBy  string
}

// Row returns the row of the checklist's backups table for this backup,
// keyed by column id as the checklist screen saves it: dataset (the
// label), old_unit, system, backed_up (true), location (the archive's
// path), backup_date ("YYYY-MM-DD", local), done_by, verified, sha256 (the
// digest), size_bytes (the archive's size) and file_count. Empty texts are
// left out.
func (r Result) Row(info RowInfo, verified bool) map[string]any {
	row := map[string]any{
		"dataset":     r.Label,
		"backed_up":   true,
		"location":    r.Archive,
		"backup_date": r.Finished.Local().Format(dateISO),
		"verified":    verified,
		"sha256":      r.Digest,
		"size_bytes":  float64(r.ArchiveBytes),
		"file_count":  float64(r.Files),
	}
	for id, v := range map[string]string{"old_unit": info.OldUnit, "system": info.System, "done_by": info.DoneBy} {
		if v = norm.NFC.String(strings.TrimSpace(v)); v != "" {
			row[id] = v
		}
	}
	return row
}
