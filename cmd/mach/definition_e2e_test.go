package main

import (
	"strings"
	"testing"

	"mach/assets/i18n"
)

// englishReasons are pieces of the English reasons for a broken profile or
// checklist: a Vietnamese refusal holds none of them.
var englishReasons = []string{"is missing", "must ", "unknown", "line ", "the profile", "the checklist", "question ", "target "}

// wantRefusal fails unless mach refused with exactly want, in stderr, and
// a non-zero exit code; in Vietnamese, no English reason may be left.
func wantRefusal(t *testing.T, r result, lang, want string) {
	t.Helper()
	if r.code == 0 || r.stdout != "" || strings.TrimSpace(r.stderr) != want {
		t.Errorf("exit %d, stdout %q, stderr\n%s\nwant non-zero, nothing and\n%s", r.code, r.stdout, r.stderr, want)
	}
	if lang != i18n.Vietnamese {
		return
	}
	for _, w := range englishReasons {
		if strings.Contains(r.stderr, w) {
			t.Errorf("the Vietnamese refusal holds the English %q:\n%s", w, r.stderr)
		}
	}
}

func TestE2EDefinitionBrokenProfileInBothLanguages(t *testing.T) {
	f := newFixture(t)
	broken := f.writeProfile(t, "broken.yaml", `id: e2e
targets:
  - name: Máy chủ thử
    host: 127.0.0.1
    probes: [tcp]
`)
	reasons := map[string]string{
		i18n.Vietnamese: broken + ", dòng 1: thiếu phiên bản hồ sơ (version): hãy thêm dòng «version: 1» dưới dòng id, và tăng số này mỗi lần phát hành bản sửa",
		i18n.English:    broken + ", line 1: the profile: version is missing; add the line «version: 1» under the id, and raise it each time you publish a change",
	}
	for _, c := range []struct {
		lang string
		env  []string
		args []string
	}{
		{i18n.Vietnamese, nil, []string{"check", "--profile", broken}},
		{i18n.English, nil, []string{"--lang", "en", "check", "--profile", broken}},
		{i18n.English, []string{"MACH_LANG=en"}, []string{"check", "--profile", broken}},
	} {
		t.Run(strings.Join(append(c.env, c.args[:len(c.args)-1]...), " "), func(t *testing.T) {
			r := f.run(t, "", c.env, f.args(c.args...)...)
			wantRefusal(t, r, c.lang, say(t, c.lang, "check.bad_profile", reasons[c.lang]))
		})
	}
}

func TestE2EDefinitionBrokenChecklistInBothLanguages(t *testing.T) {
	h := startHub(t)
	broken := h.f.writeProfile(t, "checklist.yaml", `id: e2e
version: 2
sections:
  - id: unit
    title: {vi: Thông tin đơn vị, en: Unit}
    questions:
      - id: officer_name
        type: txt
        label: {vi: Họ và tên, en: Full name}
`)
	missingID := h.f.writeProfile(t, "no-id.yaml", "version: 2\nsections: []\n")
	for _, c := range []struct {
		lang, file, reason string
		env                []string
		args               []string
	}{
		{i18n.Vietnamese, broken, ", dòng 8: câu hỏi «officer_name»: không có kiểu «txt» (hãy dùng một trong các kiểu: text, number, date, yesno, choice, multi, table)",
			nil, []string{"--lang", "vi"}},
		{i18n.English, broken, `, line 8: question "officer_name": unknown type "txt" (use one of text, number, date, yesno, choice, multi, table)`,
			[]string{"MACH_LANG=en"}, nil},
		{i18n.Vietnamese, missingID, ", dòng 1: thiếu mã bảng khảo sát (id): hãy thêm dòng «id: ten-bang-khao-sat» ở đầu tệp, chỉ dùng chữ thường không dấu, chữ số, dấu - và _",
			nil, nil},
		{i18n.English, missingID, ", line 1: the checklist: id is missing; add the line «id: checklist-name» at the top of the file, using only lower-case letters, digits, - and _",
			nil, []string{"--lang", "en"}},
	} {
		t.Run(c.lang+" "+c.file[len(h.f.dir)+1:], func(t *testing.T) {
			args := append(c.args, "hub", "publish", "--checklist", c.file)
			r := h.f.run(t, "", c.env, h.f.args(args...)...)
			wantRefusal(t, r, c.lang, say(t, c.lang, "publish.broken", c.file+c.reason))
		})
	}
	h.stop(t)
}
