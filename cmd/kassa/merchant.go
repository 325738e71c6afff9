package main

import (
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/kassapay/kassa/internal/gateway"
	"github.com/kassapay/kassa/internal/merchant"
)

func (c *cli) merchantCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "merchant", Short: "Create, list and configure merchants"}
	cmd.AddCommand(c.merchantCreateCmd(), c.merchantListCmd(), c.merchantUpdateCmd())
	return cmd
}

func (c *cli) merchantCreateCmd() *cobra.Command {
	var in gateway.NewMerchant
	cmd := &cobra.Command{
		Use:   "create --name NAME --email EMAIL [--live]",
		Short: "Create a merchant with test keys (and live keys with --live) and a dashboard user; prints the secrets once",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return c.withEnv(cmd, func(e *env) error {
				creds, err := e.gw.CreateMerchant(cmd.Context(), in)
				if err != nil {
					return err
				}
				printCredentials(c.stdout, "Merchant created.", creds)
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&in.Name, "name", "", "business name shown to customers (required)")
	cmd.Flags().StringVar(&in.Email, "email", "", "contact email, also the dashboard login (required)")
	cmd.Flags().BoolVar(&in.Live, "live", false, "also issue live-mode keys (needs KASSA_MASTER_KEY)")
	cmd.MarkFlagRequired("name")  //nolint:errcheck
	cmd.MarkFlagRequired("email") //nolint:errcheck
	return cmd
}

func (c *cli) merchantListCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List merchants",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return c.withEnv(cmd, func(e *env) error {
				ms, err := e.gw.ListMerchants(cmd.Context())
				if err != nil {
					return err
				}
				tw := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "ID\tNAME\tEMAIL\tSTATUS\tCREATED")
				for _, m := range ms {
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", m.ID, m.Name, m.Email, m.Status, m.CreatedAt.Format("2006-01-02 15:04"))
				}
				return tw.Flush()
			})
		},
	}
}

func (c *cli) merchantUpdateCmd() *cobra.Command {
	var id, status string
	var limits merchant.RateLimits
	var origins []string
	cmd := &cobra.Command{
		Use:   "update --merchant ID [--status active|inactive] [--write-per-second N] [--write-per-hour N] [--read-per-second N] [--allowed-origin URL…]",
		Short: "Change a merchant's status, rate limits (0 = instance default) or allowed checkout origins",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return c.withEnv(cmd, func(e *env) error {
				var p gateway.MerchantPatch
				if cmd.Flags().Changed("status") {
					st := merchant.Status(status)
					p.Status = &st
				}
				if cmd.Flags().Changed("write-per-second") || cmd.Flags().Changed("write-per-hour") || cmd.Flags().Changed("read-per-second") {
					cur, err := e.gw.GetMerchant(cmd.Context(), id)
					if err != nil {
						return err
					}
					l := cur.RateLimits
					if cmd.Flags().Changed("write-per-second") {
						l.WritePerSecond = limits.WritePerSecond
					}
					if cmd.Flags().Changed("write-per-hour") {
						l.WritePerHour = limits.WritePerHour
					}
					if cmd.Flags().Changed("read-per-second") {
						l.ReadPerSecond = limits.ReadPerSecond
					}
					p.RateLimits = &l
				}
				if cmd.Flags().Changed("allowed-origin") {
					p.CheckoutAllowedOrigins = &origins
				}
				m, err := e.gw.UpdateMerchant(cmd.Context(), id, p)
				if err != nil {
					return err
				}
				fmt.Fprintf(c.stdout, "%s updated: status=%s rate_limits=%+v checkout_allowed_origins=%v\n", m.ID, m.Status, m.RateLimits, m.CheckoutAllowedOrigins)
				return nil
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&id, "merchant", "", "merchant id, mer_… (required)")
	f.StringVar(&status, "status", "", "active or inactive (inactive merchants' keys get 403)")
	f.IntVar(&limits.WritePerSecond, "write-per-second", 0, "write requests per second (0 = instance default)")
	f.IntVar(&limits.WritePerHour, "write-per-hour", 0, "write requests per hour (0 = instance default)")
	f.IntVar(&limits.ReadPerSecond, "read-per-second", 0, "read requests per second (0 = instance default)")
	f.StringArrayVar(&origins, "allowed-origin", nil, "allowed checkout origin; repeat for several; replaces the list")
	cmd.MarkFlagRequired("merchant") //nolint:errcheck
	return cmd
}
