package units

import "strings"

// Search returns the units of a province (every province when province is
// "") whose names match query, best matches first, at most limit of them
// (all when limit <= 0). The query may be typed with or without diacritics,
// in any case; "d" matches "đ". Ranks, each in the order of Units:
//
//  1. the name, with or without its "Phường"/"Xã"/"Đặc khu" word, is the query;
//  2. the name, with or without that word, starts with the query;
//  3. the name contains the query;
//  4. each query word starts a different word of the name without its kind
//     word, in any order ("ly phu" finds "Phường Phủ Lý");
//  5. the same, counting the kind word ("p phu ly" finds it too).
//
// An empty query returns every unit of the province.
func (d *Directory) Search(province, query string, limit int) []Unit {
	pool := d.units
	if province != "" {
		s, ok := d.span[province]
		if !ok {
			return nil
		}
		pool = d.units[s[0]:s[1]]
	}
	q := Fold(query)
	words := strings.Fields(q)
	var ranks [5][]Unit
	for _, e := range pool {
		switch {
		case q == "" || e.bare == q || e.folded == q:
			ranks[0] = append(ranks[0], e.Unit)
		case strings.HasPrefix(e.bare, q) || strings.HasPrefix(e.folded, q):
			ranks[1] = append(ranks[1], e.Unit)
		case strings.Contains(e.folded, q):
			ranks[2] = append(ranks[2], e.Unit)
		case wordsMatch(e.words[e.kindWords:], words):
			ranks[3] = append(ranks[3], e.Unit)
		case e.kindWords > 0 && wordsMatch(e.words, words):
			ranks[4] = append(ranks[4], e.Unit)
		}
	}
	var out []Unit
	for _, r := range ranks {
		out = append(out, r...)
	}
	if limit > 0 && len(out) > limit {
		out = out[:limit:limit]
	}
	return out
}

// wordsMatch reports whether each query word is a prefix of a different
// name word (a bipartite matching, so "phu p" matches "phuong phu").
func wordsMatch(name, query []string) bool {
	if len(query) == 0 || len(query) > len(name) {
		return false
	}
	for _, q := range query { // cheap rejection before the matching
		found := false
		for _, w := range name {
			if strings.HasPrefix(w, q) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	owner := make([]int, len(name)) // name word → query word + 1, 0 when free
	var assign func(i int, seen []bool) bool
	assign = func(i int, seen []bool) bool {
		for j, w := range name {
			if seen[j] || !strings.HasPrefix(w, query[i]) {
				continue
			}
			seen[j] = true
			if owner[j] == 0 || assign(owner[j]-1, seen) {
				owner[j] = i + 1
				return true
			}
		}
		return false
	}
	for i := range query {
		if !assign(i, make([]bool, len(name))) {
			return false
		}
	}
	return true
}
