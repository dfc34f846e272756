package dashboard

import (
	"cmp"
	"slices"
	"strings"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"mach/checks/units"
	"mach/sync/protocol"
)

// sortKey is what the table is sorted by.
type sortKey int

const (
	sortCode sortKey = iota
	sortName
	sortCompletion
	sortSync
	sortFlags
	sortKeys // how many there are
)

// sortNames are the i18n names of the sort keys, "dashboard.sort.<name>".
var sortNames = [sortKeys]string{"code", "name", "completion", "sync", "flags"}

// listView is how the coordinator arranged the table.
type listView struct {
	sort    sortKey
	reverse bool
	// flag shows only the units with it, a flag or a mark; "" shows all.
	flag string
	// query shows only the units whose name or code match it.
	query string
}

// arrange returns the units to show, in order. nameRank orders units by
// name (see nameRanks). A search shows the units that match it best only:
// "phu ly" shows Phường Phủ Lý, not Phường Lý Thường Kiệt.
func arrange(all []protocol.UnitSummary, v listView, nameRank map[string]int) []protocol.UnitSummary {
	q := newQuery(v.query)
	var out []protocol.UnitSummary
	best := noMatch
	for _, u := range all {
		if v.flag != "" && !hasFlag(u, v.flag) {
			continue
		}
		switch tier := q.match(u); {
		case tier < best:
			best, out = tier, append(out[:0], u)
		case tier == best && tier != noMatch:
			out = append(out, u)
		}
	}
	compare := func(a, b protocol.UnitSummary) int {
		switch v.sort {
		case sortName:
			return cmp.Compare(nameRank[a.Code], nameRank[b.Code])
		case sortCompletion:
			return cmp.Compare(completion(a), completion(b))
		case sortSync:
			// Never synced first, then the longest ago.
			return a.LastSync.Compare(b.LastSync)
		case sortFlags:
			return cmp.Compare(flagScore(b.Flags), flagScore(a.Flags))
		}
		return 0
	}
	slices.SortStableFunc(out, func(a, b protocol.UnitSummary) int {
		c := cmp.Or(compare(a, b), cmp.Compare(a.Code, b.Code))
		if v.reverse {
			return -c
		}
		return c
	})
	return out
}

// completion is the share of the required questions answered, 0 to 1.
func completion(u protocol.UnitSummary) float64 {
	if u.Required <= 0 {
		return 0
	}
	return min(float64(u.Answered)/float64(u.Required), 1)
}

// flagScore weighs a unit's flags so that one more pressing flag outweighs
// any number of lesser ones.
func flagScore(flags []string) int {
	score := 0
	for _, f := range flags {
		score |= 1 << (len(flagOrder) - flagRank(f))
	}
	return score
}

// byRank returns flags, most pressing first.
func byRank(flags []string) []string {
	out := slices.Clone(flags)
	slices.SortStableFunc(out, func(a, b string) int { return cmp.Compare(flagRank(a), flagRank(b)) })
	return out
}

// nameRanks numbers the units in the order of their names: the official
// list's order (by name without "Phường"/"Xã", Vietnamese collation) when
// dir knows them, then the others by Vietnamese collation.
func nameRanks(all []protocol.UnitSummary, dir *units.Directory, province string) map[string]int {
	rank := map[string]int{}
	if dir != nil {
		for i, u := range dir.Units(province) {
			rank[u.Code] = i
		}
	}
	var rest []protocol.UnitSummary
	for _, u := range all {
		if _, ok := rank[u.Code]; !ok {
			rest = append(rest, u)
		}
	}
	c := collate.New(language.Vietnamese)
	slices.SortFunc(rest, func(a, b protocol.UnitSummary) int {
		return cmp.Or(c.CompareString(a.Name, b.Name), cmp.Compare(a.Code, b.Code))
	})
	base := len(rank)
	for i, u := range rest {
		rank[u.Code] = base + i
	}
	return rank
}

// query is a search typed by the coordinator, folded the way the unit
// search folds names: without diacritics or case ("phu ly" finds Phường
// Phủ Lý).
type query struct {
	raw    string
	folded string
	words  []string
}

func newQuery(s string) query {
	f := units.Fold(s)
	return query{raw: strings.TrimSpace(s), folded: f, words: strings.Fields(f)}
}

// How well a unit matches a search, best first.
const (
	// matchWhole: the code starts with the query or the name contains it.
	matchWhole = iota
	// matchWords: each word of the query starts a word of the name
	// without its "Phường"/"Xã"/"Đặc khu", in any order.
	matchWords
	// matchKindWords: the same, counting that word ("p phu ly").
	matchKindWords
	noMatch
)

// kindWords are the folded words that open a unit's name.
var kindWords = []string{"phuong ", "xa ", "dac khu "}

// match says how well a unit matches the query.
func (q query) match(u protocol.UnitSummary) int {
	if q.folded == "" || strings.HasPrefix(u.Code, q.raw) {
		return matchWhole
	}
	name := units.Fold(u.Name)
	if strings.Contains(name, q.folded) {
		return matchWhole
	}
	bare := name
	for _, k := range kindWords {
		if rest, ok := strings.CutPrefix(name, k); ok {
			bare = rest
			break
		}
	}
	switch {
	case startWords(strings.Fields(bare), q.words):
		return matchWords
	case startWords(strings.Fields(name), q.words):
		return matchKindWords
	}
	return noMatch
}

// startWords reports whether each query word starts a different word of
// the name. The longest query words pick their name word first, which
// settles the names of units, whose words are few.
func startWords(name, query []string) bool {
	query = slices.Clone(query)
	slices.SortStableFunc(query, func(a, b string) int { return cmp.Compare(len(b), len(a)) })
	used := make([]bool, len(name))
	for _, q := range query {
		i := slices.IndexFunc(name, func(n string) bool { return strings.HasPrefix(n, q) })
		for i >= 0 && used[i] {
			j := slices.IndexFunc(name[i+1:], func(n string) bool { return strings.HasPrefix(n, q) })
			if j < 0 {
				i = -1
				break
			}
			i += 1 + j
		}
		if i < 0 {
			return false
		}
		used[i] = true
	}
	return true
}
