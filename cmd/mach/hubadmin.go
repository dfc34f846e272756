package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"mach/checks/profile"
	"mach/checks/survey"
	"mach/checks/units"
	"mach/sync/client"
	"mach/sync/protocol"
)

// adminClient reaches the hub serving the data file beside which it keeps
// its admin file.
func adminClient(e env) (*client.Client, error) {
	path, err := hubDataPath()
	if err != nil {
		return nil, userError{sentence: e.tr.T("cli.no_data_dir", err), err: err}
	}
	file := filepath.Join(filepath.Dir(path), adminFile)
	data, err := os.ReadFile(file)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, userError{sentence: e.tr.T("hub.not_running", path), err: err}
	}
	if err != nil {
		return nil, userError{sentence: e.tr.T("hub.admin_failed", file, err), err: err}
	}
	var info adminInfo
	if err := json.Unmarshal(data, &info); err != nil {
		return nil, userError{sentence: e.tr.T("hub.admin_failed", file, err), err: err}
	}
	c, err := client.New(client.Options{HubURL: info.URL, Token: info.Token, Fingerprint: info.Fingerprint,
		Timeout: 30 * time.Second, Logger: e.log})
	if err != nil {
		return nil, userError{sentence: e.tr.T("hub.admin_failed", file, err), err: err}
	}
	return c, nil
}

// adminError says in plain words why the running hub did not answer.
func adminError(e env, err error) error {
	if errors.Is(err, client.ErrUnreachable) {
		return userError{sentence: e.tr.T("hub.unreachable_local"), err: err}
	}
	return userError{sentence: e.tr.T("hub.admin_error", err), err: err}
}

// adminCommand builds a hub subcommand that talks to the running hub.
func adminCommand(use, short string, args cobra.PositionalArgs, run func(cmd *cobra.Command, e env, c *client.Client, args []string) error) *cobra.Command {
	return &cobra.Command{
		Use:   use,
		Short: short,
		Args:  args,
		RunE: func(cmd *cobra.Command, args []string) error {
			e, err := newEnv()
			if err != nil {
				return err
			}
			defer e.close()
			c, err := adminClient(e)
			if err != nil {
				return err
			}
			return run(cmd, e, c, args)
		},
	}
}

func newHubEnrollCommand() *cobra.Command {
	var unit string
	var ttl time.Duration
	tr := translatorForError()
	cmd := adminCommand("enroll", tr.T("hub.enroll_short"), cobra.NoArgs, func(cmd *cobra.Command, e env, c *client.Client, _ []string) error {
		dir, err := units.Load()
		if err != nil {
			return userError{sentence: e.tr.T("cli.bad_units", err), err: err}
		}
		u, ok := dir.Unit(unit)
		if !ok {
			return userError{sentence: e.tr.T("hub.unknown_unit", unit)}
		}
		code, err := c.NewCode(cmd.Context(), unit, ttl)
		if err != nil {
			return adminError(e, err)
		}
		out := cmd.OutOrStdout()
		printf(out, "%s\n", e.tr.T("hub.code", u.Name, u.Code, code.Code, e.tr.DateTime(code.Expires)))
		printf(out, "%s\n", e.tr.T("hub.code_howto", code.Code))
		return nil
	})
	cmd.Flags().StringVar(&unit, "unit", "", tr.T("hub.flag_unit"))
	cmd.Flags().DurationVar(&ttl, "ttl", 72*time.Hour, tr.T("hub.flag_ttl"))
	cmd.MarkFlagRequired("unit")
	return cmd
}

func newHubDevicesCommand() *cobra.Command {
	tr := translatorForError()
	return adminCommand("devices", tr.T("hub.devices_short"), cobra.NoArgs, func(cmd *cobra.Command, e env, c *client.Client, _ []string) error {
		devs, err := c.Devices(cmd.Context())
		if err != nil {
			return adminError(e, err)
		}
		tw := tabwriter.NewWriter(cmd.OutOrStdout(), 2, 4, 2, ' ', 0)
		fmt.Fprintln(tw, e.tr.T("hub.devices_header"))
		for _, d := range devs {
			state := e.tr.T("hub.device_active")
			if !d.Revoked.IsZero() {
				state = e.tr.T("hub.device_revoked", e.tr.DateTime(d.Revoked))
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", d.ID, d.Unit, d.Name, e.tr.DateTime(d.Enrolled), state)
		}
		return tw.Flush()
	})
}

func newHubRevokeCommand() *cobra.Command {
	tr := translatorForError()
	return adminCommand("revoke DEVICE", tr.T("hub.revoke_short"), cobra.ExactArgs(1), func(cmd *cobra.Command, e env, c *client.Client, args []string) error {
		if err := c.Revoke(cmd.Context(), args[0]); err != nil {
			var he *client.HubError
			if errors.As(err, &he) && he.Body.Code == protocol.CodeNotFound {
				return userError{sentence: e.tr.T("hub.no_device", args[0]), err: err}
			}
			return adminError(e, err)
		}
		printf(cmd.OutOrStdout(), "%s\n", e.tr.T("hub.revoked", args[0]))
		return nil
	})
}

func newHubTokenCommand() *cobra.Command {
	var name string
	tr := translatorForError()
	cmd := adminCommand("token", tr.T("hub.token_short"), cobra.NoArgs, func(cmd *cobra.Command, e env, c *client.Client, _ []string) error {
		if strings.TrimSpace(name) == "" {
			return userError{sentence: e.tr.T("hub.token_name")}
		}
		token, err := c.CoordinatorToken(cmd.Context(), name)
		if err != nil {
			return adminError(e, err)
		}
		printf(cmd.OutOrStdout(), "%s\n", token)
		return nil
	})
	cmd.Flags().StringVar(&name, "coordinator", "", tr.T("hub.flag_coordinator"))
	return cmd
}

func newHubPublishCommand() *cobra.Command {
	var checklistFile, profileFile string
	tr := translatorForError()
	cmd := adminCommand("publish", tr.T("publish.short"), cobra.NoArgs, func(cmd *cobra.Command, e env, c *client.Client, _ []string) error {
		if (checklistFile == "") == (profileFile == "") {
			return userError{sentence: e.tr.T("publish.one_file")}
		}
		doc, err := readDocument(e, checklistFile, profileFile)
		if err != nil {
			return err
		}
		if err := c.Publish(cmd.Context(), doc); err != nil {
			return adminError(e, err)
		}
		printf(cmd.OutOrStdout(), "%s\n", e.tr.T("publish.done_"+doc.Kind, doc.ID, doc.Version))
		return nil
	})
	cmd.Flags().StringVar(&checklistFile, "checklist", "", tr.T("publish.flag_checklist"))
	cmd.Flags().StringVar(&profileFile, "profile", "", tr.T("publish.flag_profile"))
	return cmd
}

// readDocument reads the checklist or the profile to publish, whichever file
// is given, and checks it as the laptops will: a broken one is refused with
// its file, line and reason.
func readDocument(e env, checklistFile, profileFile string) (protocol.Document, error) {
	doc := protocol.Document{Kind: protocol.DocChecklist}
	file := checklistFile
	if profileFile != "" {
		doc.Kind, file = protocol.DocProfile, profileFile
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return doc, userError{sentence: e.tr.T("publish.unreadable", file, err), err: err}
	}
	doc.Data = data
	if doc.Kind == protocol.DocChecklist {
		var c *survey.Checklist
		if c, err = survey.Parse(file, data); err == nil {
			doc.ID, doc.Version = c.ID, c.Version
		}
	} else {
		var p *profile.Profile
		if p, err = profile.Parse(file, data); err == nil {
			doc.ID, doc.Version = p.ID, p.Version
		}
	}
	if err != nil {
		return doc, userError{sentence: e.tr.T("publish.broken", e.tr.Error(err)), err: err}
	}
	return doc, nil
}
