// Package app holds what every screen shares: the store, the checklist and
// the answers, the unit list, the translator, the styles and the logger, and
// the commands and messages with which screens save records.
//
// Screens read the shared Sheet in Update and View and never write to it
// there: a save runs as a command, and the root applies the saved records
// when SavedMsg comes back.
package app

import (
	"encoding/json"
	"log/slog"

	tea "charm.land/bubbletea/v2"

	"mach/assets/i18n"
	"mach/checks/answers"
	"mach/checks/probe"
	"mach/checks/profile"
	"mach/checks/survey"
	"mach/checks/units"
	"mach/sync/record"
	"mach/sync/review"
	"mach/sync/store"
	"mach/tui/style"
)

// Shared is passed to every screen's constructor.
type Shared struct {
	Store     *store.Store
	Checklist *survey.Checklist
	Sheet     *answers.Sheet
	Units     *units.Directory
	Tr        *i18n.Translator
	Styles    style.Styles
	Log       *slog.Logger
	// Detect proposes this computer's own equipment row; nil hides the offer.
	Detect func() (map[string]any, error)
	// Profile is the connectivity check profile; nil hides the checks.
	Profile *profile.Profile
	// Probes run the profile's checks, by name.
	Probes map[string]probe.Func
	// HubURL is the province hub's base URL; empty until enrolled.
	HubURL string
	// Interfaces counts the working network interfaces, for the diagnosis.
	Interfaces func() int
	// Sync runs one round with the hub; nil when the device is not
	// enrolled. The root runs it in the background.
	Sync Syncer
	// NewSyncer makes Sync from the enrolment kept in the store, after
	// the officer enrols from the settings screen.
	NewSyncer func() (Syncer, error)
	// SyncStatus is what the status line says; only the root changes it.
	SyncStatus SyncStatus
	// Conflicts counts the records with versions waiting for the officer's
	// choice; only the root changes it.
	Conflicts int
	// Reviews are the province's reviews of the unit's sections and the
	// officers' replies (see LoadReviews); nil until they are read. Only
	// the root changes it, as it changes Sheet.
	Reviews *review.Book
}

// OpenConflictsMsg asks the root to open the conflicts screen.
type OpenConflictsMsg struct{}

// OpenSettingsMsg asks the root to open the hub settings.
type OpenSettingsMsg struct{}

// OpenChecksMsg asks the root to open the connectivity checks.
type OpenChecksMsg struct{}

// OpenBackupMsg asks the root to open the backup screen, over the backups
// table it returns to.
type OpenBackupMsg struct{}

// Change is one record write of a save.
type Change struct {
	Kind string
	// ID is the record to update; "" makes a new record.
	ID     string
	Body   json.RawMessage
	Delete bool
}

// SavedMsg says that a save was committed to disk; Records are the versions
// written, in the order of the changes.
type SavedMsg struct {
	Tag     string
	Records []record.Record
}

// SaveFailedMsg says that a save was not made; nothing of it was written.
type SaveFailedMsg struct {
	Tag string
	Err error
}

// Meta is a meta value to set in the same transaction as the changes.
type Meta struct{ Key, Value string }

// Save writes changes (and meta values) in one transaction and returns the
// versions written, in the order of the changes. Nothing is written if any
// change fails.
func (s *Shared) Save(meta []Meta, changes ...Change) ([]record.Record, error) {
	var saved []record.Record
	err := s.Store.Write(func(w *store.Writer) error {
		for _, m := range meta {
			if err := w.SetMeta(m.Key, m.Value); err != nil {
				return err
			}
		}
		for _, c := range changes {
			var r record.Record
			var err error
			if c.Delete {
				r, err = w.Delete(c.Kind, c.ID)
			} else {
				r, err = w.Put(c.Kind, c.ID, c.Body)
			}
			if err != nil {
				return err
			}
			saved = append(saved, r)
		}
		return nil
	})
	if err != nil {
		s.Log.Error("save failed", "err", err)
		return nil, err
	}
	s.Log.Info("saved", "records", len(saved))
	return saved, nil
}

// SaveCmd runs Save as a command. The answer comes back as SavedMsg or
// SaveFailedMsg carrying tag, so that a screen can recognise the answer to
// its own save.
func (s *Shared) SaveCmd(tag string, meta []Meta, changes ...Change) tea.Cmd {
	return func() tea.Msg {
		saved, err := s.Save(meta, changes...)
		if err != nil {
			return SaveFailedMsg{Tag: tag, Err: err}
		}
		return SavedMsg{Tag: tag, Records: saved}
	}
}

// LoadSheet reads every record of the store into a new sheet. A record that
// cannot be read is logged and skipped, so it cannot hide all the others.
func LoadSheet(st *store.Store, c *survey.Checklist, log *slog.Logger) (*answers.Sheet, error) {
	sheet := answers.New(c)
	n := 0
	err := st.All(func(rec record.Record) error {
		n++
		if _, err := sheet.Apply(rec); err != nil {
			log.Warn("record skipped", "id", rec.ID, "kind", rec.Kind, "err", err)
		}
		return nil
	})
	log.Info("loaded", "records", n, "err", err)
	return sheet, err
}

// BackMsg asks the root to leave the current screen for the home screen.
type BackMsg struct{}

// Back is the command that sends BackMsg.
func Back() tea.Msg { return BackMsg{} }

// OpenSectionMsg asks the root to open a section of the checklist.
type OpenSectionMsg struct{ Section string }

// OpenTableMsg asks the root to open the rows of a table question.
type OpenTableMsg struct{ Table string }
