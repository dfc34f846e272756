package main

import (
	"context"
	"log/slog"
	"testing"

	"mach/assets/i18n"
	"mach/sync/hub/hubtest"
)

// TestSyncerHandsOverAPublishedChecklistOnce runs the interface's syncer
// against a real hub on loopback that publishes a second checklist: the
// round that brings it hands it over, parsed, and the next one does not.
func TestSyncerHandsOverAPublishedChecklistOnce(t *testing.T) {
	h := hubtest.Start(t)
	st, _ := h.Enrol("13285", "laptop")
	h.PublishChecklist(nil)

	e := env{tr: i18n.MustNew(i18n.Vietnamese), log: slog.New(slog.DiscardHandler)}
	inUse := documentsInUse{checklist: 1, profile: 1}
	sync, err := syncer(e, st, &inUse)
	if err != nil || sync == nil {
		t.Fatalf("syncer: %v", err)
	}
	report, err := sync(context.Background())
	if err != nil || report.Checklist == nil || report.Checklist.Version != 2 || report.Profile != nil {
		t.Fatalf("the round that brought checklist 2: %+v, %v", report, err)
	}
	if report, err = sync(context.Background()); err != nil || report.Checklist != nil {
		t.Fatalf("the next round handed the checklist over again: %+v, %v", report, err)
	}
}
