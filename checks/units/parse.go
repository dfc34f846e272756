package units

import (
	"fmt"
	"io"
	"strings"

	"mach/assets"
)

// The shipped files, under units/ in assets.FS.
const (
	provincesFile = "provinces-2025.csv"
	communesFile  = "communes-2025.csv"
	mergesFile    = "merges-2025.csv"
)

// Load reads the lists shipped in mach/assets.
func Load() (*Directory, error) {
	var rs [3]io.Reader
	for i, name := range []string{provincesFile, communesFile, mergesFile} {
		f, err := assets.FS.Open("units/" + name)
		if err != nil {
			return nil, fmt.Errorf("units: %w", err)
		}
		defer f.Close()
		rs[i] = f
	}
	return Parse(rs[0], rs[1], rs[2])
}

// Parse reads the three CSV files (see assets/units/README.md). It refuses a
// wrong header, a row with the wrong number of columns, a code that is not
// 2 (province) or 5 (unit) digits, an unknown kind or part, a reference to an
// unknown province or unit, and a duplicate code; the error names the file
// and line. A UTF-8 byte order mark at the start of a file is skipped.
func Parse(provinces, communes, merges io.Reader) (*Directory, error) {
	d := &Directory{
		province:   map[string]int{},
		unit:       map[string]int{},
		span:       map[string][2]int{},
		formedFrom: map[string][]OldUnit{},
	}
	provLine, unitLine := map[string]int{}, map[string]int{} // code → line
	err := readCSV(provincesFile, provinces, []string{"code", "name"}, func(line int, rec []string) error {
		code, name := rec[0], rec[1]
		if !digits(code, 2) {
			return fmt.Errorf("code %q is not 2 digits", code)
		}
		if prev, ok := provLine[code]; ok {
			return fmt.Errorf("province code %s already on line %d", code, prev)
		}
		provLine[code] = line
		d.provinces = append(d.provinces, Province{Code: code, Name: name})
		return nil
	})
	if err != nil {
		return nil, err
	}

	err = readCSV(communesFile, communes, []string{"province_code", "code", "name", "kind"}, func(line int, rec []string) error {
		u := Unit{Province: rec[0], Code: rec[1], Name: rec[2], Kind: rec[3]}
		if !digits(u.Province, 2) {
			return fmt.Errorf("code %q is not 2 digits", u.Province)
		}
		if _, ok := provLine[u.Province]; !ok {
			return fmt.Errorf("unknown province %s", u.Province)
		}
		if !digits(u.Code, 5) {
			return fmt.Errorf("code %q is not 5 digits", u.Code)
		}
		if u.Kind != KindWard && u.Kind != KindCommune && u.Kind != KindSpecialZone {
			return fmt.Errorf("kind %q unknown (want %s, %s or %s)", u.Kind, KindWard, KindCommune, KindSpecialZone)
		}
		if prev, ok := unitLine[u.Code]; ok {
			return fmt.Errorf("unit code %s already on line %d", u.Code, prev)
		}
		unitLine[u.Code] = line
		f := Fold(u.Name)
		b := bare(f)
		d.units = append(d.units, entry{Unit: u, folded: f, bare: b, words: strings.Fields(f),
			kindWords: strings.Count(f[:len(f)-len(b)], " ")})
		return nil
	})
	if err != nil {
		return nil, err
	}
	d.sort()

	pairs := map[[2]string]int{} // new, old code → line
	err = readCSV(mergesFile, merges, []string{"new_code", "old_code", "old_name", "part"}, func(line int, rec []string) error {
		code, old := rec[0], OldUnit{Code: rec[1], Name: rec[2], Part: rec[3]}
		if !digits(code, 5) {
			return fmt.Errorf("code %q is not 5 digits", code)
		}
		if _, ok := d.unit[code]; !ok {
			return fmt.Errorf("unknown unit %s", code)
		}
		if !digits(old.Code, 5) && !digits(old.Code, 3) {
			return fmt.Errorf("old code %q is not 5 (commune) or 3 (district) digits", old.Code)
		}
		if old.Part != PartFull && old.Part != PartPartial {
			return fmt.Errorf("part %q unknown (want %s or %s)", old.Part, PartFull, PartPartial)
		}
		if prev, ok := pairs[[2]string{code, old.Code}]; ok {
			return fmt.Errorf("old unit %s of %s already on line %d", old.Code, code, prev)
		}
		pairs[[2]string{code, old.Code}] = line
		d.formedFrom[code] = append(d.formedFrom[code], old)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}
