package main

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kassapay/kassa/internal/id"
)

func (c *cli) userCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "user", Short: "Manage dashboard users: reset a password, add an operator"}
	cmd.AddCommand(c.userResetPasswordCmd(), c.userAddOperatorCmd())
	return cmd
}

// readPassword takes a password from the first line of stdin (--password-stdin) or makes one; it reports whether
// it made it (then it must be printed once).
func readPassword(in io.Reader, fromStdin bool) (string, bool, error) {
	if !fromStdin {
		return id.Random(20), true, nil
	}
	line, err := bufio.NewReader(in).ReadString('\n')
	if err != nil && err != io.EOF {
		return "", false, fmt.Errorf("read the password from stdin: %w", err)
	}
	return strings.TrimRight(line, "\r\n"), false, nil
}

func (c *cli) userResetPasswordCmd() *cobra.Command {
	var email string
	var fromStdin bool
	cmd := &cobra.Command{
		Use:   "reset-password --email EMAIL [--password-stdin]",
		Short: "Set a dashboard user's password (generated and printed once unless given on stdin); signs the user out everywhere and lifts a lock-out",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			password, generated, err := readPassword(cmd.InOrStdin(), fromStdin)
			if err != nil {
				return err
			}
			return c.withEnv(cmd, func(e *env) error {
				u, err := e.gw.ResetPassword(cmd.Context(), email, password)
				if err != nil {
					return err
				}
				fmt.Fprintf(c.stdout, "Password of %s reset; its dashboard sessions ended.\n", u.Email)
				if generated {
					fmt.Fprintf(c.stdout, "New password (shown once): %s\n", password)
				}
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&email, "email", "", "the user's email (required)")
	cmd.Flags().BoolVar(&fromStdin, "password-stdin", false, "read the new password (at least 12 characters) from the first line of stdin")
	cmd.MarkFlagRequired("email") //nolint:errcheck
	return cmd
}

func (c *cli) userAddOperatorCmd() *cobra.Command {
	var email string
	var fromStdin bool
	cmd := &cobra.Command{
		Use:   "add-operator --email EMAIL [--password-stdin]",
		Short: "Add an operator: a dashboard user who sees every merchant and can redeliver webhooks and disable endpoints",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			password, generated, err := readPassword(cmd.InOrStdin(), fromStdin)
			if err != nil {
				return err
			}
			return c.withEnv(cmd, func(e *env) error {
				u, err := e.gw.CreateOperator(cmd.Context(), email, password)
				if err != nil {
					return err
				}
				fmt.Fprintf(c.stdout, "Operator %s added (%s).\n", u.Email, u.ID)
				if generated {
					fmt.Fprintf(c.stdout, "Password (shown once): %s\n", password)
				}
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&email, "email", "", "the operator's email (required)")
	cmd.Flags().BoolVar(&fromStdin, "password-stdin", false, "read the password (at least 12 characters) from the first line of stdin")
	cmd.MarkFlagRequired("email") //nolint:errcheck
	return cmd
}
