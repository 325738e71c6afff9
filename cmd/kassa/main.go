// Command kassa is the Kassa payment gateway: one binary that serves the API, runs the background workers and
// manages merchants and keys. Run `kassa serve` to start; see README.md.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/kassapay/kassa/internal/config"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := newRootCmd(os.Stdout, os.Stderr, os.LookupEnv, os.Environ).ExecuteContext(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "kassa:", err)
		os.Exit(1)
	}
}

// cli carries what every subcommand needs: where to print, how to read the environment, and the flags that
// override it.
type cli struct {
	stdout, stderr io.Writer
	lookup         func(string) (string, bool)
	environ        func() []string
	flags          map[string]*string // KASSA_* name → flag value
	root           *cobra.Command
}

func newRootCmd(stdout, stderr io.Writer, lookup func(string) (string, bool), environ func() []string) *cobra.Command {
	c := &cli{stdout: stdout, stderr: stderr, lookup: lookup, environ: environ, flags: map[string]*string{}}
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
	for _, env := range config.Names() {
		if env == config.EnvMasterKey {
			continue // a secret on the command line shows in ps; use KASSA_MASTER_KEY or --master-key-file
		}
		name := strings.ReplaceAll(strings.ToLower(strings.TrimPrefix(env, "KASSA_")), "_", "-")
		c.flags[env] = pf.String(name, "", flagUsage[env]+" ["+env+"]")
	}
	root.AddCommand(c.serveCmd(), c.migrateCmd(), c.merchantCmd(), c.keysCmd(), c.adminKeyCmd(), c.profileCmd(), c.listenCmd(), c.triggerCmd(), c.benchCmd(),
		c.userCmd())
	return root
}

// flagUsage describes the flags; every KASSA_* setting has one (README: Configuration).
var flagUsage = map[string]string{
	config.EnvAddr:                            "listen address host:port (default 127.0.0.1:8080)",
	config.EnvBaseURL:                         "public URL used in links (default http://<addr>)",
	config.EnvDataDir:                         "directory of the embedded database and dev master key (default ./kassa-data)",
	config.EnvDatabaseURL:                     "sqlite://path or postgres://… (default sqlite://<data-dir>/kassa.db)",
	config.EnvDatabaseURL + config.FileSuffix: "file holding the database URL",
	config.EnvMasterKey + config.FileSuffix:   "file holding the 32-byte master key (base64 or hex)",
	config.EnvWebhookRetrySchedule:            "webhook delivery delays (default 0s,1m,5m,30m,2h,12h)",
	config.EnvWebhookAllowedNetworks:          "CIDRs webhooks may reach despite the SSRF guard",
	config.EnvRole:                            "what this instance runs: api, worker or all (default all)",
	config.EnvLogLevel:                        "debug, info, warn or error (default info)",
	config.EnvLogFormat:                       "json or text (default json; text on a terminal)",
	config.EnvShutdownTimeout:                 "graceful shutdown budget (default 30s)",
	config.EnvRateWritePerSecond:              "default write requests per second per merchant and mode (20)",
	config.EnvRateWritePerHour:                "default write requests per hour per merchant and mode (10000)",
	config.EnvRateReadPerSecond:               "default read requests per second per merchant and mode (100)",
	config.EnvRatePublicPerSecond:             "public endpoint requests per second per client IP (50)",
	config.EnvMaxBodyBytes:                    "largest accepted request body in bytes (1048576)",
	config.EnvSandboxDelay:                    "how long the sandbox takes to settle UPI and order payments (default 5s)",
	config.EnvTrustedProxies:                  "CIDRs of reverse proxies whose X-Forwarded-For names the client (default none)",
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
