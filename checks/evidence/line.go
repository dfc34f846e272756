package evidence

import (
	"strings"

	"mach/assets/i18n"
	"mach/checks/probe"
)

// mainFigures are, per probe, the figures worth a line, in order.
var mainFigures = map[string][]string{
	"dns":        {"lookup_ms"},
	"tcp":        {"connect_ms"},
	"tls":        {"handshake_ms", "expires_days"},
	"http":       {"status", "ttfb_ms", "total_ms"},
	"ntp":        {"offset_ms"},
	"latency":    {"median_ms", "p90_ms", "jitter_ms", "loss_pct"},
	"throughput": {"download_mbps", "upload_mbps"},
	"udp":        {"rtt_ms"},
}

// Verdict names a verdict in the technician's language: đạt, cảnh báo,
// không đạt, bỏ qua.
func Verdict(v probe.Verdict, tr *i18n.Translator) string {
	return tr.T("evidence.verdict." + string(v))
}

// Probe names a probe in the technician's language.
func Probe(name string, tr *i18n.Translator) string {
	return tr.T("evidence.probe." + name)
}

// Reason says a reason in plain words.
func Reason(why probe.Reason, tr *i18n.Translator) string {
	key := "evidence.reason." + string(why)
	if !tr.Has(key) {
		return string(why)
	}
	return tr.T(key)
}

// Figures shows a result's main figures ("45 ms; hết hạn sau 120 ngày").
func Figures(r probe.Result, tr *i18n.Translator) string {
	var parts []string
	for _, name := range mainFigures[r.Probe] {
		v, ok := r.Figures[name]
		if !ok {
			continue
		}
		decimals := 0
		if strings.HasSuffix(name, "_mbps") || v != float64(int64(v)) && v < 10 {
			decimals = 1
		}
		parts = append(parts, tr.T("evidence.figure."+name, tr.Number(v, decimals)))
	}
	if p := r.Details["proxy"]; r.Probe == "proxy" && p != "" {
		parts = append(parts, p)
	}
	return strings.Join(parts, "; ")
}
