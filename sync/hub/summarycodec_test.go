package hub

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"pgregory.net/rapid"

	"mach/sync/protocol"
)

func TestSummaryRowsRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(0, 1_000_000)
		s := protocol.UnitSummary{Code: "13285", Records: n.Draw(t, "records"), Answered: n.Draw(t, "answered"),
			Required: n.Draw(t, "required"), Datasets: n.Draw(t, "datasets"), BackupsVerified: n.Draw(t, "verified"),
			Handovers: n.Draw(t, "handovers"), Conflicts: n.Draw(t, "conflicts")}
		if rapid.Bool().Draw(t, "synced") {
			s.LastSync = time.Unix(0, rapid.Int64Range(0, 1<<62).Draw(t, "last")).UTC()
		}
		for i := range rapid.IntRange(0, 10).Draw(t, "sections") {
			s.Sections = append(s.Sections, protocol.SectionProgress{Section: rapid.String().Draw(t, "id"), Answered: i, Required: n.Draw(t, "req")})
		}
		for range rapid.IntRange(0, 3).Draw(t, "networks") {
			s.Networks = append(s.Networks, protocol.NetworkVerdict{Network: rapid.String().Draw(t, "net"),
				Verdict: rapid.SampledFrom([]string{"pass", "warn", "fail"}).Draw(t, "verdict"),
				At:      time.Unix(0, rapid.Int64().Draw(t, "at")).UTC()})
		}
		if s.Sections == nil {
			s.Sections = []protocol.SectionProgress{}
		}
		for range rapid.IntRange(0, 4).Draw(t, "actions") {
			if s.Accounts == nil {
				s.Accounts = map[string]int{}
			}
			s.Accounts[rapid.String().Draw(t, "action")] = n.Draw(t, "count")
		}
		data := encodeSummary(s)
		got, err := decodeSummary("13285", data)
		if err != nil || !reflect.DeepEqual(got, s) {
			t.Fatalf("decoded %+v, %v; want %+v", got, err, s)
		}
		// A row cut short or of another layout is refused, never misread.
		cut := rapid.IntRange(0, len(data)-1).Draw(t, "cut")
		if _, err := decodeSummary("13285", data[:cut]); !errors.Is(err, errSummaryFormat) {
			t.Fatalf("a row cut at %d of %d: %v", cut, len(data), err)
		}
	})
	if _, err := decodeSummary("13285", []byte(`{"records":3}`)); !errors.Is(err, errSummaryFormat) {
		t.Fatalf("a JSON row: %v", err)
	}
}
