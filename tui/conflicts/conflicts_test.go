package conflicts

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"mach/checks/answers"
	"mach/sync/record"
	"mach/tui/app/apptest"
)

func TestOfficerKeepsTheOtherLaptopsVersion(t *testing.T) {
	a, b := apptest.Shared(t), apptest.Shared(t)
	apptest.WithUnit(t, a)
	apptest.WithUnit(t, b)
	body := func(v string) json.RawMessage { raw, _ := answers.AnswerBody("officer_name", v); return raw }
	v1, err := a.Store.Put(record.KindAnswer, "", body("Nguyễn Văn An"))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := b.Store.ApplyRemote([]record.Record{v1}, 1); err != nil {
		t.Fatal(err)
	}
	a.Store.Put(record.KindAnswer, v1.ID, body("Nguyễn Văn Ân"))
	vb, _ := b.Store.Put(record.KindAnswer, v1.ID, body("Nguyễn Văn Anh"))
	if _, n, err := a.Store.ApplyRemote([]record.Record{vb}, 2); err != nil || n != 1 {
		t.Fatalf("no conflict made: %d, %v", n, err)
	}
	apptest.Reload(t, a)

	m := New(a)
	m.SetSize(80, 24)
	d := apptest.Drive[Model](t, a)
	m = d.Send(m, m.Init()())
	view := ansi.Strip(m.View())
	for _, want := range []string{"Xung đột cần xử lý (1)", "> Họ và tên cán bộ phụ trách CNTT", "Nguyễn Văn Ân", "Nguyễn Văn Anh"} {
		if !strings.Contains(view, want) {
			t.Errorf("conflicts screen lacks %q:\n%s", want, view)
		}
	}
	// Keep the version that is not the current one.
	versions := m.versions()
	m = d.Send(m, apptest.Key("right"))
	chosen := versions[1]
	m = d.Send(m, apptest.Key("enter"))
	if view = ansi.Strip(m.View()); !strings.Contains(view, "Không có xung đột nào.") || !strings.Contains(view, "Đã lưu bản được chọn.") {
		t.Fatalf("after keeping a version:\n%s", view)
	}
	if cs, _ := a.Store.Conflicts(); len(cs) != 0 {
		t.Fatalf("the store still holds %d conflicts", len(cs))
	}
	var want struct{ Value string }
	json.Unmarshal(chosen.Body, &want)
	if got, _ := a.Sheet.Value("officer_name"); got != want.Value {
		t.Fatalf("officer_name = %v, want the kept %q", got, want.Value)
	}
	if m.Count() != 0 {
		t.Fatalf("%d conflicts listed", m.Count())
	}
}
