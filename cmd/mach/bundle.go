package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"math"
	"os"
	"time"

	"github.com/spf13/cobra"

	"mach/sync/client"
	"mach/sync/protocol"
	"mach/sync/store"
)

// Offline transfer: "mach export --bundle FILE" on a laptop writes what the
// hub has not acknowledged (protocol.Bundle); "mach hub import FILE" on the
// hub's machine hands it to the running hub, which applies it as the
// laptop's pushes.

// writeBundle writes the laptop's outbox entries of the current epoch that
// the hub has not acknowledged to out ("-" for standard output), through a
// temporary file renamed into place. With nothing waiting it writes nothing
// and says so.
func writeBundle(cmd *cobra.Command, e env, out string) error {
	st, err := openExistingStore(e)
	if err != nil {
		return err
	}
	defer st.Close()
	state, err := st.SyncState()
	if err != nil {
		return userError{sentence: e.tr.T("cli.open_failed", st.Path(), err), err: err}
	}
	unit, err := st.Meta(store.MetaUnit)
	if err != nil {
		return userError{sentence: e.tr.T("cli.open_failed", st.Path(), err), err: err}
	}
	if state.Hub.URL == "" || state.Hub.Token == "" || unit == "" {
		return userError{sentence: e.tr.T("bundle.not_enrolled")}
	}
	// No practical bound: the bundle carries the whole outbox of the epoch,
	// and its size is checked once encoded.
	entries, err := st.PendingEntries(math.MaxInt, math.MaxInt)
	if err != nil {
		return userError{sentence: e.tr.T("cli.open_failed", st.Path(), err), err: err}
	}
	if len(entries) == 0 {
		printf(cmd.ErrOrStderr(), "%s\n", e.tr.T("bundle.nothing"))
		return nil
	}
	b := protocol.Bundle{Format: protocol.BundleFormat, Device: st.Device(), Unit: unit,
		Epoch: entries[0].Epoch, Created: time.Now().UTC(), Entries: entries}
	data, err := json.Marshal(b)
	if err != nil {
		return userError{sentence: e.tr.T("export.failed", out, err), err: err}
	}
	if len(data) > protocol.MaxBundleBytes {
		return userError{sentence: e.tr.T("bundle.export_too_big", protocol.MaxBundleBytes>>20)}
	}
	write := func(w io.Writer) error { _, err := w.Write(append(data, '\n')); return err }
	if out == "-" {
		return write(cmd.OutOrStdout())
	}
	if err := writeFileAtomic(out, write); err != nil {
		return userError{sentence: e.tr.T("export.failed", out, err), err: err}
	}
	e.log.Info("bundle written", "path", out, "device", b.Device, "epoch", b.Epoch, "entries", len(entries))
	printf(cmd.ErrOrStderr(), "%s\n", e.tr.T("bundle.written", len(entries), out))
	return nil
}

func newHubImportCommand() *cobra.Command {
	tr := translatorForError()
	return adminCommand("import FILE", tr.T("bundle.import_short"), cobra.ExactArgs(1), func(cmd *cobra.Command, e env, c *client.Client, args []string) error {
		path := args[0]
		b, err := readBundle(e, path)
		if err != nil {
			return err
		}
		resp, err := c.Import(cmd.Context(), b)
		if err != nil {
			return importError(e, path, b, err)
		}
		printf(cmd.OutOrStdout(), "%s\n", e.tr.T("bundle.imported", resp.Device, resp.Unit, resp.Entries, resp.New, resp.Entries-resp.New))
		return nil
	})
}

// readBundle reads and decodes a bundle file, refusing in plain words one
// over the size limit, one that is not JSON and one of another format. The
// hub checks the rest.
func readBundle(e env, path string) (protocol.Bundle, error) {
	var b protocol.Bundle
	f, err := os.Open(path)
	if err != nil {
		return b, userError{sentence: e.tr.T("bundle.read_failed", path, err), err: err}
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return b, userError{sentence: e.tr.T("bundle.read_failed", path, err), err: err}
	}
	if info.Size() > protocol.MaxBundleBytes {
		return b, userError{sentence: e.tr.T("bundle.too_large", path, protocol.MaxBundleBytes>>20)}
	}
	// Read one byte more than the limit: a file that grew since Stat is
	// still refused.
	data, err := io.ReadAll(io.LimitReader(f, protocol.MaxBundleBytes+1))
	if err != nil {
		return b, userError{sentence: e.tr.T("bundle.read_failed", path, err), err: err}
	}
	if len(data) > protocol.MaxBundleBytes {
		return b, userError{sentence: e.tr.T("bundle.too_large", path, protocol.MaxBundleBytes>>20)}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	err = dec.Decode(&b)
	if err == nil {
		if _, terr := dec.Token(); terr != io.EOF {
			err = errors.New("data after the JSON document")
		}
	}
	if err != nil {
		return b, userError{sentence: e.tr.T("bundle.not_bundle", path, err), err: err}
	}
	if b.Format != protocol.BundleFormat {
		return b, userError{sentence: e.tr.T("bundle.wrong_format", path, b.Format)}
	}
	return b, nil
}

// importError says in plain words why the hub refused a bundle.
func importError(e env, path string, b protocol.Bundle, err error) error {
	var he *client.HubError
	if !errors.As(err, &he) {
		return adminError(e, err)
	}
	switch he.Body.Code {
	case protocol.CodeUnknownDevice:
		return userError{sentence: e.tr.T("bundle.unknown_device", b.Device), err: err}
	case protocol.CodeForbidden:
		return userError{sentence: e.tr.T("bundle.forbidden", he.Body.Message), err: err}
	case protocol.CodeBadRequest:
		return userError{sentence: e.tr.T("bundle.invalid", he.Body.Message), err: err}
	case protocol.CodeTooLarge:
		return userError{sentence: e.tr.T("bundle.too_large", path, protocol.MaxBundleBytes>>20), err: err}
	case protocol.CodeGap:
		var acked uint64
		if he.Body.Acked != nil {
			acked = *he.Body.Acked
		}
		return userError{sentence: e.tr.T("bundle.gap", b.Device, acked), err: err}
	case protocol.CodeEpochReused:
		return userError{sentence: e.tr.T("bundle.epoch_reused", he.Body.Message), err: err}
	}
	return adminError(e, err)
}
