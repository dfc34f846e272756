package fields

import (
	"testing"

	"mach/assets/i18n"
	"mach/checks/survey"
)

func question(t *testing.T, id string) *survey.Question {
	t.Helper()
	c, err := survey.Default()
	if err != nil {
		t.Fatal(err)
	}
	q, ok := c.Question(id)
	if !ok {
		t.Fatalf("no question %s", id)
	}
	return q
}

func TestInputResults(t *testing.T) {
	tr := i18n.MustNew(i18n.Vietnamese)
	phone := question(t, "officer_phone")
	in := NewInput(phone, nil, tr)
	in.text = " 0912345678 "
	if v, err := in.Result(); err != nil || v != "0912345678" {
		t.Fatalf("phone = %v, %v", v, err)
	}
	in.text = "12345"
	if _, err := in.Result(); err == nil {
		t.Fatal("a bad phone number was accepted")
	}

	yes := question(t, "has_tslcd")
	in = NewInput(yes, true, tr)
	if in.choice != "yes" {
		t.Fatalf("a yes answer shows as %q", in.choice)
	}
	in.choice = "no"
	if v, err := in.Result(); err != nil || v != false {
		t.Fatalf("no = %v, %v", v, err)
	}

	bw := question(t, "internet_bandwidth")
	in = NewInput(bw, 1685.5, tr)
	if in.text != "1.685,5" {
		t.Fatalf("a number shows as %q, want 1.685,5", in.text)
	}
	if v, err := in.Result(); err != nil || v != 1685.5 {
		t.Fatalf("number = %v, %v", v, err)
	}
}

func TestUnansweredChoiceStartsOnTheFirstOption(t *testing.T) {
	tr := i18n.MustNew(i18n.English)
	lan := question(t, "lan_state")
	in := NewInput(lan, nil, tr)
	in.Field()
	if in.choice != lan.Options[0].Value {
		t.Fatalf("cursor starts on %q, want %q", in.choice, lan.Options[0].Value)
	}
}

func TestRowSkipsColumnsThatDoNotApply(t *testing.T) {
	tr := i18n.MustNew(i18n.Vietnamese)
	systems := question(t, "systems")
	row := NewRow(systems, map[string]any{"system": "qlvb", "in_use": false, "accounts": 12.0}, tr)
	values, bad, err := row.Values()
	if err != nil {
		t.Fatalf("row refused at %v: %v", bad.ID, err)
	}
	if _, ok := values["accounts"]; ok {
		t.Fatalf("accounts kept although the system is not in use: %v", values)
	}
	accounts, _ := systems.Column("accounts")
	if row.Relevant(accounts) {
		t.Fatal("accounts asked although the system is not in use")
	}
	row = NewRow(systems, map[string]any{"system": "qlvb", "in_use": true, "accounts": 12.0}, tr)
	values, _, err = row.Values()
	if err != nil || values["accounts"] != 12.0 {
		t.Fatalf("in use: values = %v, %v", values, err)
	}
}
