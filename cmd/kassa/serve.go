package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/spf13/cobra"

	"github.com/kassapay/kassa/internal/api"
	"github.com/kassapay/kassa/internal/clientip"
	"github.com/kassapay/kassa/internal/gateway"
	"github.com/kassapay/kassa/internal/jobs"
)

func (c *cli) serveCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "serve",
		Short: "Run the gateway: HTTP API and background workers",
		Long: "Starts Kassa. With no configuration it uses an embedded SQLite database in ./kassa-data and, on the very " +
			"first start, creates a sandbox merchant and prints its keys once. KASSA_DATABASE_URL=postgres://… runs on " +
			"PostgreSQL; any number of instances may share one database.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return c.serve(cmd.Context()) },
	}
}

func (c *cli) serve(ctx context.Context) error {
	e, err := c.open(ctx, true)
	if err != nil {
		return err
	}
	defer e.Close()
	cfg := e.cfg

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s (%s): %w", cfg.Addr, "KASSA_ADDR", err)
	}
	defer ln.Close()
	// With port 0 the system picks the port; links must carry the real one unless KASSA_BASE_URL says otherwise.
	if _, port, _ := net.SplitHostPort(cfg.Addr); port == "0" && strings.HasSuffix(cfg.BaseURL, ":0") {
		_, real, _ := net.SplitHostPort(ln.Addr().String())
		cfg.BaseURL = strings.TrimSuffix(cfg.BaseURL, "0") + real
	}

	if err := c.firstStart(ctx, e); err != nil {
		return err
	}

	var queueRunning atomic.Bool
	if cfg.Role.RunsWorker() {
		// The queue outlives the signal that cancels ctx: shutdown stops it explicitly, letting running jobs finish.
		if err := e.store.Jobs().Start(context.WithoutCancel(ctx)); err != nil {
			return fmt.Errorf("start job workers: %w", err)
		}
		queueRunning.Store(true)
	}
	queueStatus := func() string {
		switch {
		case !cfg.Role.RunsWorker():
			return "not_running_here"
		case queueRunning.Load():
			return "running"
		}
		return "stopped"
	}

	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	srv := api.New(api.Options{
		Gateway: e.gw, Logger: e.log, Registry: reg, Version: version, QueueStatus: queueStatus,
		MaxBodyBytes: cfg.MaxBodyBytes, JobKinds: jobs.Kinds(), ClientIP: clientip.New(cfg.TrustedProxies),
		RateLimits: api.RateLimits{
			WritePerSecond: cfg.RateLimits.WritePerSecond, WritePerHour: cfg.RateLimits.WritePerHour,
			ReadPerSecond: cfg.RateLimits.ReadPerSecond, PublicPerSecond: cfg.RateLimits.PublicPerSecond,
		},
	})
	var handler http.Handler = srv
	if !cfg.Role.RunsAPI() {
		handler = srv.OpsHandler()
	}
	httpSrv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(e.log.Handler(), slog.LevelWarn),
	}
	e.log.Info("kassa listening", "addr", ln.Addr().String(), "base_url", cfg.BaseURL, "database", e.store.Dialect(),
		"role", string(cfg.Role), "version", version)
	fmt.Fprintf(c.stdout, "Kassa %s is listening on http://%s (API reference: %s/docs)\n", version, ln.Addr(), cfg.BaseURL)

	serveErr := make(chan error, 1)
	go func() { serveErr <- httpSrv.Serve(ln) }()

	select {
	case err := <-serveErr:
		return fmt.Errorf("http server: %w", err)
	case <-ctx.Done():
	}
	e.log.Info("shutting down: draining HTTP requests and running jobs", "timeout", cfg.ShutdownTimeout.String())
	shutdownCtx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	var errs []error
	if err := httpSrv.Shutdown(shutdownCtx); err != nil {
		errs = append(errs, fmt.Errorf("http shutdown: %w", err))
	}
	if queueRunning.Load() {
		if err := e.store.Jobs().Stop(shutdownCtx); err != nil {
			errs = append(errs, fmt.Errorf("job workers shutdown: %w", err))
		}
		queueRunning.Store(false)
	}
	if err := <-serveErr; err != nil && !errors.Is(err, http.ErrServerClosed) {
		errs = append(errs, err)
	}
	e.log.Info("kassa stopped")
	return errors.Join(errs...)
}

// firstStart creates the sandbox merchant on an instance's first start and prints its secrets, once.
func (c *cli) firstStart(ctx context.Context, e *env) error {
	creds, merchantID, err := e.gw.Bootstrap(ctx)
	if err != nil {
		return err
	}
	if creds == nil {
		e.log.Info("sandbox merchant exists; its keys were printed on the first start",
			"merchant_id", merchantID, "roll_keys", "kassa keys roll --merchant "+merchantID)
		return nil
	}
	printCredentials(c.stdout, "Kassa created a sandbox merchant on its first start.", *creds)
	return nil
}

func printCredentials(w io.Writer, headline string, creds gateway.Credentials) {
	fmt.Fprintf(w, "\n%s These secrets are shown ONCE; store them now.\n\n", headline)
	fmt.Fprintf(w, "  Merchant:              %s (%s)\n", creds.Merchant.ID, creds.Merchant.Name)
	for _, k := range creds.Keys {
		mode := "test"
		if k.Livemode {
			mode = "live"
		}
		fmt.Fprintf(w, "  %-22s %s\n", fmt.Sprintf("%s %s key:", titleMode(mode), k.Kind), k.Secret)
	}
	if creds.DashboardEmail != "" {
		fmt.Fprintf(w, "  Dashboard login:       %s / %s (at /dashboard)\n", creds.DashboardEmail, creds.DashboardPassword)
	}
	fmt.Fprintf(w, "\nLater starts will not print these again. Lost a key? Roll it: kassa keys roll --merchant %s\n\n", creds.Merchant.ID)
}

func titleMode(m string) string {
	if m == "live" {
		return "Live"
	}
	return "Test"
}
