package main

import (
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
)

func (c *cli) adminKeyCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "admin-key", Short: "Create, list and revoke the operator's admin API keys (/api/admin)"}
	cmd.AddCommand(c.adminKeyCreateCmd(), c.adminKeyListCmd(), c.adminKeyRevokeCmd())
	return cmd
}

func (c *cli) adminKeyCreateCmd() *cobra.Command {
	var description string
	cmd := &cobra.Command{
		Use:   "create [--description TEXT]",
		Short: "Create an admin key; prints it once (only its SHA-256 is stored)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return c.withEnv(cmd, func(e *env) error {
				k, secret, err := e.gw.CreateAdminKey(cmd.Context(), description)
				if err != nil {
					return err
				}
				fmt.Fprintf(c.stdout, "Admin key %s (shown once): %s\n", k.ID, secret)
				fmt.Fprintln(c.stdout, "It opens /api/admin/… on this instance: every shopper across every merchant. Keep it out of merchants' reach.")
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&description, "description", "", "what the key is for (at most 200 characters)")
	return cmd
}

func (c *cli) adminKeyListCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List the admin keys (never their secrets)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return c.withEnv(cmd, func(e *env) error {
				keys, err := e.gw.ListAdminKeys(cmd.Context())
				if err != nil {
					return err
				}
				tw := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "ID\tSTATE\tCREATED\tDESCRIPTION")
				for _, k := range keys {
					state := "active"
					if k.RevokedAt != nil {
						state = "revoked " + k.RevokedAt.Format(time.RFC3339)
					}
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", k.ID, state, k.CreatedAt.Format(time.RFC3339), k.Description)
				}
				return tw.Flush()
			})
		},
	}
}

func (c *cli) adminKeyRevokeCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "revoke KEY_ID",
		Short: "Revoke an admin key at once",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return c.withEnv(cmd, func(e *env) error {
				if err := e.gw.RevokeAdminKey(cmd.Context(), args[0]); err != nil {
					return err
				}
				fmt.Fprintf(c.stdout, "Admin key %s revoked.\n", args[0])
				return nil
			})
		},
	}
}
