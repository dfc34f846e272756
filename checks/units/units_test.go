package units

import (
	"encoding/csv"
	"maps"
	"slices"
	"testing"

	"mach/assets"
)

func load(t testing.TB) *Directory {
	t.Helper()
	d, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestLoadCounts(t *testing.T) {
	d := load(t)
	if n := len(d.Provinces()); n != 34 {
		t.Errorf("provinces = %d, want 34", n)
	}
	total := 0
	for _, p := range d.Provinces() {
		total += len(d.Units(p.Code))
	}
	if total != 3321 {
		t.Errorf("units = %d, want 3321", total)
	}
	kinds := map[string]int{}
	for _, u := range d.Units(NinhBinh) {
		kinds[u.Kind]++
	}
	if want := map[string]int{KindCommune: 97, KindWard: 32}; !maps.Equal(kinds, want) {
		t.Errorf("Ninh Bình kinds = %v, want %v", kinds, want)
	}
}

func TestProvincesOrder(t *testing.T) {
	d := load(t)
	ps := d.Provinces()
	if ps[0].Code != NinhBinh || ps[0].Name != "Tỉnh Ninh Bình" {
		t.Fatalf("first province = %v, want Ninh Bình", ps[0])
	}
	// After Ninh Bình, by name without "Tỉnh"/"Thành phố": An Giang, Bắc Ninh, Cà Mau, Cao Bằng, Cần Thơ…
	var codes []string
	for _, p := range ps[1:6] {
		codes = append(codes, p.Code)
	}
	if want := []string{"91", "24", "96", "04", "92"}; !slices.Equal(codes, want) {
		t.Errorf("provinces 2–6 = %v, want %v", codes, want)
	}
	if p, ok := d.Province("01"); !ok || p.Name != "Thành phố Hà Nội" {
		t.Errorf(`Province("01") = %v, %v`, p, ok)
	}
	if _, ok := d.Province("99"); ok {
		t.Error(`Province("99") found`)
	}
}

func TestUnitsOrderAndLookup(t *testing.T) {
	d := load(t)
	us := d.Units(NinhBinh)
	// By name without the kind word, so wards and communes interleave.
	var names []string
	for _, u := range us[7:11] {
		names = append(names, u.Name)
	}
	if want := []string{"Xã Cát Thành", "Xã Chất Bình", "Phường Châu Sơn", "Xã Cổ Lễ"}; !slices.Equal(names, want) {
		t.Errorf("Units(37)[7:11] = %v, want %v", names, want)
	}
	u, ok := d.Unit("13285")
	if !ok || u != (Unit{Province: NinhBinh, Code: "13285", Name: "Phường Phủ Lý", Kind: KindWard}) {
		t.Errorf(`Unit("13285") = %v, %v`, u, ok)
	}
	if _, ok := d.Unit("1328"); ok {
		t.Error(`Unit("1328") found`)
	}
	if d.Units("99") != nil {
		t.Error(`Units("99") not nil`)
	}
}

func TestFormedFromMatchesCSV(t *testing.T) {
	f, err := assets.FS.Open("units/" + mergesFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var want []OldUnit
	for _, r := range rows[1:] {
		if r[0] == "13285" {
			want = append(want, OldUnit{Code: r[1], Name: r[2], Part: r[3]})
		}
	}
	if len(want) != 4 {
		t.Fatalf("CSV has %d rows for 13285, want 4", len(want))
	}
	d := load(t)
	if got := d.FormedFrom("13285"); !slices.Equal(got, want) {
		t.Errorf("FormedFrom(13285) = %v, want %v", got, want)
	}
	if got := d.FormedFrom("99999"); got != nil {
		t.Errorf("FormedFrom(99999) = %v, want nil", got)
	}
}
