package profile

import (
	"net"
	"regexp"
	"slices"
	"strings"

	"github.com/goccy/go-yaml/ast"

	"mach/assets/i18n"
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
	o, err := r.mapping(n, i18n.Msg("definition.profile.target_number", number), targetFields)
	if err != nil {
		return Target{}, err
	}
	t := Target{Line: yamldoc.Line(o.Node)}
	if t.Name, err = o.requiredTrimmed("name"); err != nil {
		return Target{}, err
	}
	if line, dup := seen[strings.ToLower(t.Name)]; dup {
		return Target{}, r.Refuse(o.At("name"), "definition.profile.name_used", t.Name, line)
	}
	seen[strings.ToLower(t.Name)] = t.Line
	o.What = i18n.Msg("definition.profile.target", t.Name)
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
		return o.r.Refuse(o.At("system"), "definition.profile.unknown_system", o.What, t.System, strings.Join(Systems, ", "))
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
				return o.r.Refuse(o.At(key), "definition.profile.hub_address", o.What, key)
			}
		}
		return nil
	}
	if t.Host, err = o.trimmed("host"); err != nil {
		return err
	}
	if t.Host != "" {
		if problem := checkHost(t.Host); problem != "" {
			return o.r.Refuse(o.At("host"), "definition.profile.address", o.What, "host", t.Host, i18n.Msg(problem))
		}
	}
	if t.Port, err = o.whole("port", 1, 65535); err != nil {
		return err
	}
	if t.URL, err = o.trimmed("url"); err != nil || t.URL == "" {
		return err
	}
	if problem := checkURL(t.URL); problem != "" {
		return o.r.Refuse(o.At("url"), "definition.profile.address", o.What, "url", t.URL, i18n.Msg(problem))
	}
	return nil
}

// readDNSServer reads the DNS server to ask; port 53 when not given.
func readDNSServer(o *mapping, t *Target) (err error) {
	if t.DNSServer, err = o.trimmed("dns_server"); err != nil || t.DNSServer == "" {
		return err
	}
	if problem := checkHostPort(t.DNSServer, true); problem != "" {
		return o.r.Refuse(o.At("dns_server"), "definition.profile.address", o.What, "dns_server", t.DNSServer, i18n.Msg(problem))
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
		return o.r.Refuse(o.At("probes"), "definition.profile.no_probes", o.What, strings.Join(Probes, ", "))
	}
	return checkNames(o, i18n.Msg("definition.profile.probe"), t.Probes, nodes, Probes)
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
		return o.r.Refuse(o.At("networks"), "definition.profile.networks_empty", o.What, strings.Join(Networks, ", "))
	}
	return checkNames(o, i18n.Msg("definition.profile.network"), t.Networks, nodes, Networks)
}

// checkNames refuses a name that is not among known or is given twice; what
// is what a name is ("probe").
func checkNames(o *mapping, what i18n.Message, names []string, nodes []ast.Node, known []string) error {
	for i, name := range names {
		if !slices.Contains(known, name) {
			return o.r.Refuse(nodes[i], "definition.profile.unknown_name", o.What, what, name, strings.Join(known, ", "))
		}
		if slices.Contains(names[:i], name) {
			return o.r.Refuse(nodes[i], "definition.profile.name_twice", o.What, what, name)
		}
	}
	return nil
}

// readThresholds reads the warn and fail limits: names to numbers >= 0.
func readThresholds(o *mapping, t *Target) error {
	if !o.Has("thresholds") {
		return nil
	}
	m, err := o.r.mapping(o.Values["thresholds"], o.Field("thresholds"), nil)
	if err != nil {
		return err
	}
	t.Thresholds = map[string]float64{}
	for _, name := range m.Order {
		if !thresholdName.MatchString(name) {
			return o.r.Refuse(m.Keys[name], "definition.profile.threshold_name", o.What, name)
		}
		threshold := i18n.Msg("definition.profile.threshold", o.What, name)
		if !m.Has(name) {
			return o.r.Refuse(m.Keys[name], "definition.profile.threshold_empty", threshold)
		}
		v, err := o.r.number(m.Values[name], threshold)
		if err != nil {
			return err
		}
		if v < 0 {
			return o.r.Refuse(m.Values[name], "definition.profile.threshold_negative", threshold)
		}
		t.Thresholds[name] = v
	}
	return nil
}
