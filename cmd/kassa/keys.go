package main

import (
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/kassapay/kassa/internal/merchant"
)

func (c *cli) keysCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "keys", Short: "List, roll and revoke a merchant's API keys"}
	cmd.AddCommand(c.keysRollCmd(), c.keysListCmd(), c.keysRevokeCmd())
	return cmd
}

func (c *cli) keysRollCmd() *cobra.Command {
	var merchantID, kind, mode string
	var grace time.Duration
	cmd := &cobra.Command{
		Use:   "roll --merchant ID [--kind secret|publishable] [--mode test|live] [--grace 24h]",
		Short: "Issue a new key and retire the current ones after a grace period; prints the new key once",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if mode != "test" && mode != "live" {
				return fmt.Errorf("--mode must be test or live, not %q", mode)
			}
			return c.withEnv(cmd, func(e *env) error {
				k, err := e.gw.RollKey(cmd.Context(), merchantID, merchant.KeyKind(kind), mode == "live", grace)
				if err != nil {
					return err
				}
				fmt.Fprintf(c.stdout, "New %s %s key (shown once): %s\n", mode, kind, k.Secret)
				if grace > 0 {
					fmt.Fprintf(c.stdout, "The previous %s %s keys keep working until %s.\n", mode, kind, k.CreatedAt.Add(grace).Format(time.RFC3339))
				} else {
					fmt.Fprintf(c.stdout, "The previous %s %s keys stopped working.\n", mode, kind)
				}
				return nil
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&merchantID, "merchant", "", "merchant id, mer_… (required)")
	f.StringVar(&kind, "kind", "secret", "secret or publishable")
	f.StringVar(&mode, "mode", "test", "test or live")
	f.DurationVar(&grace, "grace", 0, "how long the old keys keep working (e.g. 24h; at most 168h)")
	cmd.MarkFlagRequired("merchant") //nolint:errcheck
	return cmd
}

func (c *cli) keysListCmd() *cobra.Command {
	var merchantID string
	cmd := &cobra.Command{
		Use:   "list --merchant ID",
		Short: "List a merchant's keys (never their secrets)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return c.withEnv(cmd, func(e *env) error {
				keys, err := e.gw.ListKeys(cmd.Context(), merchantID)
				if err != nil {
					return err
				}
				now := time.Now()
				tw := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "ID\tKEY\tSTATE\tCREATED")
				for _, k := range keys {
					state := "active"
					switch {
					case k.RevokedAt != nil:
						state = "revoked"
					case k.ExpiresAt != nil && !k.Usable(now):
						state = "expired"
					case k.ExpiresAt != nil:
						state = "expires " + k.ExpiresAt.Format(time.RFC3339)
					}
					fmt.Fprintf(tw, "%s\t%s…%s\t%s\t%s\n", k.ID, merchant.Prefix(k.Kind, k.Livemode), k.Hint, state, k.CreatedAt.Format(time.RFC3339))
				}
				return tw.Flush()
			})
		},
	}
	cmd.Flags().StringVar(&merchantID, "merchant", "", "merchant id, mer_… (required)")
	cmd.MarkFlagRequired("merchant") //nolint:errcheck
	return cmd
}

func (c *cli) keysRevokeCmd() *cobra.Command {
	var merchantID, keyID string
	cmd := &cobra.Command{
		Use:   "revoke --merchant ID --key KEY_ID",
		Short: "Stop a key at once",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return c.withEnv(cmd, func(e *env) error {
				if err := e.gw.RevokeKey(cmd.Context(), merchantID, keyID); err != nil {
					return err
				}
				fmt.Fprintf(c.stdout, "%s revoked\n", keyID)
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&merchantID, "merchant", "", "merchant id, mer_… (required)")
	cmd.Flags().StringVar(&keyID, "key", "", "key id, key_… (required)")
	cmd.MarkFlagRequired("merchant") //nolint:errcheck
	cmd.MarkFlagRequired("key")      //nolint:errcheck
	return cmd
}
