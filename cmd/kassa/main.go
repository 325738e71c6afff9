// Command kassa is the Kassa payment gateway: one binary that serves the API, runs the background workers and
// manages merchants and keys. Run `kassa serve` to start; see README.md.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/kassapay/kassa/internal/config"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := newRootCmd(os.Stdout, os.Stderr, os.LookupEnv).ExecuteContext(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "kassa:", err)
		os.Exit(1)
	}
}

// cli carries what every subcommand needs: where to print, how to read the environment, and the flags that
// override it.
type cli struct {
	stdout, stderr io.Writer
	lookup         func(string) (string, bool)
	flags          map[string]*string // KASSA_* name → flag value
	root           *cobra.Command
}

func newRootCmd(stdout, stderr io.Writer, lookup func(string) (string, bool)) *cobra.Command {
	c := &cli{stdout: stdout, stderr: stderr, lookup: lookup, flags: map[string]*string{}}
	root := &cobra.Command{
		Use:           "kassa",
		Short:         "Kassa, a self-hostable payment gateway",
		Long:          "Kassa is a self-hostable payment gateway in one binary. Every flag also has a KASSA_* environment variable; flags win.",
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       version,
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	c.root = root
	pf := root.PersistentFlags()
	for _, f := range []struct{ name, env, usage string }{
		{"addr", config.EnvAddr, "listen address host:port (default 127.0.0.1:8080)"},
		{"base-url", config.EnvBaseURL, "public URL used in links (default http://<addr>)"},
		{"data-dir", config.EnvDataDir, "directory of the embedded database and dev master key (default ./kassa-data)"},
		{"database-url", config.EnvDatabaseURL, "sqlite://path or postgres://… (default sqlite://<data-dir>/kassa.db)"},
		{"role", config.EnvRole, "what this instance runs: api, worker or all (default all)"},
		{"log-level", config.EnvLogLevel, "debug, info, warn or error (default info)"},
		{"log-format", config.EnvLogFormat, "json or text (default json; text on a terminal)"},
	} {
		c.flags[f.env] = pf.String(f.name, "", f.usage+" ["+f.env+"]")
	}
	root.AddCommand(c.serveCmd(), c.migrateCmd(), c.merchantCmd(), c.keysCmd())
	return root
}

// config loads the configuration: environment, then flags that were set.
func (c *cli) config() (*config.Config, error) {
	overrides := map[string]string{}
	for env, v := range c.flags {
		if *v != "" {
			overrides[env] = *v
		}
	}
	isTerminal := false
	if f, ok := c.stderr.(*os.File); ok {
		if st, err := f.Stat(); err == nil {
			isTerminal = st.Mode()&os.ModeCharDevice != 0
		}
	}
	return config.Load(c.lookup, overrides, isTerminal)
}
