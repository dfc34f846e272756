// Package units is the official list of Vietnam's administrative units after
// the 1 July 2025 reorganisation: the 34 provinces, their 3,321 commune-level
// units (wards, communes, special zones) and the best-effort table of which
// pre-2025 units each was formed from. It loads the CSV files shipped in
// mach/assets and answers look-ups and diacritic-insensitive searches.
//
// It only reads the shipped data: it must not fetch lists from the network,
// write files, or treat the merge table as authoritative (show it as "formed
// from", for the officer to correct).
package units

// NinhBinh is the code of Tỉnh Ninh Bình, the province mach is first built
// for; it comes first in Provinces.
const NinhBinh = "37"

// Kinds of commune-level unit, as written in communes-2025.csv.
const (
	KindWard        = "ward"
	KindCommune     = "commune"
	KindSpecialZone = "special-zone"
)

// Parts of an old unit that went into a new one, as written in merges-2025.csv.
const (
	PartFull    = "full"
	PartPartial = "partial"
)

// Province is a province-level unit: a 2-digit code such as "37" and its
// name such as "Tỉnh Ninh Bình".
type Province struct{ Code, Name string }

// Unit is a commune-level unit: its province code, 5-digit code, name (such
// as "Phường Phủ Lý") and Kind (KindWard, KindCommune or KindSpecialZone).
type Unit struct{ Province, Code, Name, Kind string }

// OldUnit is a pre-2025 unit that a new unit was formed from, wholly
// (Part PartFull) or in part (PartPartial). Code is usually a 5-digit
// commune code; island districts that had no communes have a 3-digit
// district code.
type OldUnit struct{ Code, Name, Part string }

// Directory holds the loaded lists. It is read-only after Load or Parse and
// safe for concurrent use.
type Directory struct {
	provinces  []Province        // Ninh Bình first, then by name
	province   map[string]int    // code → index in provinces
	units      []entry           // grouped by province in provinces order, each group sorted by name
	unit       map[string]int    // code → index in units
	span       map[string][2]int // province code → [start, end) in units
	formedFrom map[string][]OldUnit
}

// entry is a unit with the folded forms Search compares against.
type entry struct {
	Unit
	folded    string   // Fold(Name)
	bare      string   // folded without the leading kind word ("phuong", "xa", "dac khu")
	words     []string // words of folded
	kindWords int      // how many of words are the kind word
}

// Provinces returns every province: Ninh Bình first, then by Vietnamese
// collation of the name without its "Tỉnh"/"Thành phố" prefix.
func (d *Directory) Provinces() []Province {
	return append([]Province(nil), d.provinces...)
}

// Province returns the province with the given 2-digit code.
func (d *Directory) Province(code string) (Province, bool) {
	i, ok := d.province[code]
	if !ok {
		return Province{}, false
	}
	return d.provinces[i], true
}

// Units returns the units of a province sorted by Vietnamese collation of the
// name without its "Phường"/"Xã"/"Đặc khu" prefix, or nil for an unknown code.
func (d *Directory) Units(province string) []Unit {
	s, ok := d.span[province]
	if !ok {
		return nil
	}
	out := make([]Unit, 0, s[1]-s[0])
	for _, e := range d.units[s[0]:s[1]] {
		out = append(out, e.Unit)
	}
	return out
}

// Unit returns the unit with the given 5-digit code.
func (d *Directory) Unit(code string) (Unit, bool) {
	i, ok := d.unit[code]
	if !ok {
		return Unit{}, false
	}
	return d.units[i].Unit, true
}

// FormedFrom returns the pre-2025 units the unit with the given code was
// formed from, in the order of the merge table. The table is best-effort:
// present it as a suggestion, never as authoritative.
func (d *Directory) FormedFrom(code string) []OldUnit {
	return append([]OldUnit(nil), d.formedFrom[code]...)
}
