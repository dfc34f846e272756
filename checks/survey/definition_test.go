package survey

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"mach/assets/i18n"
)

// englishWords are pieces of the English reasons: none may be left in a
// Vietnamese one.
var englishWords = []string{"is missing", "must ", "unknown", "already", "the checklist", "question ", "column ", "section ",
	"duplicate", "needs", "cannot", ", line ", "not valid", "twice", "has no", "refers to", "does not", "only for", "is not"}

// quotedDetail is the words of the YAML reader or of the regular expression
// compiler, quoted as they are at the end of a refusal.
var quotedDetail = regexp.MustCompile(`\((bộ đọc YAML|trình dịch) báo: .*\)$`)

// sayNoEnglish fails when de, said in Vietnamese, misses a message or holds
// English words outside a quoted detail.
func sayNoEnglish(t *testing.T, de *DefinitionError) {
	t.Helper()
	vi := i18n.MustNew(i18n.Vietnamese).Error(de)
	if strings.Contains(vi, "!definition.") {
		t.Errorf("a message is missing in %q", vi)
	}
	rest := quotedDetail.ReplaceAllString(vi, "")
	for _, w := range englishWords {
		if strings.Contains(rest, w) {
			t.Errorf("the Vietnamese refusal %q holds the English %q", vi, w)
		}
	}
	if !strings.Contains(vi, fmt.Sprintf(", dòng %d: ", de.Line)) {
		t.Errorf("the Vietnamese refusal %q does not say the line as «dòng %d»", vi, de.Line)
	}
}

func TestRefusalsInBothLanguages(t *testing.T) {
	for _, c := range []struct {
		name, yaml, vi, en string
	}{
		{"missing id", "version: 1\nsections: []\n",
			"bangkhaosat.yaml, dòng 1: thiếu mã bảng khảo sát (id): hãy thêm dòng «id: ten-bang-khao-sat» ở đầu tệp, chỉ dùng chữ thường không dấu, chữ số, dấu - và _",
			"bangkhaosat.yaml, line 1: the checklist: id is missing; add the line «id: checklist-name» at the top of the file, using only lower-case letters, digits, - and _"},
		{"missing version", "id: t\nsections: []\n",
			"bangkhaosat.yaml, dòng 1: thiếu phiên bản bảng khảo sát (version): hãy thêm dòng «version: 1» dưới dòng id, và tăng số này mỗi lần phát hành bản sửa",
			"bangkhaosat.yaml, line 1: the checklist: version is missing; add the line «version: 1» under the id, and raise it each time you publish a change"},
		{"bad YAML", "id: t\nversion: 1\nsections:\n  - id: s\n    title: {vi: S\n",
			"bangkhaosat.yaml, dòng 5: không đúng cú pháp YAML; hãy xem lại dấu ngoặc, dấu nháy và cách thụt lề ở dòng này (bộ đọc YAML báo: could not find flow mapping end token '}')",
			"bangkhaosat.yaml, line 5: not valid YAML; check the brackets, quotes and indentation on this line (the YAML reader says: could not find flow mapping end token '}')"},
		{"unknown field", checklistOf("      - id: a\n        type: text\n        lable: {vi: A}\n"),
			"bangkhaosat.yaml, dòng 9: trường «lable» không dùng được trong câu hỏi (các trường dùng được: id, type, label, help, required, min, max, integer, plain, pattern, pattern_hint, options, when, kind, columns, min_rows, summary)",
			`bangkhaosat.yaml, line 9: unknown field "lable" in question (known fields: id, type, label, help, required, min, max, integer, plain, pattern, pattern_hint, options, when, kind, columns, min_rows, summary)`},
		{"wrong type", checklistOf("      - id: a\n        type: text\n        label: {vi: A}\n        required: yes\n"),
			"bangkhaosat.yaml, dòng 10: câu hỏi «a»: trường «required» phải là true hoặc false, không phải «yes»",
			`bangkhaosat.yaml, line 10: question "a": required must be true or false, not "yes"`},
		{"not a list", "id: t\nversion: 1\nsections: {a: 1}\n",
			"bangkhaosat.yaml, dòng 3: bảng khảo sát, trường «sections» phải là một danh sách, không phải một nhóm trường",
			"bangkhaosat.yaml, line 3: the checklist: sections must be a list, not a mapping"},
		{"field for another type", checklistOf("      - id: a\n        type: yesno\n        label: {vi: A}\n        min: 1\n"),
			"bangkhaosat.yaml, dòng 10: câu hỏi «a»: trường «min» chỉ dùng cho câu hỏi kiểu number hoặc text, không dùng cho kiểu yesno",
			`bangkhaosat.yaml, line 10: question "a": min is only for number or text questions, not yesno`},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse("bangkhaosat.yaml", []byte(c.yaml))
			var de *DefinitionError
			if !errors.As(err, &de) {
				t.Fatalf("Parse = %v, want a *DefinitionError", err)
			}
			// What wraps the error is left out: the refusal is said whole.
			wrapped := fmt.Errorf("published checklist: %w", err)
			if got := i18n.MustNew(i18n.Vietnamese).Error(wrapped); got != c.vi {
				t.Errorf("in Vietnamese:\n got %s\nwant %s", got, c.vi)
			}
			if got := i18n.MustNew(i18n.English).Error(wrapped); got != c.en {
				t.Errorf("in English:\n got %s\nwant %s", got, c.en)
			}
			sayNoEnglish(t, de)
			// Error stays the English "file:line: reason" of the logs.
			_, reason, _ := strings.Cut(c.en, ": ")
			if want := fmt.Sprintf("bangkhaosat.yaml:%d: %s", de.Line, reason); err.Error() != want {
				t.Errorf("Error() = %q, want %q", err.Error(), want)
			}
		})
	}
}
