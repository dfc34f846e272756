package backup

import (
	"context"
	"errors"
	"io/fs"
	"strings"
	"testing"
	"time"

	"mach/assets/i18n"
)

func TestWords(t *testing.T) {
	vi, en := i18n.MustNew(i18n.Vietnamese), i18n.MustNew(i18n.English)
	for _, c := range []struct {
		n      int64
		vi, en string
	}{
		{0, "0 byte", "0 bytes"}, {1023, "1023 byte", "1023 bytes"}, {1536, "1,5 KB", "1.5 KB"},
		{200 << 20, "200,0 MB", "200.0 MB"}, {5 << 40, "5,0 TB", "5.0 TB"},
	} {
		if got := Size(c.n, vi); got != c.vi {
			t.Errorf("Size(%d, vi) = %q, want %q", c.n, got, c.vi)
		}
		if got := Size(c.n, en); got != c.en {
			t.Errorf("Size(%d, en) = %q, want %q", c.n, got, c.en)
		}
	}
	for d, want := range map[time.Duration]string{0: "0:00", 61 * time.Second: "1:01", 3725 * time.Second: "1:02:05"} {
		if got := Clock(d); got != want {
			t.Errorf("Clock(%v) = %q, want %q", d, got, want)
		}
	}
	// Every error and reason has a sentence in both languages.
	for _, tr := range []*i18n.Translator{vi, en} {
		for _, k := range errorKeys {
			if s := Sentence(fail(k.kind, "/x", errors.New("cause")), tr); strings.HasPrefix(s, "!") || !strings.Contains(s, "/x") {
				t.Errorf("%s: %v says %q", tr.Lang(), k.kind, s)
			}
		}
		if s := Sentence(context.Canceled, tr); s != tr.T("backup.cancelled") {
			t.Errorf("cancelled: %q", s)
		}
		for _, err := range []error{ErrInUse, fs.ErrPermission, ErrLinkedFolder, ErrNotRegular, ErrDigestMismatch, ErrEntryDamaged, errors.New("lạ")} {
			if s := Reason(err, tr); s == "" || strings.HasPrefix(s, "!") {
				t.Errorf("%s: reason of %v is %q", tr.Lang(), err, s)
			}
		}
		p := Progress{Done: 50 << 20, Total: 200 << 20, Rate: 10 << 20, Left: 15 * time.Second}
		if got, want := Line(p, tr), tr.T("backup.progress", tr.Percent(0.25), Size(50<<20, tr), Size(200<<20, tr), Size(10<<20, tr), "0:15"); got != want {
			t.Errorf("Line = %q, want %q", got, want)
		}
	}
}
