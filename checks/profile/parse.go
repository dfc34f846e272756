package profile

import (
	"regexp"
	"time"

	"mach/assets/i18n"
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
		err = r.RefuseAt(1, "definition.profile.empty")
	}
	if err != nil {
		return nil, err
	}
	o, err := r.mapping(root, i18n.Msg("definition.profile.what"), []string{"id", "version", "timeout", "ntp", "targets"})
	if err != nil {
		return nil, err
	}
	p := &Profile{Timeout: DefaultTimeout}
	if p.ID, err = o.trimmed("id"); err != nil {
		return nil, err
	}
	if p.ID == "" {
		return nil, r.Refuse(o.At("id"), "definition.profile.no_id")
	}
	if !profileID.MatchString(p.ID) {
		return nil, r.Refuse(o.At("id"), "definition.profile.bad_id", p.ID)
	}
	if !o.Has("version") {
		return nil, r.Refuse(o.At("version"), "definition.profile.no_version")
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
		return o.r.Refuse(o.At("timeout"), "definition.profile.timeout", s)
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
		if problem := checkHostPort(s, true); problem != "" {
			return o.r.Refuse(nodes[i], "definition.profile.ntp_server", s, i18n.Msg(problem))
		}
	}
	p.NTP = servers
	return nil
}

// readTargets reads the targets, at least one.
func readTargets(o *mapping, p *Profile) error {
	if !o.Has("targets") {
		return o.r.Refuse(o.At("targets"), "definition.profile.no_targets")
	}
	items, err := o.r.Sequence(o.Values["targets"], o.Field("targets"))
	if err != nil {
		return err
	}
	if len(items) == 0 {
		return o.r.Refuse(o.At("targets"), "definition.profile.no_targets")
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
