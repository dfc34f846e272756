package survey

import (
	"encoding/json"
	"errors"
	"testing"

	"mach/assets/i18n"
)

// validation is one Validate case: a question (top-level ID, or
// "table.column"), a value and the message expected ("" for valid).
type validation struct {
	question string
	value    any
	tr       *i18n.Translator
	want     string
}

func runValidations(t *testing.T, c *Checklist, cases []validation) {
	t.Helper()
	for _, v := range cases {
		err := question(t, c, v.question).Validate(v.value, v.tr)
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != v.want {
			t.Errorf("%s: Validate(%#v) in %s = %q, want %q", v.question, v.value, v.tr.Lang(), got, v.want)
		}
	}
}

func TestValidateShippedConstraints(t *testing.T) {
	c, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	phoneVI := "Số điện thoại không hợp lệ: 10 chữ số, bắt đầu bằng 0 (hoặc +84 và 9 chữ số)."
	phoneEN := "Phone number is not valid: 10 digits starting with 0 (or +84 and 9 digits)."
	mailVI := "Địa chỉ thư công vụ không hợp lệ: ví dụ ten@ninhbinh.gov.vn."
	runValidations(t, c, []validation{
		{"officer_phone", "0912345678", vi, ""},
		{"officer_phone", "0912 345 678", vi, ""},
		{"officer_phone", "0912.345.678", vi, ""},
		{"officer_phone", "+84912345678", vi, ""},
		{"officer_phone", "+84 912 345 678", vi, ""},
		{"officer_phone", "091234567", vi, phoneVI},
		{"officer_phone", "09123456789", vi, phoneVI},
		{"officer_phone", "1912345678", vi, phoneVI},
		{"officer_phone", "+8491234567", vi, phoneVI},
		{"officer_phone", "0912-345-678", en, phoneEN},
		{"officer_phone", nil, vi, "Vui lòng trả lời câu hỏi này."},
		{"officer_email", "nguyen.van.a@ninhbinh.gov.vn", vi, ""},
		{"officer_email", "a_b+c@mail.example.com", vi, ""},
		{"officer_email", "nguyen.van.a", vi, mailVI},
		{"officer_email", "a@b", vi, mailVI},
		{"officer_email", "a b@ninhbinh.gov.vn", vi, mailVI},
		{"officer_email", "", vi, ""},
		{"officer_email", nil, vi, ""},
		{"formed_from.old_code", "12345", vi, ""},
		{"formed_from.old_code", "1234", vi, "Mã đơn vị cũ không hợp lệ: 5 chữ số."},
		{"backups.sha256", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", vi, ""},
		{"backups.sha256", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85", en, "SHA-256 hash is not valid: 64 characters 0-9, a-f."},
		{"equipment.year", 2019.0, vi, ""},
		{"equipment.year", 1989.0, vi, "Vui lòng nhập giá trị từ 1.990 đến 2.030."},
		{"equipment.year", 2031.0, en, "Please enter a value from 1,990 to 2,030."},
		{"equipment.year", 2019.5, vi, "Vui lòng nhập một số nguyên."},
		{"needs.quantity", 0.0, vi, "Vui lòng nhập giá trị không nhỏ hơn 1."},
		{"internet_bandwidth", 100.0, vi, ""},
	})
}

func TestValidateSample(t *testing.T) {
	c := sample(t)
	runValidations(t, c, []validation{
		{"name", "Hà Nam", vi, ""},
		{"name", "H", vi, "Vui lòng nhập từ 2 đến 10 ký tự."},
		{"name", "Ninh Bình mới", en, "Please type 2 to 10 characters."},
		{"name", "Đà", vi, ""}, // two characters, four bytes
		{"name", "   ", vi, "Vui lòng trả lời câu hỏi này."},
		{"name", 5.0, vi, "Giá trị không đúng dạng: cần văn bản."},
		{"count", 1.0, vi, ""},
		{"count", 100, vi, ""},
		{"count", 100.5, vi, "Vui lòng nhập giá trị từ 1 đến 100."},
		{"count", "5", en, "Wrong kind of value: a number is needed."},
		{"whole", -1.0, vi, "Vui lòng nhập giá trị không nhỏ hơn 0."},
		{"ceiling", 11.0, vi, "Vui lòng nhập giá trị không lớn hơn 10,5."},
		{"ceiling", 11.0, en, "Please enter a value of at most 10.5."},
		{"day", "2025-07-01", vi, ""},
		{"day", "2025-02-30", vi, "Ngày không hợp lệ."},
		{"day", "01/07/2025", vi, "Ngày không hợp lệ."},
		{"has_a", false, vi, ""},
		{"has_a", "yes", vi, "Giá trị không đúng dạng: cần có hoặc không."},
		{"has_a", nil, en, "Please answer this question."},
		{"colour", "red", vi, ""},
		{"colour", "blue", vi, "“blue” không có trong danh sách lựa chọn."},
		{"colour", "", vi, "Vui lòng trả lời câu hỏi này."},
		{"tools", []string{"x", "y"}, vi, ""},
		{"tools", []any{"y"}, vi, ""},
		{"tools", []any{"x", 1.0}, vi, "Giá trị không đúng dạng: cần các lựa chọn trong danh sách."},
		{"tools", []string{"x", "x"}, vi, "“Cái X” được chọn hai lần."},
		{"tools", []string{"z"}, en, "“z” is not one of the options."},
		{"tools", []string{}, vi, ""},
		{"things", 2, vi, ""},
		{"things", 1, vi, "Vui lòng thêm ít nhất 2 dòng."},
		{"things", nil, en, "Please add at least 2 row(s)."},
		{"things", 2.5, vi, "Giá trị không đúng dạng: cần số dòng."},
		{"extras", 0, vi, ""},
		{"extras", 1, vi, "Vui lòng thêm ít nhất 2 dòng."},
		{"extras", 3.0, vi, ""},
	})
}

func TestRequiredIsDistinguishable(t *testing.T) {
	c := sample(t)
	for _, v := range []validation{{"name", nil, vi, ""}, {"colour", "", vi, ""}, {"things", 0, vi, ""}} {
		if err := question(t, c, v.question).Validate(v.value, vi); !errors.Is(err, ErrRequired) {
			t.Errorf("%s: Validate(%#v) = %v, want ErrRequired", v.question, v.value, err)
		}
	}
	for _, v := range []validation{{"name", "H", vi, ""}, {"things", 1, vi, ""}, {"count", 0.0, vi, ""}} {
		if err := question(t, c, v.question).Validate(v.value, vi); err == nil || errors.Is(err, ErrRequired) {
			t.Errorf("%s: Validate(%#v) = %v, want an invalid-value error", v.question, v.value, err)
		}
	}
}

func TestValidateAcceptsJSON(t *testing.T) {
	c := sample(t)
	var answers map[string]any
	data := `{"name": "Xã A", "count": 12, "day": "2025-07-01", "has_a": true, "colour": "green", "tools": ["x", "y"]}`
	if err := json.Unmarshal([]byte(data), &answers); err != nil {
		t.Fatal(err)
	}
	for id, v := range answers {
		if err := question(t, c, id).Validate(v, vi); err != nil {
			t.Errorf("%s: Validate(%#v from JSON) = %v", id, v, err)
		}
	}
}

func TestValidateRow(t *testing.T) {
	things := question(t, sample(t), "things")
	cases := []struct {
		row  map[string]any
		want []string // columns in error
	}{
		{map[string]any{"label": "a", "ok": true}, nil},
		{map[string]any{"label": "a", "ok": false, "why": "hỏng"}, nil},
		{map[string]any{"label": "a", "ok": false}, []string{"why"}},
		{map[string]any{"ok": 0.0, "why": 3.0}, []string{"label", "ok"}}, // why is not asked: ok is not false
		{map[string]any{"label": "a", "ok": true, "why": 3.0}, nil},
		{map[string]any{}, []string{"label"}},
	}
	for _, c := range cases {
		errs := things.ValidateRow(c.row, vi)
		if len(errs) != len(c.want) {
			t.Errorf("ValidateRow(%v) = %v, want errors on %v", c.row, errs, c.want)
			continue
		}
		for _, col := range c.want {
			if errs[col] == nil {
				t.Errorf("ValidateRow(%v): no error on %s: %v", c.row, col, errs)
			}
		}
	}
}

func TestValidateWithoutParse(t *testing.T) {
	// A question built in code, not parsed, still checks its pattern.
	q := &Question{ID: "code", Type: TypeText, Label: Text{VI: "Mã"}, Pattern: "[0-9]{5}", PatternHint: Text{VI: "5 chữ số"}}
	if err := q.Validate("12345", vi); err != nil {
		t.Errorf("Validate(12345) = %v", err)
	}
	if err := q.Validate("123456", vi); err == nil || err.Error() != "Mã không hợp lệ: 5 chữ số." {
		t.Errorf("Validate(123456) = %v", err)
	}
	if err := (&Question{ID: "x", Type: "colour"}).Validate("red", vi); err == nil {
		t.Error("Validate with an unknown type succeeded")
	}
}
