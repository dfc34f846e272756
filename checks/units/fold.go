package units

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Fold returns s in lower case with every diacritic removed (đ becomes d)
// and runs of white space collapsed to one space, trimmed at both ends.
// Names that differ only in case, diacritics or where the tone mark sits
// (Thủy/Thuỷ, Hòa/Hoà) fold to the same string.
func Fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case unicode.IsSpace(r):
			space = b.Len() > 0
			continue
		case r == 'đ' || r == 'Đ':
			r = 'd'
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// prefixes are the folded words that open a unit's or province's name.
var prefixes = []string{"phuong ", "xa ", "dac khu ", "thanh pho ", "tinh "}

// bare returns a folded name without its leading kind word.
func bare(folded string) string {
	for _, p := range prefixes {
		if rest, ok := strings.CutPrefix(folded, p); ok {
			return rest
		}
	}
	return folded
}
