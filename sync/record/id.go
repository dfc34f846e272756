package record

import (
	"crypto/rand"
	"time"

	"github.com/oklog/ulid/v2"
)

// NewID returns a new ULID for a record made at t. The random part comes from
// crypto/rand, so two devices never make the same id.
func NewID(t time.Time) string {
	return ulid.MustNew(ulid.Timestamp(t), rand.Reader).String()
}

// ValidID reports whether id is a well-formed ULID.
func ValidID(id string) bool {
	_, err := ulid.ParseStrict(id)
	return err == nil
}
