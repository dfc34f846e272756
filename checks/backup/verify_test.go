package backup

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

// backedUp is a backed-up tree: the source folder and the archive.
func backedUp(t *testing.T) (src string, res Result) {
	t.Helper()
	src = filepath.Join(t.TempDir(), "Kế toán")
	writeTree(t, src, map[string][]byte{
		"sổ cái.xlsx":         mixed(200_000, 1),
		"chứng từ/01.pdf":     mixed(3*chunkSize/2, 2),
		"chứng từ/02.pdf":     mixed(50_000, 3),
		reportNFD:             []byte("NFD"),
		"lưu trữ/2024/rỗng/":  nil,
		"lưu trữ/2024/ba.txt": []byte("ba"),
	})
	return src, run(t, Options{Sources: []string{src}, Dest: t.TempDir(), Label: "kế toán"})
}

// rewrite copies an archive entry by entry through edit, which may skip
// an entry (false), change it, or add entries; the comment is kept.
func rewrite(t *testing.T, path string, edit func(zw *zip.Writer, f *zip.File) bool) {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		if edit(zw, f) {
			if err := zw.Copy(f); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := zw.SetComment(zr.Comment); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	zr.Close()
	if err := os.WriteFile(path, out.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func verify(t *testing.T, path string) Report {
	t.Helper()
	rep, err := Verify(context.Background(), path, nil)
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	return rep
}

func TestVerifyNamesAFlippedByte(t *testing.T) {
	for _, name := range []string{"Kế toán/sổ cái.xlsx", "Kế toán/chứng từ/01.pdf", "Kế toán/" + reportNFD} {
		t.Run(name, func(t *testing.T) {
			_, res := backedUp(t)
			got, zr := entries(t, res.Archive)
			f := got[name]
			off, err := f.DataOffset()
			if err != nil {
				t.Fatal(err)
			}
			zr.Close()
			data, err := os.ReadFile(res.Archive)
			if err != nil {
				t.Fatal(err)
			}
			data[off+int64(f.CompressedSize64)/2] ^= 0x01
			if err := os.WriteFile(res.Archive, data, 0o644); err != nil {
				t.Fatal(err)
			}
			rep := verify(t, res.Archive)
			if rep.Intact() || len(rep.Changed) != 1 || rep.Changed[0].Name != name || len(rep.Missing)+len(rep.Extra) != 0 {
				t.Fatalf("after one flipped byte in %q: %+v", name, rep)
			}
			if r := rep.Changed[0].Reason; !errors.Is(r, ErrEntryDamaged) && !errors.Is(r, ErrDigestMismatch) {
				t.Errorf("reason %v", r)
			}
			if rep.Digest != res.Digest || rep.ManifestChanged() {
				t.Errorf("the manifest was not touched, yet digest %s (recorded %s), want %s", rep.Digest, rep.Recorded, res.Digest)
			}
		})
	}
}

func TestVerifyNamesMissingAndExtraFiles(t *testing.T) {
	_, res := backedUp(t)
	gone := "Kế toán/chứng từ/02.pdf"
	rewrite(t, res.Archive, func(zw *zip.Writer, f *zip.File) bool {
		if f.Name == ManifestName {
			w, err := zw.Create("Kế toán/thêm.txt")
			if err == nil {
				_, err = w.Write([]byte("thêm"))
			}
			if err != nil {
				t.Fatal(err)
			}
		}
		return f.Name != gone
	})
	rep := verify(t, res.Archive)
	if rep.Intact() || !slices.Equal(rep.Missing, []string{gone}) || !slices.Equal(rep.Extra, []string{"Kế toán/thêm.txt"}) || len(rep.Changed) != 0 {
		t.Fatalf("after deleting %q and adding thêm.txt: %+v", gone, rep)
	}
}

func TestVerifyNoticesAnEditedManifest(t *testing.T) {
	_, res := backedUp(t)
	rewrite(t, res.Archive, func(zw *zip.Writer, f *zip.File) bool {
		if f.Name != ManifestName {
			return true
		}
		data := content(t, f)
		i := bytes.IndexByte(data, ' ')
		if i != 64 {
			t.Fatalf("unexpected manifest:\n%s", data)
		}
		// One hex digit of the first line's hash.
		if data[0] == '0' {
			data[0] = '1'
		} else {
			data[0] = '0'
		}
		w, err := zw.Create(ManifestName)
		if err == nil {
			_, err = w.Write(data)
		}
		if err != nil {
			t.Fatal(err)
		}
		return false
	})
	rep := verify(t, res.Archive)
	if !rep.ManifestChanged() || rep.Recorded != res.Digest || rep.Intact() || len(rep.Changed) != 1 {
		t.Fatalf("after editing the manifest: %+v", rep)
	}
	if !errors.Is(rep.Changed[0].Reason, ErrDigestMismatch) {
		t.Errorf("reason %v, want ErrDigestMismatch", rep.Changed[0].Reason)
	}
}

func TestVerifyRefuses(t *testing.T) {
	dir := t.TempDir()
	junk := filepath.Join(dir, "junk.zip")
	if err := os.WriteFile(junk, []byte("not a zip"), 0o644); err != nil {
		t.Fatal(err)
	}
	plain := filepath.Join(dir, "plain.zip")
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	if _, err := zw.Create("a.txt"); err != nil {
		t.Fatal(err)
	}
	zw.Close()
	if err := os.WriteFile(plain, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]error{
		filepath.Join(dir, "none.zip"): ErrArchiveMissing,
		junk:                           ErrArchiveDamaged,
		plain:                          ErrNoManifest,
	} {
		if _, err := Verify(context.Background(), path, nil); !errors.Is(err, want) {
			t.Errorf("Verify(%s): %v, want %v", filepath.Base(path), err, want)
		}
	}
}

func TestCompareSource(t *testing.T) {
	src, res := backedUp(t)
	if rep, err := CompareSource(context.Background(), res.Archive, []string{src}, nil); err != nil || !rep.Unchanged() || rep.Files != 5 {
		t.Fatalf("right after the backup: %+v, %v", rep, err)
	}
	p := filepath.Join(src, "sổ cái.xlsx")
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	data[len(data)/3] ^= 0x80
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(src, "chứng từ", "02.pdf")); err != nil {
		t.Fatal(err)
	}
	writeTree(t, src, map[string][]byte{"mới.docx": []byte("mới")})
	rep, err := CompareSource(context.Background(), res.Archive, []string{src}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(rep.Changed, []string{"Kế toán/sổ cái.xlsx"}) || !slices.Equal(rep.Gone, []string{"Kế toán/chứng từ/02.pdf"}) ||
		!slices.Equal(rep.New, []string{"Kế toán/mới.docx"}) || rep.Unchanged() {
		t.Errorf("after one change, one deletion, one addition: %+v", rep)
	}

	// A folder renamed since is still matched when it is the only one.
	moved := filepath.Join(filepath.Dir(src), "Kế toán cũ")
	if err := os.Rename(src, moved); err != nil {
		t.Fatal(err)
	}
	if rep2, err := CompareSource(context.Background(), res.Archive, []string{moved}, nil); err != nil || !slices.Equal(rep2.Changed, rep.Changed) {
		t.Errorf("renamed folder: %+v, %v", rep2, err)
	}
	other := filepath.Join(t.TempDir(), "khác")
	writeTree(t, other, map[string][]byte{"a": nil})
	if _, err := CompareSource(context.Background(), res.Archive, []string{moved, other}, nil); !errors.Is(err, ErrSourceNotInArchive) {
		t.Errorf("two folders, one not in the archive: %v, want ErrSourceNotInArchive", err)
	}
}

func TestManifestRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		lines := rapid.SliceOf(rapid.Custom(func(t *rapid.T) ManifestLine {
			name := rapid.StringMatching(`[a-zA-Zàáạảãâầấậẩẫăằắặẳẵèéẹẻẽđ \\\n\r/.*-]{1,20}`).Draw(t, "name")
			sum := rapid.StringMatching(`[0-9a-f]{64}`).Draw(t, "sum")
			return ManifestLine{Name: name, SHA256: sum}
		})).Draw(t, "lines")
		got, err := parseManifest(bytes.NewReader(encodeManifest(lines)))
		if err != nil {
			t.Fatal(err)
		}
		if len(lines) == 0 {
			lines = nil
		}
		if !slices.Equal(got, lines) {
			t.Fatalf("round trip:\n%q\n%q", lines, got)
		}
	})
}

func TestParseManifestRefusesJunk(t *testing.T) {
	for _, junk := range []string{
		"abc  x\n",
		strings.Repeat("g", 64) + "  x\n",
		strings.Repeat("a", 64) + "x\n",
		`\` + strings.Repeat("a", 64) + `  x\q` + "\n",
	} {
		if _, err := parseManifest(strings.NewReader(junk)); err == nil {
			t.Errorf("parseManifest(%q) accepted it", junk)
		}
	}
}
