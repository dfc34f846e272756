package probe

// All returns every probe by the name profiles use for it.
func All() map[string]Func {
	return map[string]Func{
		"dns":        DNS,
		"tcp":        TCP,
		"tls":        TLS,
		"http":       HTTP,
		"ntp":        NTP,
		"latency":    Latency,
		"throughput": Throughput,
		"udp":        UDP,
		"proxy":      Proxy,
	}
}
