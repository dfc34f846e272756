// Package evidence turns a finished run of connectivity checks into what is
// kept and shown: the run with its diagnosis, as the body of a "check-run"
// record, and each result as a short line in the technician's language.
//
// It does no I/O; callers store the body and print the lines.
package evidence

import (
	"encoding/json"
	"fmt"

	"mach/assets/i18n"
	"mach/checks/answers"
	"mach/checks/diagnose"
	"mach/checks/probe"
	"mach/checks/profile"
	"mach/checks/runner"
)

// Evidence is a run and its diagnosis: the body of a check-run record.
type Evidence struct {
	runner.Run
	Findings []diagnose.Finding `json:"findings"`
}

// New diagnoses run. p is the profile it ran, contracted the link's
// bandwidth from the survey (0 when unknown), interfaces the count of
// working network interfaces (-1 when unknown).
func New(run runner.Run, p *profile.Profile, contracted float64, interfaces int, tr *i18n.Translator) Evidence {
	in := diagnose.Input{Network: run.Network, Results: run.Results, ContractedMbps: contracted,
		Interfaces: interfaces, Cancelled: run.Cancelled}
	for _, t := range p.For(run.Network) {
		in.Targets = append(in.Targets, diagnose.Target{Name: t.Name, Networks: t.Networks, Hub: t.Hub})
	}
	return Evidence{Run: run, Findings: diagnose.Diagnose(in, tr)}
}

// Body encodes the evidence as a record body.
func (e Evidence) Body() (json.RawMessage, error) {
	b, err := json.Marshal(e)
	if err != nil {
		return nil, fmt.Errorf("encode check run: %w", err)
	}
	return b, nil
}

// Decode reads the body of a check-run record.
func Decode(body json.RawMessage) (Evidence, error) {
	var e Evidence
	if err := json.Unmarshal(body, &e); err != nil {
		return e, fmt.Errorf("decode check run: %w", err)
	}
	return e, nil
}

// ContractedMbps is the bandwidth the survey gives for the link of network:
// the dedicated network's or the Internet's; 0 when not answered.
func ContractedMbps(sheet *answers.Sheet, network string) float64 {
	id := "internet_bandwidth"
	if network == profile.Dedicated {
		id = "tslcd_bandwidth"
	}
	if v, ok := sheet.Value(id); ok {
		if f, ok := v.(float64); ok {
			return f
		}
	}
	return 0
}

// Counts returns how many results passed, warned, failed and were skipped.
func (e Evidence) Counts() (pass, warn, fail, skip int) {
	for _, r := range e.Results {
		switch r.Verdict {
		case probe.Pass:
			pass++
		case probe.Warn:
			warn++
		case probe.Fail:
			fail++
		default:
			skip++
		}
	}
	return pass, warn, fail, skip
}
