package backup

import (
	"errors"
	"fmt"
)

// Errors a run or a check can end with, for callers to tell the user what
// happened; each comes inside an *Error that names the path.
var (
	// ErrNoSources: no source folder was given.
	ErrNoSources = errors.New("no source folder")
	// ErrSourceMissing: a source folder does not exist.
	ErrSourceMissing = errors.New("source folder not found")
	// ErrSourceNotFolder: a source is a file, not a folder.
	ErrSourceNotFolder = errors.New("source is not a folder")
	// ErrSourceUnreadable: a source folder cannot be listed at all.
	ErrSourceUnreadable = errors.New("source folder cannot be read")
	// ErrDestMissing: the destination folder does not exist.
	ErrDestMissing = errors.New("destination folder not found")
	// ErrDestNotFolder: the destination is a file, not a folder.
	ErrDestNotFolder = errors.New("destination is not a folder")
	// ErrDestNotWritable: nothing can be written in the destination folder.
	ErrDestNotWritable = errors.New("destination folder is not writable")
	// ErrDestFull: the destination ran out of space; the partial archive
	// was removed.
	ErrDestFull = errors.New("destination is full")
	// ErrDestInsideSource: the destination lies inside a source folder, so
	// the archive would copy itself.
	ErrDestInsideSource = errors.New("destination is inside a source folder")
	// ErrArchiveExists: an archive of the same name is already there.
	ErrArchiveExists = errors.New("archive already exists")
	// ErrWriteFailed: writing the archive failed for another reason.
	ErrWriteFailed = errors.New("writing the archive failed")
	// ErrReadFailed: a file could no longer be read after part of it was
	// already in the archive.
	ErrReadFailed = errors.New("reading a file failed part way")
	// ErrArchiveMissing: the archive to check does not exist.
	ErrArchiveMissing = errors.New("archive not found")
	// ErrArchiveDamaged: the archive cannot be opened as a zip file.
	ErrArchiveDamaged = errors.New("archive is damaged")
	// ErrNoManifest: the archive has no manifest, so it was not made by a
	// backup run (or the manifest was removed).
	ErrNoManifest = errors.New("archive has no manifest")
	// ErrSourceNotInArchive: a folder to compare has no top-level folder of
	// its name in the archive.
	ErrSourceNotInArchive = errors.New("folder is not in the archive")
)

// Reasons a file is skipped or found changed (Skipped.Reason, Problem.Reason).
var (
	// ErrLinkedFolder: a symbolic link to a folder is not followed.
	ErrLinkedFolder = errors.New("link to a folder, not followed")
	// ErrInUse: another program holds the file open and locked (an open
	// Outlook or accounting database on Windows).
	ErrInUse = errors.New("file is in use by another program")
	// ErrNotRegular: a device, pipe or socket has no content to copy.
	ErrNotRegular = errors.New("not a regular file")
	// ErrDigestMismatch: the content's SHA-256 differs from the manifest.
	ErrDigestMismatch = errors.New("content differs from the manifest")
	// ErrEntryDamaged: the entry cannot be read back (CRC or data error).
	ErrEntryDamaged = errors.New("entry cannot be read back")
)

// Error is a run or a check that could not be done: Kind is one of the
// Err… values above, Path the folder or file concerned, Err the cause.
type Error struct {
	Kind error
	Path string
	Err  error
}

func (e *Error) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("backup: %s: %v", e.Path, e.Kind)
	}
	return fmt.Sprintf("backup: %s: %v: %v", e.Path, e.Kind, e.Err)
}

// Unwrap gives both the kind and the cause to errors.Is and errors.As.
func (e *Error) Unwrap() []error {
	if e.Err == nil {
		return []error{e.Kind}
	}
	return []error{e.Kind, e.Err}
}

// fail makes an *Error.
func fail(kind error, path string, err error) error {
	return &Error{Kind: kind, Path: path, Err: err}
}
