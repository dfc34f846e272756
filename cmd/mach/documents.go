package main

import (
	"mach/checks/profile"
	"mach/checks/survey"
	"mach/sync/protocol"
	"mach/sync/store"
)

// currentChecklist is the checklist the hub published, when the store holds
// one above the shipped version that parses, else the shipped one.
func currentChecklist(e env, st *store.Store, shipped *survey.Checklist) *survey.Checklist {
	version, data, err := st.Document(protocol.DocChecklist)
	if err != nil || version <= shipped.Version {
		logDocument(e, protocol.DocChecklist, err)
		return shipped
	}
	c, err := survey.Parse(protocol.DocChecklist+".yaml", data)
	if err != nil {
		logDocument(e, protocol.DocChecklist, err)
		return shipped
	}
	return c
}

// currentProfile is the check profile the hub published, when the store
// holds one above the shipped version that parses, else the shipped one.
func currentProfile(e env, st *store.Store, shipped *profile.Profile) *profile.Profile {
	version, data, err := st.Document(protocol.DocProfile)
	if err != nil || version <= shipped.Version {
		logDocument(e, protocol.DocProfile, err)
		return shipped
	}
	p, err := profile.Parse(protocol.DocProfile+".yaml", data)
	if err != nil {
		logDocument(e, protocol.DocProfile, err)
		return shipped
	}
	return p
}

// logDocument notes why the shipped document is used instead of the one
// the hub published; nothing when there was no error.
func logDocument(e env, kind string, err error) {
	if err != nil {
		e.log.Warn("the published "+kind+" is unusable: using the shipped one", "err", err)
	}
}
