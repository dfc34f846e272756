// Package settings is the screen of this computer's connection to the
// province hub: what it is enrolled with and how sync stands, and the
// enrolment itself: the hub's address and the one-time code, the hub's
// certificate fingerprint shown for the officer to compare with the one the
// coordinator read out, then the exchange of the code for a device token.
package settings

import (
	"context"
	"errors"
	"net/url"
	"os"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"
	"github.com/charmbracelet/x/ansi"

	"mach/assets/i18n"
	"mach/sync/client"
	"mach/sync/store"
	"mach/tui/app"
)

// enrolTimeout bounds the talk with the hub during enrolment.
const enrolTimeout = time.Minute

// EnrolledMsg says the device is now enrolled; the root starts syncing.
type EnrolledMsg struct{}

// step is where the enrolment stands.
type step int

const (
	stepShow step = iota
	stepForm
	stepFetching
	stepConfirm
	stepEnrolling
)

// fingerprintMsg carries the hub's certificate fingerprint.
type fingerprintMsg struct {
	fp  string
	err error
}

// enrolledMsg carries the end of the exchange.
type enrolledMsg struct{ err error }

// KeyMap are the screen's keys.
type KeyMap struct {
	Enrol, Back key.Binding
}

// NewKeyMap builds the key map with help in the officer's language.
func NewKeyMap(tr *i18n.Translator) KeyMap {
	return KeyMap{
		Enrol: key.NewBinding(key.WithKeys("e"), key.WithHelp("e", tr.T("settings.key.enrol"))),
		Back:  key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", tr.T("key.back"))),
	}
}

// ShortHelp is the one-line help.
func (k KeyMap) ShortHelp() []key.Binding { return []key.Binding{k.Enrol, k.Back} }

// FullHelp is the expanded help.
func (k KeyMap) FullHelp() [][]key.Binding { return [][]key.Binding{k.ShortHelp()} }

// enrolInput is what the officer types and confirms.
type enrolInput struct {
	hubURL, code string
	confirmed    bool
}

// Model is the settings screen.
type Model struct {
	sh            *app.Shared
	keys          KeyMap
	help          help.Model
	width, height int
	step          step
	form          *huh.Form
	// in holds what the forms fill in; a pointer, because the forms keep
	// pointers into it while the model is copied on every update.
	in          *enrolInput
	fingerprint string
	status      string
	isError     bool
}

// New returns the settings screen.
func New(sh *app.Shared) Model {
	return Model{sh: sh, keys: NewKeyMap(sh.Tr), help: sh.Styles.Help(), width: 80, height: 24}
}

// SetSize sets the screen size.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.help.SetWidth(w - 2)
}

// Saving reports whether the screen waits for the hub.
func (m Model) Saving() bool { return m.step == stepFetching || m.step == stepEnrolling }

// Update handles keys, the forms and the hub's answers.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	switch msg := msg.(type) {
	case fingerprintMsg:
		if msg.err != nil {
			return m.failed(msg.err)
		}
		m.fingerprint, m.in.confirmed = msg.fp, false
		m.step = stepConfirm
		m.form = m.sh.Form(huh.NewConfirm().Title(m.sh.Tr.T("settings.confirm", msg.fp)).
			Affirmative(m.sh.Tr.T("fields.yes")).Negative(m.sh.Tr.T("fields.no")).Value(&m.in.confirmed)).
			WithWidth(max(m.width-4, 20))
		return m, m.form.Init()
	case enrolledMsg:
		if msg.err != nil {
			return m.failed(msg.err)
		}
		m.step = stepShow
		m.status, m.isError = m.sh.Tr.T("settings.enrolled"), false
		return m, func() tea.Msg { return EnrolledMsg{} }
	}
	if m.form != nil {
		return m.updateForm(msg)
	}
	if k, ok := msg.(tea.KeyPressMsg); ok && m.step == stepShow {
		switch {
		case key.Matches(k, m.keys.Back):
			return m, app.Back
		case key.Matches(k, m.keys.Enrol):
			return m.openForm()
		}
	}
	return m, nil
}

func (m Model) failed(err error) (Model, tea.Cmd) {
	m.step, m.form = stepShow, nil
	m.status, m.isError = m.sh.Tr.T("settings.failed", m.sh.Tr.T(reasonKey(err))), true
	m.sh.Log.Warn("enrolment failed", "err", err)
	return m, nil
}

// reasonKey names a failure in plain words.
func reasonKey(err error) string {
	switch {
	case errors.Is(err, client.ErrBadCode):
		return "syncstatus.err.bad_code"
	case errors.Is(err, client.ErrTLS):
		return "syncstatus.err.tls"
	case errors.Is(err, client.ErrUnreachable):
		return "syncstatus.err.unreachable"
	case errors.Is(err, errOtherUnit):
		return "settings.other_unit"
	case errors.Is(err, errNotConfirmed):
		return "settings.not_confirmed"
	}
	return "syncstatus.err.internal"
}

func (m Model) openForm() (Model, tea.Cmd) {
	m.step, m.status = stepForm, ""
	m.in = &enrolInput{hubURL: m.sh.SyncStatus.State.Hub.URL}
	tr := m.sh.Tr
	m.form = m.sh.Form(
		huh.NewInput().Title(tr.T("settings.hub")).Placeholder("https://…").Value(&m.in.hubURL).Validate(func(s string) error {
			u, err := url.Parse(strings.TrimSpace(s))
			if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
				return errors.New(tr.T("settings.bad_hub"))
			}
			return nil
		}),
		huh.NewInput().Title(tr.T("settings.code")).Placeholder("ABCD-EFGH-JK").Value(&m.in.code).Validate(func(s string) error {
			if strings.TrimSpace(s) == "" {
				return errors.New(tr.T("settings.need_code"))
			}
			return nil
		}),
	).WithWidth(max(m.width-4, 20))
	return m, m.form.Init()
}

func (m Model) updateForm(msg tea.Msg) (Model, tea.Cmd) {
	var cmd tea.Cmd
	m.form, cmd = app.UpdateForm(m.form, msg)
	switch m.form.State {
	case huh.StateAborted:
		m.form, m.step = nil, stepShow
		return m, nil
	case huh.StateCompleted:
		m.form = nil
		hub := strings.TrimSpace(m.in.hubURL)
		if m.step == stepForm {
			if !strings.HasPrefix(hub, "https://") {
				m.step = stepEnrolling
				return m, enrolCmd(m.sh, hub, m.in.code, "")
			}
			m.step = stepFetching
			return m, func() tea.Msg {
				ctx, cancel := context.WithTimeout(context.Background(), enrolTimeout)
				defer cancel()
				fp, err := client.FetchFingerprint(ctx, hub)
				return fingerprintMsg{fp: fp, err: err}
			}
		}
		if !m.in.confirmed {
			return m.failed(errNotConfirmed)
		}
		m.step = stepEnrolling
		return m, enrolCmd(m.sh, hub, m.in.code, m.fingerprint)
	}
	return m, cmd
}

// Reasons an enrolment stops on this computer.
var (
	errNotConfirmed = errors.New("the officer did not confirm the hub's fingerprint")
	errOtherUnit    = errors.New("the code is for another unit")
)

// enrolCmd exchanges the code for a token and keeps it, with the hub's
// address and pinned fingerprint, in the data file.
func enrolCmd(sh *app.Shared, hub, code, fingerprint string) tea.Cmd {
	st, unit, log := sh.Store, sh.Sheet.Unit().Code, sh.Log
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), enrolTimeout)
		defer cancel()
		c, err := client.New(client.Options{HubURL: hub, Fingerprint: fingerprint, Logger: log})
		if err != nil {
			return enrolledMsg{err: err}
		}
		host, _ := os.Hostname()
		resp, err := c.Enroll(ctx, strings.TrimSpace(code), st.Device(), host)
		if err != nil {
			return enrolledMsg{err: err}
		}
		if resp.Unit != unit {
			return enrolledMsg{err: errOtherUnit}
		}
		return enrolledMsg{err: st.SetHub(store.Hub{URL: hub, Token: resp.Token, Fingerprint: fingerprint})}
	}
}

// View draws the screen.
func (m Model) View() string {
	tr, st := m.sh.Tr, m.sh.Styles
	w := max(m.width-2, 20)
	var b strings.Builder
	b.WriteString(st.Title.Render(tr.T("settings.title")) + "\n\n")
	if m.form != nil {
		b.WriteString(m.form.View() + "\n")
		return st.App.Render(b.String())
	}
	state := m.sh.SyncStatus.State
	hub := state.Hub.URL
	if hub == "" {
		hub = tr.T("settings.none")
	}
	b.WriteString(ansi.Truncate(tr.T("settings.device", m.sh.Store.Device()), w, "…") + "\n")
	b.WriteString(ansi.Truncate(tr.T("settings.hub_is", hub), w, "…") + "\n")
	if fp := state.Hub.Fingerprint; fp != "" {
		b.WriteString(st.Muted.Render(ansi.Truncate(tr.T("settings.fingerprint", fp), w, "…")) + "\n")
	}
	b.WriteString(st.Muted.Render(ansi.Truncate(m.sh.SyncLine(), w, "…")) + "\n")
	switch m.step {
	case stepFetching:
		b.WriteString("\n" + st.Status.Render(tr.T("settings.fetching")) + "\n")
	case stepEnrolling:
		b.WriteString("\n" + st.Status.Render(tr.T("settings.enrolling")) + "\n")
	}
	if m.status != "" {
		s := st.Status
		if m.isError {
			s = st.Error
		}
		b.WriteString("\n" + s.Render(ansi.Wordwrap(m.status, w, " ")) + "\n")
	}
	return app.Layout(st.App.Render(b.String()), st.App.Render(m.help.View(m.keys)), m.height)
}
