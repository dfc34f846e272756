package profile

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
var englishWords = []string{"is missing", "must ", "unknown", "already", "the profile", "target ", "needs", "cannot",
	", line ", "not valid", "is empty", "twice", "has no", "give ", "remove", "is not"}

// yamlDetail is the YAML reader's own words, quoted as they are at the end
// of a syntax error.
var yamlDetail = regexp.MustCompile(`\(bộ đọc YAML báo: .*\)$`)

// sayNoEnglish fails when de, said in Vietnamese, misses a message or holds
// English words outside the YAML reader's quoted detail.
func sayNoEnglish(t *testing.T, de *DefinitionError) {
	t.Helper()
	vi := i18n.MustNew(i18n.Vietnamese).Error(de)
	if strings.Contains(vi, "!definition.") {
		t.Errorf("a message is missing in %q", vi)
	}
	rest := yamlDetail.ReplaceAllString(vi, "")
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
	head := "id: test\nversion: 1\ntargets:\n"
	for _, c := range []struct {
		name, yaml, vi, en string
	}{
		{"missing id", "version: 1\ntargets: []\n",
			"hoso.yaml, dòng 1: thiếu mã hồ sơ (id): hãy thêm dòng «id: ten-ho-so» ở đầu tệp, chỉ dùng chữ thường không dấu, chữ số, dấu - và _",
			"hoso.yaml, line 1: the profile: id is missing; add the line «id: profile-name» at the top of the file, using only lower-case letters, digits, - and _"},
		{"missing version", "id: test\ntargets: []\n",
			"hoso.yaml, dòng 1: thiếu phiên bản hồ sơ (version): hãy thêm dòng «version: 1» dưới dòng id, và tăng số này mỗi lần phát hành bản sửa",
			"hoso.yaml, line 1: the profile: version is missing; add the line «version: 1» under the id, and raise it each time you publish a change"},
		{"bad YAML", "id: test\nversion: 1\ntargets: [\n",
			"hoso.yaml, dòng 3: không đúng cú pháp YAML; hãy xem lại dấu ngoặc, dấu nháy và cách thụt lề ở dòng này (bộ đọc YAML báo: sequence end token ']' not found)",
			"hoso.yaml, line 3: not valid YAML; check the brackets, quotes and indentation on this line (the YAML reader says: sequence end token ']' not found)"},
		{"unknown field", head + "  - name: A\n    host: a.test\n    probes: [tcp]\n    colour: red\n",
			"hoso.yaml, dòng 7: trường «colour» không dùng được trong mục tiêu thứ 1 (các trường dùng được: name, system, host, port, url, dns_server, expect_status, expect_text, hub, probes, networks, thresholds)",
			`hoso.yaml, line 7: unknown field "colour" in target 1 (known fields: name, system, host, port, url, dns_server, expect_status, expect_text, hub, probes, networks, thresholds)`},
		{"wrong type", head + "  - name: Cổng\n    host: a.test\n    port: https\n    probes: [tcp]\n",
			"hoso.yaml, dòng 6: mục tiêu «Cổng», trường «port» phải là một số, không phải một đoạn chữ",
			`hoso.yaml, line 6: target "Cổng": port must be a number, not a string`},
		{"unknown probe", head + "  - name: Cổng\n    host: a.test\n    probes: [tcp, ping]\n",
			"hoso.yaml, dòng 6: mục tiêu «Cổng»: không có phép đo «ping» (chọn trong: dns, tcp, tls, http, ntp, latency, throughput, udp, proxy)",
			`hoso.yaml, line 6: target "Cổng": unknown probe "ping" (known: dns, tcp, tls, http, ntp, latency, throughput, udp, proxy)`},
		{"bad host", head + "  - name: Cổng\n    host: https://a.test\n    probes: [tcp]\n",
			"hoso.yaml, dòng 5: mục tiêu «Cổng»: host «https://a.test» chỉ được ghi tên máy chủ, ví dụ example.gov.vn; địa chỉ đầy đủ thì ghi ở trường «url»",
			`hoso.yaml, line 5: target "Cổng": host "https://a.test" must be a bare name such as example.gov.vn; put a full address under url`},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse("hoso.yaml", []byte(c.yaml))
			var de *DefinitionError
			if !errors.As(err, &de) {
				t.Fatalf("Parse = %v, want a *DefinitionError", err)
			}
			// What wraps the error is left out: the refusal is said whole.
			wrapped := fmt.Errorf("read the profile: %w", err)
			if got := i18n.MustNew(i18n.Vietnamese).Error(wrapped); got != c.vi {
				t.Errorf("in Vietnamese:\n got %s\nwant %s", got, c.vi)
			}
			if got := i18n.MustNew(i18n.English).Error(wrapped); got != c.en {
				t.Errorf("in English:\n got %s\nwant %s", got, c.en)
			}
			sayNoEnglish(t, de)
			// Error stays the English "file:line: reason" of the logs.
			_, reason, _ := strings.Cut(c.en, ": ")
			if want := fmt.Sprintf("hoso.yaml:%d: %s", de.Line, reason); err.Error() != want {
				t.Errorf("Error() = %q, want %q", err.Error(), want)
			}
		})
	}
}
