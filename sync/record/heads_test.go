package record

import (
	"slices"
	"testing"
)

func v(t int64, d string) Version { return Version{Time: t, Device: d} }

func TestHeadsOfALinearHistoryIsItsLastVersion(t *testing.T) {
	vs := []Record{
		{Version: v(3, "a"), Base: v(2, "a")},
		{Version: v(1, "a")},
		{Version: v(2, "a"), Base: v(1, "a")},
	}
	if got := Heads(vs); !slices.Equal(got, []Version{v(3, "a")}) {
		t.Fatalf("Heads = %v, want [3@a]", got)
	}
	if InConflict(vs) {
		t.Fatal("a linear history is not a conflict")
	}
}

func TestConcurrentEditsAreAConflictUntilResolved(t *testing.T) {
	base := Record{Version: v(1, "a")}
	mine := Record{Version: v(5, "a"), Base: v(1, "a")}
	theirs := Record{Version: v(4, "b"), Base: v(1, "a")}
	vs := []Record{base, mine, theirs}
	if got := Heads(vs); !slices.Equal(got, []Version{v(4, "b"), v(5, "a")}) {
		t.Fatalf("Heads = %v, want [4@b 5@a]", got)
	}
	if !InConflict(vs) {
		t.Fatal("two concurrent edits must be a conflict")
	}
	// An edit made on one branch does not settle the other.
	onMine := Record{Version: v(6, "a"), Base: v(5, "a")}
	if !InConflict(append(slices.Clone(vs), onMine)) {
		t.Fatal("an edit on one branch left the other open: still a conflict")
	}
	// The officer's choice names the current version as its base and the
	// other in Resolves.
	resolution := Record{Version: v(7, "b"), Base: v(6, "a"), Resolves: []Version{v(6, "a"), v(4, "b")}}
	settled := append(slices.Clone(vs), onMine, resolution)
	if got := Heads(settled); !slices.Equal(got, []Version{v(7, "b")}) {
		t.Fatalf("Heads after the resolution = %v, want [7@b]", got)
	}
	if InConflict(settled) {
		t.Fatal("the resolution settles the conflict")
	}
}

func TestHeadsOfOneOrNoVersion(t *testing.T) {
	if got := Heads(nil); len(got) != 0 {
		t.Fatalf("Heads(nil) = %v", got)
	}
	one := []Record{{Version: v(1, "a"), Base: v(9, "z")}} // its base never reached us
	if got := Heads(one); !slices.Equal(got, []Version{v(1, "a")}) || InConflict(one) {
		t.Fatalf("Heads = %v", got)
	}
	// The same version twice (a record held twice) is one head.
	twice := []Record{{Version: v(1, "a")}, {Version: v(1, "a")}}
	if InConflict(twice) {
		t.Fatal("one version held twice is not a conflict")
	}
}
