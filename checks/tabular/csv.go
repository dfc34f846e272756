package tabular

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// Byte order marks.
var (
	bomUTF8    = []byte("\xEF\xBB\xBF")
	bomUTF16LE = []byte("\xFF\xFE")
	bomUTF16BE = []byte("\xFE\xFF")
)

// sniffSize is how much of the text is looked at to choose the separator;
// the reader's buffer holds it.
const sniffSize = 64 << 10

// sniffLines is how many lines the separator is counted over.
const sniffLines = 10

// separators are the cell separators spreadsheets write, in the order that
// breaks a tie.
var separators = []rune{'\t', ';', ','}

// OpenCSV reads CSV text from r: its encoding is told by the byte order
// mark (or, for UTF-16 without one, by where the zero bytes fall), its
// separator by counting the candidates over the first lines outside
// quotes, or by a first line "sep=;" as Excel writes it.
func OpenCSV(r io.Reader) (*Reader, error) {
	raw := bufio.NewReaderSize(r, 4096)
	info := Info{Format: FormatCSV, Encoding: "utf-8"}
	head, _ := raw.Peek(512)
	var dec *encoding.Decoder
	switch {
	case bytes.HasPrefix(head, bomUTF8):
		info.Encoding = "utf-8-bom"
		if _, err := raw.Discard(len(bomUTF8)); err != nil {
			return nil, err
		}
	case bytes.HasPrefix(head, bomUTF16LE):
		info.Encoding = "utf-16le"
		dec = unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder()
	case bytes.HasPrefix(head, bomUTF16BE):
		info.Encoding = "utf-16be"
		dec = unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM).NewDecoder()
	case bytes.IndexByte(head, 0) >= 0:
		switch utf16Guess(head) {
		case "utf-16le":
			info.Encoding = "utf-16le"
			dec = unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM).NewDecoder()
		case "utf-16be":
			info.Encoding = "utf-16be"
			dec = unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM).NewDecoder()
		default:
			return nil, &Error{Err: ErrUnknownFormat, Detail: "binary content"}
		}
	}
	var text io.Reader = raw
	if dec != nil {
		text = transform.NewReader(raw, dec)
	}
	buf := bufio.NewReaderSize(text, sniffSize)
	peek, err := buf.Peek(sniffSize)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, &Error{Err: ErrBadCSV, Detail: err.Error()}
	}
	if line, ok := validUTF8(peek); !ok {
		return nil, &Error{Err: ErrNotUTF8, Line: line}
	}
	skipped := 0
	sep, hinted, hintLen := sepHint(peek)
	if hinted {
		if _, err := buf.Discard(hintLen); err != nil {
			return nil, err
		}
		skipped = 1
	} else {
		sep = sniffSeparator(peek)
	}
	info.Separator = sep
	cr := csv.NewReader(buf)
	cr.Comma = sep
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = false
	return &Reader{info: info, next: func() (Row, error) { return nextCSV(cr, skipped) }}, nil
}

// nextCSV reads records until one that is not blank; skipped is the number
// of lines read before cr started.
func nextCSV(cr *csv.Reader, skipped int) (Row, error) {
	for {
		cells, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return Row{}, io.EOF
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return Row{}, &Error{Err: ErrBadCSV, Line: pe.StartLine + skipped, Detail: pe.Err.Error()}
		}
		if err != nil {
			return Row{}, &Error{Err: ErrBadCSV, Detail: err.Error()}
		}
		line, _ := cr.FieldPos(0)
		line += skipped
		for _, c := range cells {
			if !utf8.ValidString(c) {
				return Row{}, &Error{Err: ErrNotUTF8, Line: line}
			}
		}
		if blank(cells) {
			continue
		}
		return Row{Line: line, Cells: cells}, nil
	}
}

// validUTF8 checks text as far as it goes (a character cut at the end is
// not a fault) and returns the line of the first bad byte.
func validUTF8(text []byte) (int, bool) {
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRune(text[i:])
		if r == utf8.RuneError && size <= 1 {
			if !utf8.FullRune(text[i:]) {
				return 0, true
			}
			return bytes.Count(text[:i], []byte("\n")) + 1, false
		}
		i += size
	}
	return 0, true
}

// sepHint reads a first line "sep=X", with which Excel names the separator.
func sepHint(text []byte) (sep rune, ok bool, n int) {
	rest, found := bytes.CutPrefix(text, []byte("sep="))
	if !found {
		return 0, false, 0
	}
	r, size := utf8.DecodeRune(rest)
	if size == 0 || r == utf8.RuneError || r == '\n' || r == '\r' || r == '"' {
		return 0, false, 0
	}
	after := rest[size:]
	switch {
	case bytes.HasPrefix(after, []byte("\r\n")):
		return r, true, 4 + size + 2
	case bytes.HasPrefix(after, []byte("\n")):
		return r, true, 4 + size + 1
	case len(after) == 0:
		return r, true, 4 + size
	}
	return 0, false, 0
}

// sniffSeparator counts each candidate separator outside quotes over the
// first lines and returns the most frequent; a comma when there is none.
func sniffSeparator(text []byte) rune {
	counts := map[rune]int{}
	quoted, lines := false, 0
	for _, r := range string(text) {
		switch {
		case r == '"':
			quoted = !quoted
		case quoted:
		case r == '\n':
			if lines++; lines >= sniffLines {
				return bestSeparator(counts)
			}
		case r == '\t' || r == ';' || r == ',':
			counts[r]++
		}
	}
	return bestSeparator(counts)
}

func bestSeparator(counts map[rune]int) rune {
	best := ','
	for _, s := range separators {
		if counts[s] > counts[best] {
			best = s
		}
	}
	return best
}

// utf16Guess tells UTF-16 text without a byte order mark by its zero bytes:
// mostly ASCII text has a zero in every other byte.
func utf16Guess(head []byte) string {
	n := len(head) &^ 1
	if n < 4 {
		return ""
	}
	var even, odd int
	for i := 0; i < n; i += 2 {
		if head[i] == 0 {
			even++
		}
		if head[i+1] == 0 {
			odd++
		}
	}
	pairs := n / 2
	switch {
	case odd*10 >= pairs*4 && even == 0:
		return "utf-16le"
	case even*10 >= pairs*4 && odd == 0:
		return "utf-16be"
	}
	return ""
}
