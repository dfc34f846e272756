package backup

import (
	"archive/zip"
	"encoding/binary"
	"math"
	"time"
	"unicode/utf8"
)

// Zip header values that archive/zip sets only for entries it compresses
// itself (CreateHeader); entries written raw (CreateRaw) need them here.
const (
	zipVersion20 = 20 // 2.0: deflate, folders
	zipVersion45 = 45 // 4.5: zip64 sizes
	// flagDataDescriptor: the CRC and sizes follow the data.
	flagDataDescriptor = 0x8
	// flagUTF8 (bit 11, "language encoding"): the name is UTF-8. Windows,
	// macOS and 7-Zip read names by it.
	flagUTF8 = 0x800
	// msdosDir is the MS-DOS attribute of a folder.
	msdosDir = 0x10
	// extTimeID is Info-ZIP's extended timestamp, which archive/zip reads
	// back as FileHeader.Modified.
	extTimeID = 0x5455
)

// header is the zip header of e. A file's CRC and sizes are filled in by
// finishHeader once its content is written (data descriptor); a folder has
// none.
func header(e *entry) *zip.FileHeader {
	fh := &zip.FileHeader{
		Name:           e.name,
		CreatorVersion: zipVersion20, // made on "MS-DOS": no Unix modes
		ReaderVersion:  zipVersion20,
		Method:         zip.Deflate,
		Flags:          flagDataDescriptor,
		Modified:       e.mod,
	}
	if e.dir {
		fh.Method, fh.Flags, fh.ExternalAttrs = zip.Store, 0, msdosDir
	}
	// Every name is written as it is on disk; the flag is set when it is
	// valid UTF-8 (a Linux name may not be).
	if utf8.ValidString(e.name) {
		fh.Flags |= flagUTF8
	}
	if !e.mod.IsZero() {
		fh.ModifiedDate, fh.ModifiedTime = msdosTime(e.mod)
		var ext [9]byte
		binary.LittleEndian.PutUint16(ext[0:], extTimeID)
		binary.LittleEndian.PutUint16(ext[2:], 5)
		ext[4] = 1 // modification time only
		binary.LittleEndian.PutUint32(ext[5:], uint32(max(min(e.mod.Unix(), math.MaxUint32), 0)))
		fh.Extra = ext[:]
	}
	return fh
}

// finishHeader records a written file's CRC and sizes in its header before
// archive/zip writes them in the data descriptor (when the next entry
// starts) and in the central directory (at Close): CreateRaw keeps fh and
// reads these fields only then.
func finishHeader(fh *zip.FileHeader, crc uint32, compressed, size uint64) {
	fh.CRC32, fh.CompressedSize64, fh.UncompressedSize64 = crc, compressed, size
	if compressed >= math.MaxUint32 || size >= math.MaxUint32 {
		fh.CompressedSize, fh.UncompressedSize = math.MaxUint32, math.MaxUint32
		fh.ReaderVersion = zipVersion45
		return
	}
	fh.CompressedSize, fh.UncompressedSize = uint32(compressed), uint32(size)
}

// msdosTime is t in the MS-DOS date and time of zip headers, local time as
// Windows reads it; times before 1980 become 1 January 1980.
func msdosTime(t time.Time) (date, clock uint16) {
	t = t.Local()
	if t.Year() < 1980 {
		t = time.Date(1980, 1, 1, 0, 0, 0, 0, time.Local)
	}
	date = uint16(t.Day() + int(t.Month())<<5 + (min(t.Year(), 2107)-1980)<<9)
	clock = uint16(t.Second()/2 + t.Minute()<<5 + t.Hour()<<11)
	return date, clock
}
