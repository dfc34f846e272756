package hub

import (
	"fmt"
	"testing"
	"time"
)

func TestLimiterAllowsBurstThenRate(t *testing.T) {
	clock := &testClock{t: time.Unix(0, 0)}
	l := newLimiter(2, 3, clock.now)
	for i := range 3 {
		if ok, _ := l.allow("a"); !ok {
			t.Fatalf("request %d of the burst refused", i+1)
		}
	}
	ok, wait := l.allow("a")
	if ok || wait != 500*time.Millisecond {
		t.Fatalf("past the burst: allowed %v, wait %v; want refused, 500ms", ok, wait)
	}
	if ok, _ := l.allow("b"); !ok {
		t.Fatal("another key was refused")
	}
	clock.add(500 * time.Millisecond)
	if ok, _ := l.allow("a"); !ok {
		t.Fatal("refused after waiting what it said")
	}
	if ok, _ := l.allow("a"); ok {
		t.Fatal("allowed more than the rate")
	}
}

func TestLimiterForgetsIdleKeysOnly(t *testing.T) {
	clock := &testClock{t: time.Unix(0, 0)}
	l := newLimiter(1, 2, clock.now)
	l.allow("busy")
	l.allow("busy")
	for i := range limiterSweepAt - 1 {
		l.allow(fmt.Sprint("idle", i))
	}
	clock.add(time.Second) // the idle keys (one token used) are full again, busy is not
	l.allow("new")
	if _, kept := l.buckets["busy"]; !kept || len(l.buckets) != 2 {
		t.Fatalf("after a sweep %d keys left, busy kept %v; want busy and new", len(l.buckets), kept)
	}
}
