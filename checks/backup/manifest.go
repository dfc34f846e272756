package backup

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"regexp"
	"strings"
)

// ManifestName is the manifest's name at the root of every archive.
const ManifestName = "MANIFEST-SHA256.txt"

// commentPrefix starts the archive comment, followed by the digest.
const commentPrefix = "mach-backup/1 manifest-sha256:"

// commentDigest finds the digest in an archive comment.
var commentDigest = regexp.MustCompile(`^` + regexp.QuoteMeta(commentPrefix) + `([0-9a-f]{64})`)

// ManifestLine is one file of a manifest: its name in the archive and the
// SHA-256 of its content, in hex.
type ManifestLine struct {
	Name   string
	SHA256 string
}

// encodeManifest writes lines in the format of GNU sha256sum: "HASH  NAME",
// and a name holding a backslash, a newline or a carriage return escaped
// with the line marked by a leading backslash.
func encodeManifest(lines []ManifestLine) []byte {
	var b bytes.Buffer
	for _, l := range lines {
		name := l.Name
		if strings.ContainsAny(name, "\\\n\r") {
			b.WriteByte('\\')
			name = strings.NewReplacer(`\`, `\\`, "\n", `\n`, "\r", `\r`).Replace(name)
		}
		b.WriteString(l.SHA256)
		b.WriteString("  ")
		b.WriteString(name)
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// parseManifest reads a manifest written by encodeManifest (or by
// sha256sum, text or binary mode).
func parseManifest(r io.Reader) ([]ManifestLine, error) {
	var out []ManifestLine
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" {
			continue
		}
		escaped := strings.HasPrefix(line, `\`)
		if escaped {
			line = line[1:]
		}
		if len(line) < 66 || (line[64] != ' ' || (line[65] != ' ' && line[65] != '*')) {
			return nil, fmt.Errorf("manifest line %d: not \"SHA256  NAME\"", n)
		}
		sum := strings.ToLower(line[:64])
		if _, err := hex.DecodeString(sum); err != nil {
			return nil, fmt.Errorf("manifest line %d: %q is not a SHA-256", n, line[:64])
		}
		name := line[66:]
		if escaped {
			var err error
			if name, err = unescapeName(name); err != nil {
				return nil, fmt.Errorf("manifest line %d: %w", n, err)
			}
		}
		out = append(out, ManifestLine{Name: name, SHA256: sum})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read manifest: %w", err)
	}
	return out, nil
}

// unescapeName undoes sha256sum's escaping of a name.
func unescapeName(s string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' {
			b.WriteByte(s[i])
			continue
		}
		if i+1 == len(s) {
			return "", fmt.Errorf("name ends with a lone backslash")
		}
		i++
		switch s[i] {
		case '\\':
			b.WriteByte('\\')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		default:
			return "", fmt.Errorf("unknown escape \\%c in a name", s[i])
		}
	}
	return b.String(), nil
}

// digestOf is the backup's digest: the SHA-256 of the manifest's bytes.
func digestOf(manifest []byte) string {
	sum := sha256.Sum256(manifest)
	return hex.EncodeToString(sum[:])
}
