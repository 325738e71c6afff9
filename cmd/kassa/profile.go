package main

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/kassapay/kassa/internal/gateway"
	"github.com/kassapay/kassa/internal/merchant"
)

func (c *cli) profileCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "profile", Short: "Add, list and disable a merchant's payment profiles (processor accounts)"}
	cmd.AddCommand(c.profileAddCmd(), c.profileListCmd(), c.profileDisableCmd())
	return cmd
}

// profileFlags are the flags that name a merchant's mode.
type profileFlags struct{ merchantID, mode string }

func (f *profileFlags) add(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.merchantID, "merchant", "", "merchant id, mer_… (required)")
	cmd.Flags().StringVar(&f.mode, "mode", "live", "test or live")
	cmd.MarkFlagRequired("merchant") //nolint:errcheck
}

// run runs act with the database open, acting for the flags' merchant and mode.
func (f *profileFlags) run(c *cli, cmd *cobra.Command, act func(e *env, a gateway.Auth) error) error {
	return c.withEnv(cmd, func(e *env) error {
		a, err := f.auth(cmd, e)
		if err != nil {
			return err
		}
		return act(e, a)
	})
}

func (f *profileFlags) auth(cmd *cobra.Command, e *env) (gateway.Auth, error) {
	if f.mode != "test" && f.mode != "live" {
		return gateway.Auth{}, fmt.Errorf("--mode must be test or live, not %q", f.mode)
	}
	return e.gw.OperatorAuth(cmd.Context(), f.merchantID, f.mode == "live")
}

func (c *cli) profileAddCmd() *cobra.Command {
	var f profileFlags
	var connector, name, methods, currencies, apiBaseURL string
	var hostedPage bool
	cmd := &cobra.Command{
		Use: "add --merchant ID [--mode live|test] --connector stripe --name NAME [--methods card] [--currencies USD,EUR] [--api-base-url URL] [--hosted-page]",
		Short: "Add a payment profile; a Stripe profile reads its secret key, then its webhook signing secret, from the lines of stdin " +
			"(never from a flag, which would land in the shell's history)",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			in := gateway.ProfileInput{Connector: connector, Name: name, Methods: splitList(methods), Currencies: splitList(currencies),
				HostedPage: &hostedPage}
			if apiBaseURL != "" {
				in.APIBaseURL = &apiBaseURL
			}
			if connector != string(merchant.ConnectorSandbox) {
				creds, err := readCredentials(cmd.InOrStdin())
				if err != nil {
					return err
				}
				in.Credentials = &creds
			}
			return f.run(c, cmd, func(e *env, a gateway.Auth) error {
				p, err := e.gw.CreatePaymentProfile(cmd.Context(), a, in)
				if err != nil {
					return err
				}
				fmt.Fprintf(c.stdout, "Payment profile %s added (%s, %s mode", p.ID, p.Connector, f.mode)
				if p.CredentialsHint != "" {
					fmt.Fprintf(c.stdout, ", secret key …%s", p.CredentialsHint)
				}
				fmt.Fprintln(c.stdout, ").")
				return nil
			})
		},
	}
	f.add(cmd)
	fl := cmd.Flags()
	fl.StringVar(&connector, "connector", "stripe", "stripe, or sandbox (test mode only)")
	fl.StringVar(&name, "name", "", "a name to tell the profile by (required)")
	fl.StringVar(&methods, "methods", "card", "comma-separated methods the profile serves")
	fl.StringVar(&currencies, "currencies", "", "comma-separated ISO 4217 currencies it serves (default: every currency)")
	fl.StringVar(&apiBaseURL, "api-base-url", "", "the processor's API address (default: its own; e.g. a local stripe-mock)")
	fl.BoolVar(&hostedPage, "hosted-page", false, "stripe: take checkout sessions on Stripe Checkout, the processor's own page, instead of Kassa's card form")
	cmd.MarkFlagRequired("name") //nolint:errcheck
	return cmd
}

// readCredentials reads a secret key and an optional webhook signing secret from the first two lines of r.
func readCredentials(r io.Reader) (merchant.Credentials, error) {
	sc := bufio.NewScanner(r)
	var lines []string
	for len(lines) < 2 && sc.Scan() {
		lines = append(lines, strings.TrimSpace(sc.Text()))
	}
	if err := sc.Err(); err != nil {
		return merchant.Credentials{}, fmt.Errorf("read the credentials from stdin: %w", err)
	}
	if len(lines) == 0 || lines[0] == "" {
		return merchant.Credentials{}, fmt.Errorf("give the secret key on the first line of stdin (and the webhook signing secret on the second)")
	}
	c := merchant.Credentials{SecretKey: lines[0]}
	if len(lines) > 1 {
		c.WebhookSecret = lines[1]
	}
	return c, nil
}

func splitList(s string) []string {
	var out []string
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

func (c *cli) profileListCmd() *cobra.Command {
	var f profileFlags
	cmd := &cobra.Command{
		Use:   "list --merchant ID [--mode live|test]",
		Short: "List a merchant's payment profiles (never their credentials)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return f.run(c, cmd, func(e *env, a gateway.Auth) error {
				ps, err := e.gw.ListPaymentProfiles(cmd.Context(), a)
				if err != nil {
					return err
				}
				tw := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "ID\tCONNECTOR\tNAME\tSTATUS\tMETHODS\tCURRENCIES\tKEY\tCREATED")
				for _, p := range ps {
					cur, key := strings.Join(p.Currencies, ","), "-"
					if cur == "" {
						cur = "any"
					}
					if p.CredentialsHint != "" {
						key = "…" + p.CredentialsHint
					}
					created := "-"
					if !p.CreatedAt.IsZero() {
						created = p.CreatedAt.Format(time.RFC3339)
					}
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", p.ID, p.Connector, p.Name, p.Status, strings.Join(p.Methods, ","), cur, key, created)
				}
				return tw.Flush()
			})
		},
	}
	f.add(cmd)
	return cmd
}

func (c *cli) profileDisableCmd() *cobra.Command {
	var f profileFlags
	cmd := &cobra.Command{
		Use:   "disable --merchant ID [--mode live|test] PROFILE_ID",
		Short: "Stop routing payments to a profile; the payments it took keep working (captures, refunds)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return f.run(c, cmd, func(e *env, a gateway.Auth) error {
				p, err := e.gw.UpdatePaymentProfile(cmd.Context(), a, args[0], gateway.ProfileInput{Status: string(merchant.ProfileDisabled)})
				if err != nil {
					return err
				}
				fmt.Fprintf(c.stdout, "Payment profile %s disabled.\n", p.ID)
				return nil
			})
		},
	}
	f.add(cmd)
	return cmd
}
