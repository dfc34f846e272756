package hub

import "testing"

func TestPushThenPullFromAnotherDeviceOfTheUnit(t *testing.T) {
	b, _ := openTest(t)
	devA, _ := enrolTest(t, b, testUnit)
	devB, _ := enrolTest(t, b, testUnit)
	devC, _ := enrolTest(t, b, otherUnit)
	a := newLaptop(devA, testUnit)
	sent := a.news(3)
	resp, err := b.Push(devA, testUnit, a.batch(sent...))
	if err != nil || resp.Acked != 3 || resp.Epoch != 1 {
		t.Fatalf("Push = %+v, %v; want acked 3", resp, err)
	}
	got, err := b.Pull(devB, testUnit, 0, 0)
	if err != nil || len(got.Records) != 3 || got.More || got.Cursor != 3 {
		t.Fatalf("Pull by B = %d records, more %v, cursor %d, %v; want 3, false, 3", len(got.Records), got.More, got.Cursor, err)
	}
	for i, r := range got.Records {
		if !sameRecord(r, sent[i].Record) {
			t.Fatalf("pulled %d = %+v, pushed %+v", i, r, sent[i].Record)
		}
	}
	own, _ := b.Pull(devA, testUnit, 0, 0)
	if len(own.Records) != 0 || own.Cursor != 3 {
		t.Fatalf("A pulled its own records back: %d, cursor %d", len(own.Records), own.Cursor)
	}
	other, _ := b.Pull(devC, otherUnit, 0, 0)
	if len(other.Records) != 0 {
		t.Fatalf("another unit's device pulled %d records", len(other.Records))
	}
	again, _ := b.Pull(devB, testUnit, got.Cursor, 0)
	if len(again.Records) != 0 || again.Cursor != got.Cursor {
		t.Fatalf("pull after the cursor = %d records, cursor %d", len(again.Records), again.Cursor)
	}
}
