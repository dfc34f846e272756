package hub

import (
	"errors"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"mach/sync/protocol"
	"mach/sync/record"
)

func TestEnrolmentCodeIsReadableAndOneTime(t *testing.T) {
	b, _ := openTest(t)
	code, err := b.NewCode(testUnit, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{2}$`).MatchString(code) {
		t.Fatalf("code %q is not ABCD-EFGH-JK without 0, O, 1 or I", code)
	}
	typed := strings.ToLower(strings.ReplaceAll(code, "-", " "))
	dev := record.NewID(time.Now())
	resp, err := b.Enroll(protocol.EnrollRequest{Code: typed, Device: dev, Name: "laptop"})
	if err != nil || resp.Unit != testUnit || len(resp.Token) != 43 {
		t.Fatalf("Enroll with %q = %+v, %v", typed, resp, err)
	}
	id, err := b.Authenticate(resp.Token)
	if err != nil || id != (Identity{Role: RoleDevice, Device: dev, Unit: testUnit, Name: "laptop"}) {
		t.Fatalf("Authenticate = %+v, %v", id, err)
	}
	before := snapshot(t, b)
	if _, err := b.Enroll(protocol.EnrollRequest{Code: code, Device: record.NewID(time.Now())}); !errors.Is(err, ErrBadCode) {
		t.Fatalf("second use of a code = %v, want ErrBadCode", err)
	}
	if snapshot(t, b) != before {
		t.Fatal("a refused code changed the file")
	}
}

func TestEnrolmentCodeExpires(t *testing.T) {
	b, clock := openTest(t)
	code, err := b.NewCode(testUnit, 72*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	clock.add(72 * time.Hour)
	if _, err := b.Enroll(protocol.EnrollRequest{Code: code, Device: record.NewID(time.Now())}); !errors.Is(err, ErrBadCode) {
		t.Fatalf("expired code = %v, want ErrBadCode", err)
	}
	clock.add(-time.Second)
	if _, err := b.Enroll(protocol.EnrollRequest{Code: code, Device: record.NewID(time.Now())}); err != nil {
		t.Fatalf("code a second before expiry = %v", err)
	}
}

func TestEnrolRefusesBadInput(t *testing.T) {
	b, _ := openTest(t)
	code, _ := b.NewCode(testUnit, time.Hour)
	for name, tc := range map[string]struct {
		req  protocol.EnrollRequest
		want error
	}{
		"unknown code":   {protocol.EnrollRequest{Code: "ABCD-EFGH-JK", Device: record.NewID(time.Now())}, ErrBadCode},
		"short code":     {protocol.EnrollRequest{Code: "ABCD", Device: record.NewID(time.Now())}, ErrBadCode},
		"code with O":    {protocol.EnrollRequest{Code: "OBCD-EFGH-JK", Device: record.NewID(time.Now())}, ErrBadCode},
		"bad device id":  {protocol.EnrollRequest{Code: code, Device: "laptop-1"}, ErrInvalid},
		"name too long":  {protocol.EnrollRequest{Code: code, Device: record.NewID(time.Now()), Name: strings.Repeat("x", 201)}, ErrInvalid},
		"name not UTF-8": {protocol.EnrollRequest{Code: code, Device: record.NewID(time.Now()), Name: "\xff"}, ErrInvalid},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := b.Enroll(tc.req); !errors.Is(err, tc.want) {
				t.Fatalf("Enroll = %v, want %v", err, tc.want)
			}
		})
	}
	for _, unit := range []string{"", "1347", "1347a", "134770"} {
		if _, err := b.NewCode(unit, time.Hour); !errors.Is(err, ErrInvalid) {
			t.Fatalf("NewCode(%q) = %v, want ErrInvalid", unit, err)
		}
	}
	if _, err := b.NewCode(testUnit, 0); !errors.Is(err, ErrInvalid) {
		t.Fatalf("NewCode with no validity = %v, want ErrInvalid", err)
	}
}

func TestRevokedDeviceIsRefused(t *testing.T) {
	b, _ := openTest(t)
	dev, token := enrolTest(t, b, testUnit)
	if err := b.Revoke(dev); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Authenticate(token); !errors.Is(err, ErrUnauthorized) {
		t.Fatalf("revoked token = %v, want ErrUnauthorized", err)
	}
	list, err := b.Devices()
	if err != nil || len(list) != 1 || list[0].ID != dev || list[0].Revoked.IsZero() {
		t.Fatalf("Devices = %+v, %v; want one revoked", list, err)
	}
	if err := b.Revoke(dev); err != nil {
		t.Fatalf("revoking again = %v", err)
	}
	if err := b.Revoke(record.NewID(time.Now())); !errors.Is(err, ErrNotFound) {
		t.Fatalf("revoking an unknown device = %v, want ErrNotFound", err)
	}
	for _, bad := range []string{"", "x", token + "x"} {
		if _, err := b.Authenticate(bad); !errors.Is(err, ErrUnauthorized) {
			t.Fatalf("Authenticate(%q) = %v, want ErrUnauthorized", bad, err)
		}
	}
}

func TestEnrollingAgainReplacesTheToken(t *testing.T) {
	b, _ := openTest(t)
	dev, old := enrolTest(t, b, testUnit)
	if err := b.Revoke(dev); err != nil {
		t.Fatal(err)
	}
	code, _ := b.NewCode(otherUnit, time.Hour)
	resp, err := b.Enroll(protocol.EnrollRequest{Code: code, Device: dev})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Authenticate(old); !errors.Is(err, ErrUnauthorized) {
		t.Fatalf("old token = %v, want ErrUnauthorized", err)
	}
	if id, err := b.Authenticate(resp.Token); err != nil || id.Unit != otherUnit {
		t.Fatalf("new token = %+v, %v; want unit %s", id, err, otherUnit)
	}
}

func TestCoordinatorToken(t *testing.T) {
	b, _ := openTest(t)
	token, err := b.NewCoordinatorToken("Sở TT&TT")
	if err != nil {
		t.Fatal(err)
	}
	id, err := b.Authenticate(token)
	if err != nil || id != (Identity{Role: RoleCoordinator, Name: "Sở TT&TT"}) {
		t.Fatalf("Authenticate = %+v, %v", id, err)
	}
	if _, err := b.NewCoordinatorToken(""); !errors.Is(err, ErrInvalid) {
		t.Fatalf("coordinator without a name = %v, want ErrInvalid", err)
	}
}

func TestOpenWhileAnotherHubHoldsTheFileIsLocked(t *testing.T) {
	path := filepath.Join(t.TempDir(), "hub.db")
	b, err := OpenBolt(path, BoltOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if _, err := OpenBolt(path, BoltOptions{Timeout: 50 * time.Millisecond}); !errors.Is(err, ErrLocked) {
		t.Fatalf("second open = %v, want ErrLocked", err)
	}
}
