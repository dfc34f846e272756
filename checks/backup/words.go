package backup

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"time"

	"mach/assets/i18n"
)

// errorKeys are the sentences of the errors of a run or a check; each
// takes the path, and the cause when withCause.
var errorKeys = []struct {
	kind      error
	key       string
	withCause bool
}{
	{ErrNoSources, "backup.no_source", false},
	{ErrSourceMissing, "backup.err.source_missing", false},
	{ErrSourceNotFolder, "backup.err.source_not_folder", false},
	{ErrSourceUnreadable, "backup.err.source_unreadable", true},
	{ErrDestMissing, "backup.err.dest_missing", false},
	{ErrDestNotFolder, "backup.err.dest_not_folder", false},
	{ErrDestNotWritable, "backup.err.dest_not_writable", false},
	{ErrDestFull, "backup.err.dest_full", false},
	{ErrDestInsideSource, "backup.err.dest_inside_source", false},
	{ErrArchiveExists, "backup.err.archive_exists", false},
	{ErrWriteFailed, "backup.err.write_failed", true},
	{ErrReadFailed, "backup.err.read_failed", true},
	{ErrArchiveMissing, "backup.err.archive_missing", false},
	{ErrArchiveDamaged, "backup.err.archive_damaged", true},
	{ErrNoManifest, "backup.err.no_manifest", false},
	{ErrSourceNotInArchive, "backup.err.source_not_in_archive", false},
}

// Sentence says in tr's language why a run or a check did not happen, and
// what to do.
func Sentence(err error, tr *i18n.Translator) string {
	if errors.Is(err, context.Canceled) {
		return tr.T("backup.cancelled")
	}
	var be *Error
	if errors.As(err, &be) {
		for _, k := range errorKeys {
			switch {
			case !errors.Is(be.Kind, k.kind):
			case k.withCause:
				return tr.T(k.key, be.Path, be.Err)
			default:
				return tr.T(k.key, be.Path)
			}
		}
	}
	return tr.T("cli.error", err)
}

// Reason says in tr's language why a file was left out or found changed.
func Reason(err error, tr *i18n.Translator) string {
	switch {
	case errors.Is(err, ErrInUse):
		return tr.T("backup.reason.in_use")
	case errors.Is(err, fs.ErrPermission):
		return tr.T("backup.reason.permission")
	case errors.Is(err, ErrLinkedFolder):
		return tr.T("backup.reason.linked_folder")
	case errors.Is(err, ErrNotRegular):
		return tr.T("backup.reason.not_regular")
	case errors.Is(err, ErrDigestMismatch):
		return tr.T("backup.reason.digest")
	case errors.Is(err, ErrEntryDamaged):
		return tr.T("backup.reason.damaged")
	}
	return tr.T("backup.reason.other", err)
}

// Size is a size as Windows Explorer shows it: bytes, KB, MB, GB (of 1024),
// with one decimal written the way of tr's language.
func Size(n int64, tr *i18n.Translator) string {
	if n < 1024 {
		return tr.T("backup.bytes", n)
	}
	v, unit := float64(n)/1024, "KB"
	for _, u := range []string{"MB", "GB", "TB"} {
		if v < 1024 {
			break
		}
		v, unit = v/1024, u
	}
	return tr.Number(v, 1) + " " + unit
}

// Clock is a duration as m:ss, or h:mm:ss from an hour.
func Clock(d time.Duration) string {
	s := int(d.Round(time.Second).Seconds())
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}

// Line is one line of progress, after the bar: percent, bytes done and in
// all, rate and time left ("…" while unknown).
func Line(p Progress, tr *i18n.Translator) string {
	rate, left := "…", "…"
	if p.Rate > 0 {
		rate = Size(int64(p.Rate), tr)
	}
	if p.Left > 0 {
		left = Clock(p.Left)
	}
	return tr.T("backup.progress", tr.Percent(p.Fraction()), Size(p.Done, tr), Size(p.Total, tr), rate, left)
}
