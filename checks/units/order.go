package units

import (
	"cmp"
	"slices"
	"strings"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
)

// sort orders provinces (Ninh Bình first, then by name without its kind
// word) and units (by province, then by name without its kind word) using
// Vietnamese collation, and builds the indexes by code.
func (d *Directory) sort() {
	c := collate.New(language.Vietnamese)
	var buf collate.Buffer
	// key collates by the name without its kind word, then the full name.
	key := func(name string) [2]string {
		k := [2]string{string(c.KeyFromString(&buf, stripKind(name))), string(c.KeyFromString(&buf, name))}
		buf.Reset()
		return k
	}
	compare := func(a, b [2]string) int { return cmp.Or(cmp.Compare(a[0], b[0]), cmp.Compare(a[1], b[1])) }
	first := func(code string) int {
		if code == NinhBinh {
			return 0
		}
		return 1
	}
	pkey := make(map[string][2]string, len(d.provinces))
	for _, p := range d.provinces {
		pkey[p.Code] = key(p.Name)
	}
	slices.SortFunc(d.provinces, func(a, b Province) int {
		return cmp.Or(cmp.Compare(first(a.Code), first(b.Code)),
			compare(pkey[a.Code], pkey[b.Code]),
			cmp.Compare(a.Code, b.Code))
	})
	for i, p := range d.provinces {
		d.province[p.Code] = i
		d.span[p.Code] = [2]int{}
	}

	type keyed struct {
		entry
		key [2]string
	}
	ks := make([]keyed, len(d.units))
	for i, e := range d.units {
		ks[i] = keyed{e, key(e.Name)}
	}
	slices.SortFunc(ks, func(a, b keyed) int {
		return cmp.Or(cmp.Compare(d.province[a.Province], d.province[b.Province]),
			compare(a.key, b.key),
			cmp.Compare(a.Code, b.Code))
	})
	for i, k := range ks {
		d.units[i] = k.entry
	}
	for i, e := range d.units {
		d.unit[e.Code] = i
		s := d.span[e.Province]
		if s[1] == 0 {
			s[0] = i
		}
		s[1] = i + 1
		d.span[e.Province] = s
	}
}

// stripKind returns a name without its leading kind word ("Phường Phủ Lý"
// becomes "Phủ Lý"), the part names are sorted by.
func stripKind(name string) string {
	f := Fold(name)
	b := bare(f)
	if b == f {
		return name
	}
	words := strings.Fields(name)
	return strings.Join(words[strings.Count(f[:len(f)-len(b)], " "):], " ")
}
