package profile

import (
	"regexp"
	"time"
)

// profileID is the form of a profile id: it names files and records.
var profileID = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,63}$`)

// maxTimeout bounds the per-probe timeout a profile may ask for.
const maxTimeout = 5 * time.Minute

// Parse reads and validates a check profile. Any problem is returned as a
// *DefinitionError at the line of the offending node; file is only used in
// messages.
func Parse(file string, data []byte) (*Profile, error) {
	r := newReader(file)
	root, err := r.Document(data)
	if err == nil && root == nil {
		err = r.ErrorAt(1, "the file is empty; a profile needs id, version and targets")
	}
	if err != nil {
		return nil, err
	}
	o, err := r.mapping(root, "the profile", []string{"id", "version", "timeout", "ntp", "targets"})
	if err != nil {
		return nil, err
	}
	p := &Profile{Timeout: DefaultTimeout}
	if p.ID, err = o.requiredTrimmed("id"); err != nil {
		return nil, err
	}
	if !profileID.MatchString(p.ID) {
		return nil, r.Errorf(o.At("id"), "the profile: id %q must be lower-case letters, digits, - and _", p.ID)
	}
	if !o.Has("version") {
		return nil, r.Errorf(o.At("version"), "the profile: version is missing (a whole number from 1 up)")
	}
	if p.Version, err = o.whole("version", 1, 1_000_000); err != nil {
		return nil, err
	}
	if err := readTimeout(o, p); err != nil {
		return nil, err
	}
	if err := readNTP(o, p); err != nil {
		return nil, err
	}
	if err := readTargets(o, p); err != nil {
		return nil, err
	}
	return p, nil
}

// readTimeout reads the per-probe timeout, a duration such as 10s.
func readTimeout(o *mapping, p *Profile) error {
	s, err := o.trimmed("timeout")
	if err != nil || s == "" {
		return err
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 || d > maxTimeout {
		return o.r.Errorf(o.At("timeout"), "the profile: timeout %q must be a duration from 1ms to 5m with its unit, such as 10s", s)
	}
	p.Timeout = d
	return nil
}

// readNTP reads the NTP servers, each "host" or "host:port".
func readNTP(o *mapping, p *Profile) error {
	servers, nodes, err := o.strList("ntp")
	if err != nil {
		return err
	}
	for i, s := range servers {
		if err := checkHostPort(s, true); err != nil {
			return o.r.Errorf(nodes[i], "the profile: NTP server %q %v", s, err)
		}
	}
	p.NTP = servers
	return nil
}

// readTargets reads the targets, at least one.
func readTargets(o *mapping, p *Profile) error {
	if !o.Has("targets") {
		return o.r.Errorf(o.At("targets"), "the profile has no targets")
	}
	items, err := o.r.Sequence(o.Values["targets"], "the profile: targets")
	if err != nil {
		return err
	}
	if len(items) == 0 {
		return o.r.Errorf(o.At("targets"), "the profile has no targets")
	}
	seen := map[string]int{} // lower-case name → line of its target
	for i, item := range items {
		t, err := o.r.target(item, i+1, p, seen)
		if err != nil {
			return err
		}
		p.Targets = append(p.Targets, t)
	}
	return nil
}
