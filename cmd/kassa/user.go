package main

import (
	"bufio"
	"context"
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
	return c.userPasswordCmd("reset-password --email EMAIL [--password-stdin]",
		"Set a dashboard user's password (generated and printed once unless given on stdin); signs the user out everywhere and lifts a lock-out",
		"the user's email (required)", "read the new password (at least 12 characters) from the first line of stdin",
		func(ctx context.Context, e *env, email, password string, generated bool) error {
			u, err := e.gw.ResetPassword(ctx, email, password)
			if err != nil {
				return err
			}
			fmt.Fprintf(c.stdout, "Password of %s reset; its dashboard sessions ended.\n", u.Email)
			if generated {
				fmt.Fprintf(c.stdout, "New password (shown once): %s\n", password)
			}
			return nil
		})
}

func (c *cli) userAddOperatorCmd() *cobra.Command {
	return c.userPasswordCmd("add-operator --email EMAIL [--password-stdin]",
		"Add an operator: a dashboard user who sees every merchant and can redeliver webhooks and disable endpoints",
		"the operator's email (required)", "read the password (at least 12 characters) from the first line of stdin",
		func(ctx context.Context, e *env, email, password string, generated bool) error {
			u, err := e.gw.CreateOperator(ctx, email, password)
			if err != nil {
				return err
			}
			fmt.Fprintf(c.stdout, "Operator %s added (%s).\n", u.Email, u.ID)
			if generated {
				fmt.Fprintf(c.stdout, "Password (shown once): %s\n", password)
			}
			return nil
		})
}

// userPasswordCmd is a user subcommand that takes --email and a password (generated, or the first line of stdin with
// --password-stdin) and runs act with them.
func (c *cli) userPasswordCmd(use, short, emailUsage, stdinUsage string, act func(ctx context.Context, e *env, email, password string, generated bool) error) *cobra.Command {
	var email string
	var fromStdin bool
	cmd := &cobra.Command{
		Use:   use,
		Short: short,
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			password, generated, err := readPassword(cmd.InOrStdin(), fromStdin)
			if err != nil {
				return err
			}
			return c.withEnv(cmd, func(e *env) error { return act(cmd.Context(), e, email, password, generated) })
		},
	}
	cmd.Flags().StringVar(&email, "email", "", emailUsage)
	cmd.Flags().BoolVar(&fromStdin, "password-stdin", false, stdinUsage)
	cmd.MarkFlagRequired("email") //nolint:errcheck
	return cmd
}
