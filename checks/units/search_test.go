package units

import (
	"testing"
)

func TestFold(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Thủy", "thuy"},
		{"Thuỷ", "thuy"},
		{"Hòa", "hoa"},
		{"Hoà", "hoa"},
		{"ĐẶC KHU  Cô Tô ", "dac khu co to"},
		{"Phường Phủ Lý", "phuong phu ly"},
		{"Xã Ea M'Droh", "xa ea m'droh"},
		{"\tNghĩa\u00a0Hưng\n", "nghia hung"},
		{"Ư Ơ Ă Â Ê Ô", "u o a a e o"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := Fold(tt.in); got != tt.want {
			t.Errorf("Fold(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if Fold("Xã Thanh Thủy") != Fold("xa thanh thuỷ") {
		t.Error("Thủy and Thuỷ fold differently")
	}
}

func TestSearch(t *testing.T) {
	d := load(t)
	tests := []struct {
		province, query string
		first           string // code of the first result
	}{
		{NinhBinh, "phu ly", "13285"},
		{NinhBinh, "Phủ Lý", "13285"},
		{NinhBinh, "PHU LY", "13285"},
		{NinhBinh, "ly phu", "13285"},
		{NinhBinh, "p phu ly", "13285"},
		{NinhBinh, "phuong phu ly", "13285"},
		{"", "phu ly", "13285"},
		{NinhBinh, "hoa lu", "14329"},      // Phường Hoa Lư before Đông/Nam/Tây Hoa Lư
		{"22", "dac khu van don", "06994"}, // Đặc khu Vân Đồn
		{"22", "đặc khu vân đồn", "06994"},
		{"22", "van don", "06994"},
	}
	for _, tt := range tests {
		got := d.Search(tt.province, tt.query, 5)
		if len(got) == 0 || got[0].Code != tt.first {
			t.Errorf("Search(%q, %q) = %v, want %s first", tt.province, tt.query, got, tt.first)
		}
	}
}

func TestSearchEdges(t *testing.T) {
	d := load(t)
	if got := d.Search(NinhBinh, "", 0); len(got) != 129 {
		t.Errorf("empty query: %d units, want 129", len(got))
	}
	if got := d.Search(NinhBinh, "  ", 10); len(got) != 10 {
		t.Errorf("blank query with limit 10: %d units", len(got))
	}
	if got := d.Search("", "", 0); len(got) != 3321 {
		t.Errorf("empty query, every province: %d units, want 3321", len(got))
	}
	if got := d.Search("99", "phu ly", 0); got != nil {
		t.Errorf("unknown province: %v", got)
	}
	if got := d.Search(NinhBinh, "zzz", 0); len(got) != 0 {
		t.Errorf("no match: %v", got)
	}
	if got := d.Search(NinhBinh, "phu phu", 0); len(got) == 0 || got[0].Code != "13285" {
		t.Errorf(`"phu phu" = %v, want Phường Phủ Lý first (phuong, phu)`, got)
	}
	for _, u := range d.Search(NinhBinh, "ly ly", 0) {
		if u.Code == "13285" {
			t.Error(`"ly ly" matched Phường Phủ Lý: one name word used twice`)
		}
	}
}

func BenchmarkSearch(b *testing.B) {
	d := load(b)
	for b.Loop() {
		d.Search("", "p phu ly", 10)
		d.Search(NinhBinh, "hoa", 10)
	}
}
