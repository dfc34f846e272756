package storagetest

import (
	"errors"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"mach/sync/hub"
	"mach/sync/protocol"
	"mach/sync/record"
)

var enrolCases = []testCase{
	{"EnrolmentCodeIsReadableAndOneTime", func(t *testing.T, e *env) {
		code, err := e.st.NewCode(testUnit, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if !regexp.MustCompile(`^[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{2}$`).MatchString(code) {
			t.Fatalf("code %q is not ABCD-EFGH-JK without 0, O, 1 or I", code)
		}
		typed := strings.ToLower(strings.ReplaceAll(code, "-", " "))
		dev := record.NewID(time.Now())
		resp, err := e.st.Enroll(protocol.EnrollRequest{Code: typed, Device: dev, Name: "laptop"})
		if err != nil || resp.Unit != testUnit || len(resp.Token) != 43 || resp.Province != "" {
			t.Fatalf("Enroll with %q = %+v, %v", typed, resp, err)
		}
		id, err := e.st.Authenticate(resp.Token)
		if err != nil || id != (hub.Identity{Role: hub.RoleDevice, Device: dev, Unit: testUnit, Name: "laptop"}) {
			t.Fatalf("Authenticate = %+v, %v", id, err)
		}
		e.unchanged(t, func() {
			if _, err := e.st.Enroll(protocol.EnrollRequest{Code: code, Device: record.NewID(time.Now())}); !errors.Is(err, hub.ErrBadCode) {
				t.Fatalf("second use of a code = %v, want ErrBadCode", err)
			}
		})
	}},
	{"OneCodeEnrolsOneOfTwoDevicesAtOnce", func(t *testing.T, e *env) {
		code, err := e.st.NewCode(testUnit, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		errs := make([]error, 4)
		for i := range errs {
			wg.Go(func() {
				_, errs[i] = e.st.Enroll(protocol.EnrollRequest{Code: code, Device: record.NewID(time.Now())})
			})
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			switch {
			case err == nil:
				ok++
			case !errors.Is(err, hub.ErrBadCode):
				t.Fatalf("Enroll = %v, want ErrBadCode for all but one", err)
			}
		}
		if devs, _ := e.st.Devices(); ok != 1 || len(devs) != 1 {
			t.Fatalf("%d enrolments took the code, %d devices; want 1", ok, len(devs))
		}
	}},
	{"EnrolmentCodeExpires", func(t *testing.T, e *env) {
		code, err := e.st.NewCode(testUnit, 72*time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		e.clock.add(72 * time.Hour)
		_, err = e.st.Enroll(protocol.EnrollRequest{Code: code, Device: record.NewID(time.Now())})
		if !errors.Is(err, hub.ErrBadCode) || !strings.Contains(err.Error(), "expired at 2026-11-28T08:00:00Z") {
			t.Fatalf("expired code = %v, want ErrBadCode saying when it expired", err)
		}
		e.clock.add(-time.Second)
		if _, err := e.st.Enroll(protocol.EnrollRequest{Code: code, Device: record.NewID(time.Now())}); err != nil {
			t.Fatalf("code a second before expiry = %v", err)
		}
	}},
	{"EnrolRefusesBadInput", func(t *testing.T, e *env) {
		code, _ := e.st.NewCode(testUnit, time.Hour)
		for name, tc := range map[string]struct {
			req  protocol.EnrollRequest
			want error
		}{
			"unknown code":   {protocol.EnrollRequest{Code: "ABCD-EFGH-JK", Device: record.NewID(time.Now())}, hub.ErrBadCode},
			"short code":     {protocol.EnrollRequest{Code: "ABCD", Device: record.NewID(time.Now())}, hub.ErrBadCode},
			"code with O":    {protocol.EnrollRequest{Code: "OBCD-EFGH-JK", Device: record.NewID(time.Now())}, hub.ErrBadCode},
			"bad device id":  {protocol.EnrollRequest{Code: code, Device: "laptop-1"}, hub.ErrInvalid},
			"name too long":  {protocol.EnrollRequest{Code: code, Device: record.NewID(time.Now()), Name: strings.Repeat("x", 201)}, hub.ErrInvalid},
			"name not UTF-8": {protocol.EnrollRequest{Code: code, Device: record.NewID(time.Now()), Name: "\xff"}, hub.ErrInvalid},
		} {
			t.Run(name, func(t *testing.T) {
				if _, err := e.st.Enroll(tc.req); !errors.Is(err, tc.want) {
					t.Fatalf("Enroll = %v, want %v", err, tc.want)
				}
			})
		}
		for _, unit := range []string{"", "1347", "1347a", "134770"} {
			if _, err := e.st.NewCode(unit, time.Hour); !errors.Is(err, hub.ErrInvalid) {
				t.Fatalf("NewCode(%q) = %v, want ErrInvalid", unit, err)
			}
		}
		if _, err := e.st.NewCode(testUnit, 0); !errors.Is(err, hub.ErrInvalid) {
			t.Fatalf("NewCode with no validity = %v, want ErrInvalid", err)
		}
		if _, err := e.st.Enroll(protocol.EnrollRequest{Code: code, Device: record.NewID(time.Now())}); err != nil {
			t.Fatalf("the code after refused requests = %v", err)
		}
	}},
	{"RevokedDeviceIsRefused", func(t *testing.T, e *env) {
		dev, token := e.enrol(t, testUnit)
		if err := e.st.Revoke(dev); err != nil {
			t.Fatal(err)
		}
		if _, err := e.st.Authenticate(token); !errors.Is(err, hub.ErrUnauthorized) {
			t.Fatalf("revoked token = %v, want ErrUnauthorized", err)
		}
		list, err := e.st.Devices()
		if err != nil || len(list) != 1 || list[0].ID != dev || list[0].Revoked.IsZero() || !list[0].Enrolled.Equal(e.clock.now()) {
			t.Fatalf("Devices = %+v, %v; want one revoked, enrolled now", list, err)
		}
		if err := e.st.Revoke(dev); err != nil {
			t.Fatalf("revoking again = %v", err)
		}
		if err := e.st.Revoke(record.NewID(time.Now())); !errors.Is(err, hub.ErrNotFound) {
			t.Fatalf("revoking an unknown device = %v, want ErrNotFound", err)
		}
		for _, bad := range []string{"", "x", token + "x"} {
			if _, err := e.st.Authenticate(bad); !errors.Is(err, hub.ErrUnauthorized) {
				t.Fatalf("Authenticate(%q) = %v, want ErrUnauthorized", bad, err)
			}
		}
	}},
	{"EnrollingAgainReplacesTheToken", func(t *testing.T, e *env) {
		dev, old := e.enrol(t, testUnit)
		if err := e.st.Revoke(dev); err != nil {
			t.Fatal(err)
		}
		code, _ := e.st.NewCode(otherUnit, time.Hour)
		resp, err := e.st.Enroll(protocol.EnrollRequest{Code: code, Device: dev})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.st.Authenticate(old); !errors.Is(err, hub.ErrUnauthorized) {
			t.Fatalf("old token = %v, want ErrUnauthorized", err)
		}
		if id, err := e.st.Authenticate(resp.Token); err != nil || id.Unit != otherUnit {
			t.Fatalf("new token = %+v, %v; want unit %s", id, err, otherUnit)
		}
		// Enrolled again without a revocation, the old token stops too.
		code, _ = e.st.NewCode(testUnit, time.Hour)
		again, err := e.st.Enroll(protocol.EnrollRequest{Code: code, Device: dev, Name: "renamed"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.st.Authenticate(resp.Token); !errors.Is(err, hub.ErrUnauthorized) {
			t.Fatalf("replaced token = %v, want ErrUnauthorized", err)
		}
		list, _ := e.st.Devices()
		if len(list) != 1 || list[0].Unit != testUnit || list[0].Name != "renamed" || !list[0].Revoked.IsZero() {
			t.Fatalf("Devices = %+v, want one working device of %s", list, testUnit)
		}
		if id, _ := e.st.Authenticate(again.Token); id.Name != "renamed" {
			t.Fatalf("identity %+v", id)
		}
	}},
	{"CoordinatorToken", func(t *testing.T, e *env) {
		token, err := e.st.NewCoordinatorToken("Sở TT&TT")
		if err != nil {
			t.Fatal(err)
		}
		id, err := e.st.Authenticate(token)
		if err != nil || id != (hub.Identity{Role: hub.RoleCoordinator, Name: "Sở TT&TT"}) {
			t.Fatalf("Authenticate = %+v, %v", id, err)
		}
		for _, name := range []string{"", strings.Repeat("x", 201)} {
			if _, err := e.st.NewCoordinatorToken(name); !errors.Is(err, hub.ErrInvalid) {
				t.Fatalf("coordinator named %q = %v, want ErrInvalid", name, err)
			}
		}
		if list, _ := e.st.Devices(); len(list) != 0 {
			t.Fatalf("a coordinator is listed as a device: %+v", list)
		}
	}},
	{"DevicesAreListedByID", func(t *testing.T, e *env) {
		if list, err := e.st.Devices(); err != nil || len(list) != 0 {
			t.Fatalf("Devices of a new storage = %+v, %v", list, err)
		}
		var ids []string
		for range 5 {
			dev, _ := e.enrol(t, testUnit)
			ids = append(ids, dev)
		}
		list, err := e.st.Devices()
		if err != nil || len(list) != 5 {
			t.Fatalf("Devices = %+v, %v", list, err)
		}
		for i := 1; i < len(list); i++ {
			if list[i-1].ID >= list[i].ID {
				t.Fatalf("devices not in id order: %s before %s", list[i-1].ID, list[i].ID)
			}
		}
	}},
}
