// Package i18n translates the strings mach shows into the user's language.
//
// Messages live in assets/i18n/<lang>/*.yaml as flat maps from a key (such as
// "home.title") to a fmt format string. Vietnamese is the default language and
// English the second. Each package keeps its own file (survey.yaml, tui.yaml,
// …) so that keys have an obvious owner. The package also formats numbers and
// dates the way Vietnamese documents write them (1.685; 89,8%; 25/11/2026).
package i18n

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/goccy/go-yaml"

	"mach/assets"
)

// Vietnamese and English are the languages mach ships.
const (
	Vietnamese = "vi"
	English    = "en"
)

// Languages lists the supported language codes, the default first.
var Languages = []string{Vietnamese, English}

// ErrUnknownLanguage is returned for a language code mach does not ship.
var ErrUnknownLanguage = errors.New("unknown language")

// Translator looks up the messages of one language.
type Translator struct {
	lang     string
	messages map[string]string
}

// New returns the translator for lang ("vi" or "en").
func New(lang string) (*Translator, error) {
	lang = strings.ToLower(strings.TrimSpace(lang))
	if lang == "" {
		lang = Vietnamese
	}
	if lang != Vietnamese && lang != English {
		return nil, fmt.Errorf("%w %q (use vi or en)", ErrUnknownLanguage, lang)
	}
	messages, err := catalogues[lang]()
	if err != nil {
		return nil, err
	}
	return &Translator{lang: lang, messages: messages}, nil
}

// catalogues loads the messages of each language once: they are embedded,
// never change and are only read, so every translator of a language shares
// them.
var catalogues = map[string]func() (map[string]string, error){
	Vietnamese: sync.OnceValues(func() (map[string]string, error) { return load(assets.FS, Vietnamese) }),
	English:    sync.OnceValues(func() (map[string]string, error) { return load(assets.FS, English) }),
}

// MustNew is New for the shipped languages, which are known to load; it panics
// on an unknown language, a programming error.
func MustNew(lang string) *Translator {
	tr, err := New(lang)
	if err != nil {
		panic(err)
	}
	return tr
}

// FromEnv picks the language from flag (when not empty), else MACH_LANG, else
// Vietnamese.
func FromEnv(flag string) (*Translator, error) {
	if flag == "" {
		flag = os.Getenv("MACH_LANG")
	}
	return New(flag)
}

// load reads every i18n/<lang>/*.yaml file into one map; a key defined twice
// is an error, so that two files cannot silently disagree.
func load(fsys fs.FS, lang string) (map[string]string, error) {
	dir := path.Join("i18n", lang)
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("read translations %s: %w", dir, err)
	}
	messages := map[string]string{}
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".yaml") {
			continue
		}
		name := path.Join(dir, e.Name())
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("read translations %s: %w", name, err)
		}
		var m map[string]string
		if err := yaml.Unmarshal(data, &m); err != nil {
			return nil, fmt.Errorf("parse translations %s: %w", name, err)
		}
		for k, v := range m {
			if _, dup := messages[k]; dup {
				return nil, fmt.Errorf("translations %s: key %q defined twice", name, k)
			}
			messages[k] = v
		}
	}
	return messages, nil
}

// Lang returns the language code of the translator.
func (t *Translator) Lang() string { return t.lang }

// T returns the message for key, formatted with args. A missing key is shown
// as "!key" so that it is noticed, never as an empty string.
func (t *Translator) T(key string, args ...any) string {
	msg, ok := t.messages[key]
	if !ok {
		return "!" + key
	}
	if len(args) == 0 {
		return msg
	}
	return fmt.Sprintf(msg, args...)
}

// Localizer is something, typically an error, that can say itself in the
// language of a translator; an error keeps its Error() for logs.
type Localizer interface {
	Localize(t *Translator) string
}

// Message is a message key and its arguments, said in a language only when
// it is shown, so that one error can be logged in English and shown to the
// user in theirs. An argument that is itself a Localizer (a phrase such as
// "target 2") is said in the same language.
type Message struct {
	Key  string
	Args []any
}

// Msg returns the message key with args.
func Msg(key string, args ...any) Message {
	return Message{Key: key, Args: args}
}

// Localize says m in t's language.
func (m Message) Localize(t *Translator) string {
	args := make([]any, len(m.Args))
	for i, a := range m.Args {
		if l, ok := a.(Localizer); ok {
			a = l.Localize(t)
		}
		args[i] = a
	}
	return t.T(m.Key, args...)
}

// Error says err in t's language: the first Localizer in err's chain (as
// errors.As finds it) says itself, what wraps it being left out; any other
// error is its Error(). A nil error is "".
func (t *Translator) Error(err error) string {
	if err == nil {
		return ""
	}
	var l Localizer
	if errors.As(err, &l) {
		return l.Localize(t)
	}
	return err.Error()
}

// Has reports whether key is translated.
func (t *Translator) Has(key string) bool {
	_, ok := t.messages[key]
	return ok
}

// Keys returns every key, sorted.
func (t *Translator) Keys() []string {
	keys := make([]string, 0, len(t.messages))
	for k := range t.messages {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Number formats f with the given number of decimals, grouping thousands. In
// Vietnamese the thousands separator is a dot and the decimal mark a comma
// (1.685; 89,8); in English the other way round.
func (t *Translator) Number(f float64, decimals int) string {
	thousands, point := ".", ","
	if t.lang == English {
		thousands, point = ",", "."
	}
	s := strconv.FormatFloat(math.Abs(f), 'f', decimals, 64)
	whole, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	if f < 0 && strings.Trim(s, "0.") != "" {
		b.WriteByte('-')
	}
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteString(thousands)
		}
		b.WriteRune(r)
	}
	if frac != "" {
		b.WriteString(point)
		b.WriteString(frac)
	}
	return b.String()
}

// Percent formats a ratio (0.898) as a percentage with one decimal (89,8%).
func (t *Translator) Percent(ratio float64) string {
	return t.Number(ratio*100, 1) + "%"
}

// DateLayout is how dates are written on screen in both languages.
const DateLayout = "02/01/2006"

// Date formats d as dd/mm/yyyy.
func (t *Translator) Date(d time.Time) string { return d.Format(DateLayout) }

// DateTime formats d as dd/mm/yyyy hh:mm in local time.
func (t *Translator) DateTime(d time.Time) string { return d.Local().Format(DateLayout + " 15:04") }
