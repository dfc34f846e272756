package main

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/adrg/xdg"
	"github.com/spf13/cobra"

	"mach/checks/speed"
	"mach/sync/hub"
)

// adminFile is written beside the hub's data file while it serves: how the
// province's own commands on the same machine reach it.
const adminFile = "hub.admin"

// adminInfo is the content of adminFile.
type adminInfo struct {
	URL         string `json:"url"`
	Token       string `json:"token"`
	Fingerprint string `json:"fingerprint,omitempty"`
}

func newHubCommand() *cobra.Command {
	tr := translatorForError()
	cmd := &cobra.Command{
		Use:   "hub",
		Short: tr.T("hub.short"),
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(newHubServeCommand(), newHubEnrollCommand(), newHubDevicesCommand(),
		newHubRevokeCommand(), newHubTokenCommand(), newHubExportCommand(), newHubImportCommand(),
		newHubPublishCommand(), newHubDeadlineCommand(), newHubReviewCommand(), newHubMigrateCommand())
	return cmd
}

// hubDataPath is --data, or hub.db in the user's data folder.
func hubDataPath() (string, error) {
	if dataFlag != "" {
		return dataFlag, nil
	}
	return xdg.DataFile(filepath.Join("mach", "hub.db"))
}

func newHubServeCommand() *cobra.Command {
	var addr, province, certFile, keyFile, store string
	var insecure bool
	tr := translatorForError()
	cmd := &cobra.Command{
		Use:   "serve",
		Short: tr.T("hub.serve_short"),
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			e, err := newEnv()
			if err != nil {
				return err
			}
			defer e.close()
			if (certFile == "") != (keyFile == "") {
				return userError{sentence: e.tr.T("hub.cert_pair")}
			}
			path, err := hubDataPath()
			if err != nil {
				return userError{sentence: e.tr.T("cli.no_data_dir", err), err: err}
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			st, name, err := openHubStorage(ctx, e, hubStore(store), path)
			if err != nil {
				return err
			}
			defer st.Close()
			return serveHub(ctx, e, cmd, st, path, name, hubConfig{addr: addr, province: province, certFile: certFile, keyFile: keyFile, insecure: insecure})
		},
	}
	cmd.Flags().StringVar(&addr, "addr", ":8443", tr.T("hub.flag_addr"))
	cmd.Flags().StringVar(&province, "province", hub.DefaultProvince, tr.T("hub.flag_province"))
	cmd.Flags().StringVar(&certFile, "tls-cert", "", tr.T("hub.flag_cert"))
	cmd.Flags().StringVar(&keyFile, "tls-key", "", tr.T("hub.flag_key"))
	cmd.Flags().BoolVar(&insecure, "insecure-http", false, tr.T("hub.flag_insecure"))
	cmd.Flags().StringVar(&store, "store", "", tr.T("hub.flag_store"))
	return cmd
}

// hubConfig is how the hub serves.
type hubConfig struct {
	addr, province, certFile, keyFile string
	insecure                          bool
}

// serveHub listens, says where and with which certificate, writes the admin
// file beside path, and serves st (named name) until ctx ends; then it
// shuts down gracefully.
func serveHub(ctx context.Context, e env, cmd *cobra.Command, st hub.Storage, path, name string, c hubConfig) error {
	dir := filepath.Dir(path)
	var tlsCfg *tls.Config
	fingerprint := ""
	if !c.insecure {
		cert, fp, err := hubCertificate(dir, c.certFile, c.keyFile)
		if err != nil {
			return userError{sentence: e.tr.T("hub.cert_failed", err), err: err}
		}
		tlsCfg = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
		fingerprint = fp
	}
	ln, err := net.Listen("tcp", c.addr)
	if err != nil {
		return userError{sentence: e.tr.T("hub.listen_failed", c.addr, err), err: err}
	}
	if tlsCfg != nil {
		ln = tls.NewListener(ln, tlsCfg)
	}
	token, err := randomToken()
	if err != nil {
		return err
	}
	local := localURL(ln.Addr(), c.insecure)
	admin := filepath.Join(dir, adminFile)
	if err := writeAdminFile(admin, adminInfo{URL: local, Token: token, Fingerprint: fingerprint}); err != nil {
		return userError{sentence: e.tr.T("hub.admin_failed", admin, err), err: err}
	}
	defer os.Remove(admin)
	srv := &http.Server{
		Handler:           hub.NewServer(st, hub.Options{Province: c.province, Logger: e.log, Speed: speed.Handler(), AdminToken: token}),
		ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute,
	}
	out := cmd.OutOrStdout()
	printf(out, "%s\n", e.tr.T("hub.listening", local, name))
	if c.insecure {
		printf(out, "%s\n", e.tr.T("hub.insecure"))
	} else {
		printf(out, "%s\n", e.tr.T("hub.fingerprint", fingerprint))
	}
	e.log.Info("hub serving", "addr", ln.Addr().String(), "data", name, "province", c.province)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return userError{sentence: e.tr.T("hub.serve_failed", err), err: err}
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		e.log.Warn("hub shutdown", "err", err)
	}
	printf(out, "%s\n", e.tr.T("hub.stopped"))
	return nil
}

// hubCertificate loads the given certificate, or the hub's own beside its
// data, made on first use.
func hubCertificate(dir, certFile, keyFile string) (tls.Certificate, string, error) {
	if certFile == "" {
		return hub.LoadOrCreateCert(dir)
	}
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return tls.Certificate{}, "", err
	}
	return cert, hub.Fingerprint(cert.Certificate[0]), nil
}

// localURL is how commands on this machine reach a hub listening at addr.
func localURL(addr net.Addr, insecure bool) string {
	scheme := "https"
	if insecure {
		scheme = "http"
	}
	host, port, _ := net.SplitHostPort(addr.String())
	if ip := net.ParseIP(host); ip == nil || ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	return scheme + "://" + net.JoinHostPort(host, port)
}

// randomToken is 256 random bits, base64url.
func randomToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("random token: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// writeAdminFile writes the admin file readable by its owner only.
func writeAdminFile(path string, info adminInfo) error {
	data, err := json.Marshal(info)
	if err != nil {
		return err
	}
	return os.WriteFile(path, data, 0o600)
}
