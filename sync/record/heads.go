package record

import "slices"

// Heads returns the versions of one record that no other version supersedes:
// a version is superseded when another names it as its Base (an edit made on
// it) or in its Resolves (a resolution that settles it). One head means the
// record's history is settled; more than one means concurrent edits that no
// officer has settled yet. vs are every version of the record, in any order;
// the heads come back in Version order.
func Heads(vs []Record) []Version {
	superseded := map[Version]bool{}
	for _, r := range vs {
		if !r.Base.IsZero() {
			superseded[r.Base] = true
		}
		for _, v := range r.Resolves {
			superseded[v] = true
		}
	}
	var heads []Version
	for _, r := range vs {
		if !superseded[r.Version] && !slices.Contains(heads, r.Version) {
			heads = append(heads, r.Version)
		}
	}
	slices.SortFunc(heads, Version.Compare)
	return heads
}

// InConflict reports whether the versions vs of one record have more than
// one head: concurrent edits not yet settled.
func InConflict(vs []Record) bool { return len(Heads(vs)) > 1 }
