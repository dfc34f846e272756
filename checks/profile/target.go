package profile

import (
	"fmt"
	"net"
	"regexp"
	"slices"
	"strings"

	"github.com/goccy/go-yaml/ast"
)

// targetFields are the fields a target may have.
var targetFields = []string{"name", "system", "host", "port", "url", "dns_server", "expect_status", "expect_text", "hub", "probes", "networks", "thresholds"}

// thresholdName is the form of a threshold name: snake case ending, by
// convention, with its unit ("connect_warn_ms").
var thresholdName = regexp.MustCompile(`^[a-z][a-z0-9_]{0,63}$`)

// target reads the number-th target. seen maps the lower-case names of the
// targets before it to their lines; the target's name is added.
func (r *reader) target(n ast.Node, number int, p *Profile, seen map[string]int) (Target, error) {
	o, err := r.mapping(n, fmt.Sprintf("target %d", number), targetFields)
	if err != nil {
		return Target{}, err
	}
	t := Target{Line: lineOf(o.node)}
	if t.Name, err = o.requiredStr("name"); err != nil {
		return Target{}, err
	}
	if line, dup := seen[strings.ToLower(t.Name)]; dup {
		return Target{}, r.errorf(o.at("name"), "target %q: the name is already used by the target at line %d", t.Name, line)
	}
	seen[strings.ToLower(t.Name)] = t.Line
	o.what = fmt.Sprintf("target %q", t.Name)
	for _, read := range []func(*mapping, *Target) error{readSystem, readAddress, readDNSServer, readExpect, readProbes, readNetworks, readThresholds} {
		if err := read(o, &t); err != nil {
			return Target{}, err
		}
	}
	return t, checkProbes(o, &t, p)
}

// readSystem reads the survey's system code.
func readSystem(o *mapping, t *Target) (err error) {
	if t.System, err = o.str("system"); err != nil || t.System == "" {
		return err
	}
	if !slices.Contains(Systems, t.System) {
		return o.r.errorf(o.at("system"), "%s: unknown system %q (known systems: %s)", o.what, t.System, strings.Join(Systems, ", "))
	}
	return nil
}

// readAddress reads hub, host, port and url. The hub's address is only known
// at run time, so a hub target gives none.
func readAddress(o *mapping, t *Target) (err error) {
	if t.Hub, err = o.boolean("hub"); err != nil {
		return err
	}
	if t.Hub {
		for _, key := range []string{"host", "port", "url"} {
			if o.has(key) {
				return o.r.errorf(o.at(key), "%s: a hub target uses the enrolled hub's address; remove %s", o.what, key)
			}
		}
		return nil
	}
	if t.Host, err = o.str("host"); err != nil {
		return err
	}
	if t.Host != "" {
		if err := checkHost(t.Host); err != nil {
			return o.r.errorf(o.at("host"), "%s: host %q %v", o.what, t.Host, err)
		}
	}
	if t.Port, err = o.whole("port", 1, 65535); err != nil {
		return err
	}
	if t.URL, err = o.str("url"); err != nil || t.URL == "" {
		return err
	}
	if err := checkURL(t.URL); err != nil {
		return o.r.errorf(o.at("url"), "%s: url %q %v", o.what, t.URL, err)
	}
	return nil
}

// readDNSServer reads the DNS server to ask; port 53 when not given.
func readDNSServer(o *mapping, t *Target) (err error) {
	if t.DNSServer, err = o.str("dns_server"); err != nil || t.DNSServer == "" {
		return err
	}
	if err := checkHostPort(t.DNSServer, true); err != nil {
		return o.r.errorf(o.at("dns_server"), "%s: dns_server %q %v", o.what, t.DNSServer, err)
	}
	if _, _, err := net.SplitHostPort(t.DNSServer); err != nil {
		t.DNSServer = net.JoinHostPort(t.DNSServer, "53")
	}
	return nil
}

// readExpect reads what an HTTP answer must hold.
func readExpect(o *mapping, t *Target) (err error) {
	if t.ExpectStatus, err = o.whole("expect_status", 100, 599); err != nil {
		return err
	}
	t.ExpectText, err = o.str("expect_text")
	return err
}

// readProbes reads the probe names: known, each once, at least one.
func readProbes(o *mapping, t *Target) (err error) {
	var nodes []ast.Node
	if t.Probes, nodes, err = o.list("probes"); err != nil {
		return err
	}
	if len(t.Probes) == 0 {
		return o.r.errorf(o.at("probes"), "%s: probes is missing (a list of: %s)", o.what, strings.Join(Probes, ", "))
	}
	return checkNames(o, "probe", t.Probes, nodes, Probes)
}

// readNetworks reads the networks the target is expected on; both when the
// file does not say.
func readNetworks(o *mapping, t *Target) (err error) {
	var nodes []ast.Node
	if t.Networks, nodes, err = o.list("networks"); err != nil {
		return err
	}
	if t.Networks == nil {
		t.Networks = slices.Clone(Networks)
		return nil
	}
	if len(t.Networks) == 0 {
		return o.r.errorf(o.at("networks"), "%s: networks is empty; remove it to mean both %s", o.what, strings.Join(Networks, " and "))
	}
	return checkNames(o, "network", t.Networks, nodes, Networks)
}

// checkNames refuses a name that is not among known or is given twice.
func checkNames(o *mapping, what string, names []string, nodes []ast.Node, known []string) error {
	for i, name := range names {
		if !slices.Contains(known, name) {
			return o.r.errorf(nodes[i], "%s: unknown %s %q (known: %s)", o.what, what, name, strings.Join(known, ", "))
		}
		if slices.Contains(names[:i], name) {
			return o.r.errorf(nodes[i], "%s: %s %q is listed twice", o.what, what, name)
		}
	}
	return nil
}

// readThresholds reads the warn and fail limits: names to numbers >= 0.
func readThresholds(o *mapping, t *Target) error {
	if !o.has("thresholds") {
		return nil
	}
	m, err := o.r.mapping(o.values["thresholds"], o.what+": thresholds", nil)
	if err != nil {
		return err
	}
	t.Thresholds = map[string]float64{}
	for _, name := range m.order {
		if !thresholdName.MatchString(name) {
			return o.r.errorf(m.keys[name], "%s: threshold name %q must be lower-case letters, digits and _, such as connect_warn_ms", o.what, name)
		}
		if !m.has(name) {
			return o.r.errorf(m.keys[name], "%s: threshold %s has no value", o.what, name)
		}
		v, err := o.r.number(m.values[name], o.what+": threshold "+name)
		if err != nil {
			return err
		}
		if v < 0 {
			return o.r.errorf(m.values[name], "%s: threshold %s must not be negative", o.what, name)
		}
		t.Thresholds[name] = v
	}
	return nil
}
