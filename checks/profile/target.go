package profile

import (
	"fmt"
	"net"
	"regexp"
	"slices"
	"strings"

	"github.com/goccy/go-yaml/ast"

	"mach/checks/yamldoc"
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
	t := Target{Line: yamldoc.Line(o.Node)}
	if t.Name, err = o.requiredTrimmed("name"); err != nil {
		return Target{}, err
	}
	if line, dup := seen[strings.ToLower(t.Name)]; dup {
		return Target{}, r.Errorf(o.At("name"), "target %q: the name is already used by the target at line %d", t.Name, line)
	}
	seen[strings.ToLower(t.Name)] = t.Line
	o.What = fmt.Sprintf("target %q", t.Name)
	for _, read := range []func(*mapping, *Target) error{readSystem, readAddress, readDNSServer, readExpect, readProbes, readNetworks, readThresholds} {
		if err := read(o, &t); err != nil {
			return Target{}, err
		}
	}
	return t, checkProbes(o, &t, p)
}

// readSystem reads the survey's system code.
func readSystem(o *mapping, t *Target) (err error) {
	if t.System, err = o.trimmed("system"); err != nil || t.System == "" {
		return err
	}
	if !slices.Contains(Systems, t.System) {
		return o.r.Errorf(o.At("system"), "%s: unknown system %q (known systems: %s)", o.What, t.System, strings.Join(Systems, ", "))
	}
	return nil
}

// readAddress reads hub, host, port and url. The hub's address is only known
// at run time, so a hub target gives none.
func readAddress(o *mapping, t *Target) (err error) {
	if t.Hub, err = o.Bool("hub"); err != nil {
		return err
	}
	if t.Hub {
		for _, key := range []string{"host", "port", "url"} {
			if o.Has(key) {
				return o.r.Errorf(o.At(key), "%s: a hub target uses the enrolled hub's address; remove %s", o.What, key)
			}
		}
		return nil
	}
	if t.Host, err = o.trimmed("host"); err != nil {
		return err
	}
	if t.Host != "" {
		if err := checkHost(t.Host); err != nil {
			return o.r.Errorf(o.At("host"), "%s: host %q %v", o.What, t.Host, err)
		}
	}
	if t.Port, err = o.whole("port", 1, 65535); err != nil {
		return err
	}
	if t.URL, err = o.trimmed("url"); err != nil || t.URL == "" {
		return err
	}
	if err := checkURL(t.URL); err != nil {
		return o.r.Errorf(o.At("url"), "%s: url %q %v", o.What, t.URL, err)
	}
	return nil
}

// readDNSServer reads the DNS server to ask; port 53 when not given.
func readDNSServer(o *mapping, t *Target) (err error) {
	if t.DNSServer, err = o.trimmed("dns_server"); err != nil || t.DNSServer == "" {
		return err
	}
	if err := checkHostPort(t.DNSServer, true); err != nil {
		return o.r.Errorf(o.At("dns_server"), "%s: dns_server %q %v", o.What, t.DNSServer, err)
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
	t.ExpectText, err = o.trimmed("expect_text")
	return err
}

// readProbes reads the probe names: known, each once, at least one.
func readProbes(o *mapping, t *Target) (err error) {
	var nodes []ast.Node
	if t.Probes, nodes, err = o.strList("probes"); err != nil {
		return err
	}
	if len(t.Probes) == 0 {
		return o.r.Errorf(o.At("probes"), "%s: probes is missing (a list of: %s)", o.What, strings.Join(Probes, ", "))
	}
	return checkNames(o, "probe", t.Probes, nodes, Probes)
}

// readNetworks reads the networks the target is expected on; both when the
// file does not say.
func readNetworks(o *mapping, t *Target) (err error) {
	var nodes []ast.Node
	if t.Networks, nodes, err = o.strList("networks"); err != nil {
		return err
	}
	if t.Networks == nil {
		t.Networks = slices.Clone(Networks)
		return nil
	}
	if len(t.Networks) == 0 {
		return o.r.Errorf(o.At("networks"), "%s: networks is empty; remove it to mean both %s", o.What, strings.Join(Networks, " and "))
	}
	return checkNames(o, "network", t.Networks, nodes, Networks)
}

// checkNames refuses a name that is not among known or is given twice.
func checkNames(o *mapping, what string, names []string, nodes []ast.Node, known []string) error {
	for i, name := range names {
		if !slices.Contains(known, name) {
			return o.r.Errorf(nodes[i], "%s: unknown %s %q (known: %s)", o.What, what, name, strings.Join(known, ", "))
		}
		if slices.Contains(names[:i], name) {
			return o.r.Errorf(nodes[i], "%s: %s %q is listed twice", o.What, what, name)
		}
	}
	return nil
}

// readThresholds reads the warn and fail limits: names to numbers >= 0.
func readThresholds(o *mapping, t *Target) error {
	if !o.Has("thresholds") {
		return nil
	}
	m, err := o.r.mapping(o.Values["thresholds"], o.What+": thresholds", nil)
	if err != nil {
		return err
	}
	t.Thresholds = map[string]float64{}
	for _, name := range m.Order {
		if !thresholdName.MatchString(name) {
			return o.r.Errorf(m.Keys[name], "%s: threshold name %q must be lower-case letters, digits and _, such as connect_warn_ms", o.What, name)
		}
		if !m.Has(name) {
			return o.r.Errorf(m.Keys[name], "%s: threshold %s has no value", o.What, name)
		}
		v, err := o.r.number(m.Values[name], o.What+": threshold "+name)
		if err != nil {
			return err
		}
		if v < 0 {
			return o.r.Errorf(m.Values[name], "%s: threshold %s must not be negative", o.What, name)
		}
		t.Thresholds[name] = v
	}
	return nil
}
