package main

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"mach/assets/i18n"
	"mach/checks/survey"
	"mach/checks/units"
	"mach/sync/record"
)

// TestE2EScriptedSetupWithoutTheScreens: a province sets up a laptop by
// script alone: mach init, mach accounts import, mach enroll and mach sync,
// and the hub holds the unit, its old units, the officer and the accounts.
func TestE2EScriptedSetupWithoutTheScreens(t *testing.T) {
	h := startHub(t)
	a := newFixture(t)
	r := a.run(t, "", nil, a.args("init", "--unit", "13285", "--officer", "Nguyễn Văn An",
		"--position", "Công chức Văn phòng", "--phone", "0912 345 678")...)
	if want := say(t, i18n.Vietnamese, "init.done", "Phường Phủ Lý (13285)", a.data); r.code != 0 || strings.TrimSpace(r.stdout) != want {
		t.Fatalf("mach init: exit %d, stdout %q, stderr %q; want %q", r.code, r.stdout, r.stderr, want)
	}
	// Run twice, as a script may: nothing new is written.
	before := heldVersions(t, a)
	if r := a.run(t, "", nil, a.args("init", "--unit", "13285", "--officer", "Nguyễn Văn An")...); r.code != 0 {
		t.Fatalf("mach init again: exit %d %q", r.code, r.stderr)
	}
	if after := heldVersions(t, a); !slices.Equal(before, after) {
		t.Fatalf("mach init again wrote records:\nbefore %q\nafter  %q", before, after)
	}
	if r := a.run(t, "", nil, a.args("accounts", "import", fixtureFile("staff-libreoffice.xlsx"))...); r.code != 0 {
		t.Fatalf("mach accounts import: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if r := a.run(t, "", nil, a.args("enroll", "--hub", h.url, "--code", h.code(t, "13285"), "--fingerprint", h.finger)...); r.code != 0 {
		t.Fatalf("mach enroll: exit %d\n%s", r.code, r.stderr)
	}
	if r := a.run(t, "", nil, a.args("sync")...); r.code != 0 {
		t.Fatalf("mach sync: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}

	r = h.f.run(t, "", nil, h.f.args("hub", "export", "--format", "json", "--unit", "13285", "--out", "-")...)
	var doc struct {
		Records []record.Record `json:"records"`
	}
	if r.code != 0 || json.Unmarshal([]byte(r.stdout), &doc) != nil {
		t.Fatalf("hub export: exit %d\n%s", r.code, r.stderr)
	}
	kinds := map[string]int{}
	answers := map[string]any{}
	for _, rec := range doc.Records {
		kinds[rec.Kind]++
		if rec.Kind == record.KindAnswer {
			var b struct {
				Question string `json:"question"`
				Value    any    `json:"value"`
			}
			if err := json.Unmarshal(rec.Body, &b); err != nil {
				t.Fatal(err)
			}
			answers[b.Question] = b.Value
			if rec.Author != "Nguyễn Văn An" {
				t.Errorf("answer %s signed %q, want the officer", b.Question, rec.Author)
			}
		}
	}
	local := accountBodies(t, a)
	dir, err := units.Load()
	if err != nil {
		t.Fatal(err)
	}
	old := len(dir.FormedFrom("13285"))
	if kinds[record.KindUnit] != 1 || kinds[record.KindFormedFrom] != old || kinds["account"] != len(local) || len(local) == 0 {
		t.Errorf("the hub holds %v; want the unit, its %d old units and the %d accounts", kinds, old, len(local))
	}
	want := map[string]any{"officer_name": "Nguyễn Văn An", "officer_position": "Công chức Văn phòng", "officer_phone": "0912 345 678"}
	for q, v := range want {
		if answers[q] != v {
			t.Errorf("the hub's answer to %s is %v, want %v", q, answers[q], v)
		}
	}
	if r := a.run(t, "", nil, a.args("sync")...); r.code != 0 || len(a.exportFile(t).Outbox) != 0 {
		t.Errorf("second sync: exit %d, outbox %d", r.code, len(a.exportFile(t).Outbox))
	}
}

func TestE2EInitRefusals(t *testing.T) {
	for _, lang := range i18n.Languages {
		t.Run(lang, func(t *testing.T) {
			f := newFixture(t)
			env := []string{"MACH_LANG=" + lang}
			tr := i18n.MustNew(lang)
			for _, c := range []struct {
				args []string
				want string
			}{
				{nil, tr.T("init.need_unit")},
				{[]string{"--officer", "An"}, tr.T("init.need_unit")},
				{[]string{"--unit", "99999"}, tr.T("init.unknown_unit", "99999")},
			} {
				r := f.run(t, "", env, f.args(append([]string{"init"}, c.args...)...)...)
				if r.code == 0 || strings.TrimSpace(r.stderr) != c.want {
					t.Errorf("mach init %q: exit %d, stderr %q; want non-zero and %q", c.args, r.code, r.stderr, c.want)
				}
			}
			checklist, err := survey.Default()
			if err != nil {
				t.Fatal(err)
			}
			q, _ := checklist.Question("officer_phone")
			r := f.run(t, "", env, f.args("init", "--unit", "13285", "--phone", "123")...)
			want := tr.T("init.bad_value", q.Label.In(lang), q.Validate("123", tr))
			if r.code == 0 || strings.TrimSpace(r.stderr) != want {
				t.Errorf("a bad phone number: exit %d, stderr %q; want %q", r.code, r.stderr, want)
			}
			if doc := f.exportFile(t); len(doc.Records) != 0 || doc.Meta["unit"] != "" {
				t.Fatalf("a refused mach init wrote %d records, unit %q", len(doc.Records), doc.Meta["unit"])
			}
			if r := f.run(t, "", env, f.args("init", "--unit", "13285")...); r.code != 0 {
				t.Fatalf("mach init: exit %d %q", r.code, r.stderr)
			}
			before := heldVersions(t, f)
			r = f.run(t, "", env, f.args("init", "--unit", "13291")...)
			if r.code == 0 || strings.TrimSpace(r.stderr) != tr.T("init.other_unit", "13285", "13291") {
				t.Errorf("mach init for another unit: exit %d, stderr %q", r.code, r.stderr)
			}
			if after := heldVersions(t, f); !slices.Equal(before, after) {
				t.Errorf("a refused mach init changed the file")
			}
		})
	}
}
