package units

import (
	"strings"
	"testing"
)

const (
	goodProvinces = "code,name\n37,Tỉnh Ninh Bình\n01,Thành phố Hà Nội\n"
	goodCommunes  = "province_code,code,name,kind\n37,13285,Phường Phủ Lý,ward\n37,13579,Xã Bắc Lý,commune\n01,00070,Phường Hoàn Kiếm,ward\n"
	goodMerges    = "new_code,old_code,old_name,part\n13285,13285,Phường Quang Trung,partial\n13285,13294,Phường Châu Cầu,full\n"
)

func parse(p, c, m string) (*Directory, error) {
	return Parse(strings.NewReader(p), strings.NewReader(c), strings.NewReader(m))
}

func TestParseGood(t *testing.T) {
	d, err := parse("\uFEFF"+goodProvinces, "\uFEFF"+goodCommunes, "\uFEFF"+goodMerges)
	if err != nil {
		t.Fatal(err)
	}
	if p, ok := d.Province("37"); !ok || p.Name != "Tỉnh Ninh Bình" {
		t.Errorf(`Province("37") = %v, %v; BOM not stripped?`, p, ok)
	}
	if got := d.Units("37"); len(got) != 2 || got[0].Name != "Xã Bắc Lý" {
		t.Errorf(`Units("37") = %v, want Bắc Lý before Phủ Lý`, got)
	}
	if got := d.FormedFrom("13285"); len(got) != 2 || got[1] != (OldUnit{"13294", "Phường Châu Cầu", PartFull}) {
		t.Errorf("FormedFrom = %v", got)
	}
}

func TestParseRefusesMalformed(t *testing.T) {
	tests := []struct {
		name, provinces, communes, merges string
		want                              string // in the error
	}{
		{"empty provinces", "", goodCommunes, goodMerges, "provinces-2025.csv: empty"},
		{"bad header", "code,ten\n37,Tỉnh Ninh Bình\n", goodCommunes, goodMerges, "provinces-2025.csv line 1: header"},
		{"short row", goodProvinces, goodCommunes + "37,13286,Xã Mới\n", goodMerges, "communes-2025.csv line 5: 3 columns"},
		{"long row", goodProvinces, goodCommunes, goodMerges + "13285,13295,Xã Cũ,full,x\n", "merges-2025.csv line 4: 5 columns"},
		{"4-digit code", goodProvinces, goodCommunes + "37,1328,Xã Mới,commune\n", goodMerges, `communes-2025.csv line 5: code "1328" is not 5 digits`},
		{"3-digit province", "code,name\n037,Tỉnh Ninh Bình\n", goodCommunes, goodMerges, "provinces-2025.csv line 2: code"},
		{"letters in code", goodProvinces, goodCommunes + "37,1328a,Xã Mới,commune\n", goodMerges, "communes-2025.csv line 5: code"},
		{"unknown kind", goodProvinces, goodCommunes + "37,13286,Xã Mới,village\n", goodMerges, `communes-2025.csv line 5: kind "village" unknown`},
		{"unknown part", goodProvinces, goodCommunes, goodMerges + "13285,13295,Xã Cũ,half\n", `merges-2025.csv line 4: part "half" unknown`},
		{"duplicate unit", goodProvinces, goodCommunes + "37,13285,Phường Phủ Lý,ward\n", goodMerges, "communes-2025.csv line 5: unit code 13285 already on line 2"},
		{"duplicate province", goodProvinces + "37,Tỉnh Khác\n", goodCommunes, goodMerges, "provinces-2025.csv line 4: province code 37 already on line 2"},
		{"duplicate merge", goodProvinces, goodCommunes, goodMerges + "13285,13294,Phường Châu Cầu,full\n", "merges-2025.csv line 4: old unit 13294 of 13285 already on line 3"},
		{"unknown province", goodProvinces, goodCommunes + "38,14000,Xã Mới,commune\n", goodMerges, "communes-2025.csv line 5: unknown province 38"},
		{"unknown new unit", goodProvinces, goodCommunes, goodMerges + "99999,13295,Xã Cũ,full\n", "merges-2025.csv line 4: unknown unit 99999"},
		{"empty name", goodProvinces, goodCommunes + "37,13286, ,commune\n", goodMerges, "communes-2025.csv line 5: name is empty"},
		{"bad quote", goodProvinces, goodCommunes + "37,13286,\"Xã \"Mới\",commune\n", goodMerges, "communes-2025.csv line 5:"},
		{"invalid UTF-8", goodProvinces, goodCommunes + "37,13286,X\xff,commune\n", goodMerges, "communes-2025.csv line 5: name is not valid UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parse(tt.provinces, tt.communes, tt.merges)
			if err == nil {
				t.Fatalf("Parse succeeded, want error containing %q", tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not contain %q", err, tt.want)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	f.Add(goodProvinces, goodCommunes, goodMerges)
	f.Add("\uFEFF"+goodProvinces, goodCommunes+"37,1328,Xã,ward\n", "new_code,old_code,old_name,part\n")
	f.Add("code,name\n", "province_code,code,name,kind\n\"37\",\"13285\",\"Phường\nPhủ Lý\",ward\n", "")
	f.Fuzz(func(t *testing.T, p, c, m string) {
		d, err := parse(p, c, m)
		if err != nil {
			return
		}
		for _, pr := range d.Provinces() {
			for _, u := range d.Units(pr.Code) {
				d.FormedFrom(u.Code)
				d.Search(pr.Code, u.Name, 3)
			}
		}
		d.Search("", p, 0)
	})
}
