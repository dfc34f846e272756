// Package backup copies folders into a zip archive that Windows opens
// natively, with a SHA-256 manifest of every file inside it, and checks such
// an archive later: against its own manifest, or against the folders it was
// made from.
//
// An archive holds each source folder as a top-level folder, with the names
// exactly as they are on disk (UTF-8, never normalised), empty folders kept,
// and MANIFEST-SHA256.txt at its root in the format of sha256sum, so that an
// extracted copy can also be checked with `sha256sum -c`. The SHA-256 of
// that manifest is the backup's digest: one value that names the whole
// content, kept in the archive's comment and in the backup's record.
//
// It reads and writes files only: it knows nothing of screens or of the
// data file. The archive is written to a temporary file in the destination
// folder and renamed only when complete and on disk; a cancelled or failed
// run leaves nothing behind.
package backup
