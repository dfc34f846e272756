package survey

import (
	"fmt"
	"io/fs"

	"mach/assets"
)

// DefaultFile is where the shipped checklist lives in assets.FS.
const DefaultFile = "checklist/checklist.yaml"

// Default returns the checklist shipped inside mach.
func Default() (*Checklist, error) {
	data, err := fs.ReadFile(assets.FS, DefaultFile)
	if err != nil {
		return nil, fmt.Errorf("read shipped checklist: %w", err)
	}
	return Parse(DefaultFile, data)
}
