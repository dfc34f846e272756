package survey

import "mach/assets/i18n"

// SectionProgress is how far one section has got. Total counts its relevant
// required questions, Answered those answered validly (a required table once
// it has max(MinRows, 1) rows); Missing lists the others, in order.
type SectionProgress struct {
	Section  *Section
	Answered int
	Total    int
	Missing  []*Question
}

// Ratio is Answered/Total, 1 for a section with nothing required.
func (p SectionProgress) Ratio() float64 { return ratio(p.Answered, p.Total) }

// Progress is how far the whole checklist has got: per section and overall.
type Progress struct {
	Sections []SectionProgress
	Answered int
	Total    int
}

// Ratio is Answered/Total over all sections, 1 when nothing is required.
func (p Progress) Ratio() float64 { return ratio(p.Answered, p.Total) }

func ratio(answered, total int) float64 {
	if total == 0 {
		return 1
	}
	return float64(answered) / float64(total)
}

// Progress measures the answers in s against c.
func (c *Checklist) Progress(s State, tr *i18n.Translator) Progress {
	var p Progress
	for i := range c.Sections {
		sp := c.Sections[i].progress(s, tr)
		p.Sections = append(p.Sections, sp)
		p.Answered += sp.Answered
		p.Total += sp.Total
	}
	return p
}

// progress measures one section.
func (sec *Section) progress(s State, tr *i18n.Translator) SectionProgress {
	p := SectionProgress{Section: sec}
	for i := range sec.Questions {
		q := &sec.Questions[i]
		if !q.Required || !q.Relevant(s) {
			continue
		}
		p.Total++
		var v any = s.Values[q.ID]
		if q.Type == TypeTable {
			v = s.Rows[q.ID]
		}
		if q.Validate(v, tr) == nil {
			p.Answered++
		} else {
			p.Missing = append(p.Missing, q)
		}
	}
	return p
}
