//go:build linux

package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"mach/assets/i18n"
)

// nobody is the user id of Linux's unprivileged "nobody".
const nobody = 65534

// TestE2EBackupUnreadableFile backs up a folder holding a file that the
// user running mach may not read. Root reads every file, so as root mach
// runs as nobody, and the file is root's own with mode 0600.
func TestE2EBackupUnreadableFile(t *testing.T) {
	f := newFixture(t)
	dir, err := os.MkdirTemp("", "mach-backup-perm-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	src := filepath.Join(dir, "Kế toán")
	dest := filepath.Join(dir, "dest")
	for _, d := range []string{src, dest} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for name, mode := range map[string]os.FileMode{"sổ cái.xlsx": 0o644, "lương.xlsx": 0o600} {
		if err := os.WriteFile(filepath.Join(src, name), []byte(name), mode); err != nil {
			t.Fatal(err)
		}
	}
	secret := filepath.Join(src, "lương.xlsx")
	bin := machBin
	cmd := exec.Command(bin)
	if os.Geteuid() == 0 {
		// nobody must reach the binary, the folders and the log.
		for _, d := range []string{dir, src} {
			if err := os.Chmod(d, 0o755); err != nil {
				t.Fatal(err)
			}
		}
		if err := os.Chmod(dest, 0o777); err != nil {
			t.Fatal(err)
		}
		bin = filepath.Join(dir, "mach")
		data, err := os.ReadFile(machBin)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(bin, data, 0o755); err != nil {
			t.Fatal(err)
		}
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: nobody, Gid: nobody}}
	} else if err := os.Chmod(secret, 0); err != nil {
		t.Fatal(err)
	}
	cmd.Path, cmd.Args = bin, []string{bin, "backup", "run", "--source", src, "--dest", dest,
		"--data", filepath.Join(dest, "no.db"), "--log", filepath.Join(dest, "mach.log")}
	cmd.Env = f.env
	out, err := cmd.Output()
	if err != nil {
		stderr := ""
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("mach backup run as an unprivileged user: %v\n%s\n%s", err, out, stderr)
	}
	for _, want := range []string{
		say(t, i18n.Vietnamese, "backup.skipped", 1),
		"  " + secret + ": " + say(t, i18n.Vietnamese, "backup.reason.permission"),
		say(t, i18n.Vietnamese, "backup.checked", 1, say(t, i18n.Vietnamese, "backup.bytes", len("sổ cái.xlsx"))),
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("mach printed\n%s\nwithout %q", out, want)
		}
	}
}

// TestE2EBackupFullDisk backs up onto a 2 MB tmpfs: the user is told the
// disk is full and no partial archive is left.
func TestE2EBackupFullDisk(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("mounting a small tmpfs needs root")
	}
	f := newFixture(t)
	dest := filepath.Join(f.dir, "usb")
	if err := os.Mkdir(dest, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mount("tmpfs", dest, "tmpfs", 0, "size=2m"); err != nil {
		t.Skipf("cannot mount a tmpfs here: %v", err)
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(dest, 0); err != nil {
			t.Errorf("unmount %s: %v", dest, err)
		}
	})
	src := filepath.Join(f.dir, "src")
	if err := os.Mkdir(src, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(src, "video.mp4"), randomBytes(4<<20, 9), 0o644); err != nil {
		t.Fatal(err)
	}
	r := f.run(t, "", nil, f.args("backup", "run", "--source", src, "--dest", dest)...)
	if want := say(t, i18n.Vietnamese, "backup.err.dest_full", dest); r.code != 1 || !strings.HasSuffix(strings.TrimSpace(r.stderr), want) {
		t.Errorf("backup onto a full disk: exit %d, stderr %q; want 1 and %q", r.code, r.stderr, want)
	}
	if left, _ := os.ReadDir(dest); len(left) != 0 {
		t.Errorf("the failed backup left %v on the disk", left)
	}
}
