package probe

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"
)

// TestEveryResultIsComplete runs every probe of this file's family on specs
// that pass, fail and skip, and checks each result names its target, its
// probe, a known verdict and a reason.
func TestEveryResultIsComplete(t *testing.T) {
	noProxyEnv(t)
	useSystemDNS(t, startDNS(t, byFirstLabel))
	srv := httptest.NewServer(pages(""))
	defer srv.Close()
	stalled, _ := holdingServer(t)
	specs := []Spec{
		{},
		{Target: "bad url", URL: "http://%zz"},
		{Target: "ok", URL: srv.URL + "/ok"},
		{Target: "by name", Host: "found.mach.test", Port: 1, DNSServer: silentUDP(t)},
		{Target: "unknown name", URL: "http://nx.mach.test/"},
		{Target: "refused", URL: "https://" + refusedAddr(t) + "/"},
		{Target: "stalled", URL: "https://" + stalled + "/"},
	}
	probes := map[string]Func{"dns": DNS, "tcp": TCP, "tls": TLS, "http": HTTP, "proxy": Proxy}
	verdicts := map[Verdict]bool{Pass: true, Warn: true, Fail: true, Skip: true}
	for name, probe := range probes {
		for _, s := range specs {
			ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
			r := probe(ctx, s)
			cancel()
			if r.Target != s.Target || r.Probe != name || !verdicts[r.Verdict] || r.Reason == "" || r.Started.IsZero() {
				t.Errorf("%s on %q: incomplete result %+v", name, s.Target, r)
			}
			if (r.Verdict == Fail || r.Verdict == Skip) && r.Error == "" {
				t.Errorf("%s on %q: %s/%s without an error", name, s.Target, r.Verdict, r.Reason)
			}
		}
	}
}
