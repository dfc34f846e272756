// Package document checks the checklists and check profiles that the hub
// publishes and the laptops pull: the YAML must parse as its kind says, and
// its id and version must be the ones the document claims. The hub checks
// before it publishes, the laptop again before it keeps one.
package document

import (
	"fmt"

	"mach/checks/profile"
	"mach/checks/survey"
	"mach/sync/protocol"
)

// Check parses doc's YAML as its kind says and checks that its id and
// version are the YAML's. A broken YAML fails with the *DefinitionError of
// its kind, unwrapped, the file being named after the kind: its Error() is
// the English "file:line: reason" the hub answers and logs, and
// i18n.Translator.Error says it in the user's language.
func Check(doc protocol.Document) error {
	var id string
	var version int
	file := doc.Kind + ".yaml"
	switch doc.Kind {
	case protocol.DocChecklist:
		c, err := survey.Parse(file, doc.Data)
		if err != nil {
			return err
		}
		id, version = c.ID, c.Version
	case protocol.DocProfile:
		p, err := profile.Parse(file, doc.Data)
		if err != nil {
			return err
		}
		id, version = p.ID, p.Version
	default:
		return fmt.Errorf("kind %q is neither %q nor %q", doc.Kind, protocol.DocChecklist, protocol.DocProfile)
	}
	if id != doc.ID || version != doc.Version {
		return fmt.Errorf("the document says id %q version %d, its YAML id %q version %d", doc.ID, doc.Version, id, version)
	}
	return nil
}
