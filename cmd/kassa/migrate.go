package main

import (
	"fmt"

	"github.com/spf13/cobra"
)

func (c *cli) migrateCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "migrate",
		Short: "Apply database migrations (Kassa's and the job queue's) and exit",
		Long:  "Applies every pending migration. `kassa serve` also migrates on start; run this to migrate explicitly before a deploy. Safe to run concurrently.",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return c.withEnv(cmd, func(e *env) error {
				fmt.Fprintf(c.stdout, "migrations applied (%s)\n", e.store.Dialect())
				return nil
			})
		},
	}
}
