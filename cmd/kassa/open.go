package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
	"github.com/spf13/cobra"

	"github.com/kassapay/kassa/internal/config"
	"github.com/kassapay/kassa/internal/crashpoint"
	"github.com/kassapay/kassa/internal/gateway"
	"github.com/kassapay/kassa/internal/jobs"
	"github.com/kassapay/kassa/internal/mail"
	"github.com/kassapay/kassa/internal/provider/sandbox"
	"github.com/kassapay/kassa/internal/sealed"
	"github.com/kassapay/kassa/internal/store"
	"github.com/kassapay/kassa/internal/store/postgres"
	"github.com/kassapay/kassa/internal/store/sqlite"
	"github.com/kassapay/kassa/internal/vault"
	"github.com/kassapay/kassa/internal/webhook"
)

// env is an opened instance: configuration, logger, migrated store, gateway and the (not yet started) job queue.
type env struct {
	cfg     *config.Config
	log     *slog.Logger
	store   store.Store
	gw      *gateway.Gateway
	workers *river.Workers
}

func (e *env) Close() { e.store.Close() }

// open loads the configuration, opens and migrates the database and builds the gateway. With serving, it is the
// server starting: the job client is configured to work jobs (started later by the caller) and a development master
// key is generated when none is configured. CLI commands never generate one, so a deploy job running `kassa migrate`
// leaves no stray key file behind.
func (c *cli) open(ctx context.Context, serving bool) (*env, error) {
	cfg, err := c.config()
	if err != nil {
		return nil, err
	}
	log := newLogger(c.stderr, cfg)
	if unknown := config.UnknownVariables(c.environ()); len(unknown) > 0 {
		log.Warn("ignoring unknown KASSA_* environment variables (typos?)", "names", unknown)
	}
	work := serving && cfg.Role.RunsWorker()
	if serving {
		warning, err := cfg.EnsureMasterKey()
		if err != nil {
			return nil, err
		}
		if warning != "" {
			log.Warn(warning)
		}
	}
	workers := river.NewWorkers()
	opts := store.Options{River: jobs.Config(workers, work, riverLogger(log))}
	var st store.Store
	switch cfg.Dialect() {
	case "postgres":
		opts.River.FetchPollInterval = jobs.ListenPollInterval
		st, err = postgres.Open(ctx, cfg.DatabaseURL, opts)
	default:
		st, err = sqlite.Open(ctx, cfg.SQLitePath(), opts)
	}
	if err != nil {
		return nil, err
	}
	if err := st.Migrate(ctx); err != nil {
		st.Close()
		return nil, fmt.Errorf("migrate %s database: %w", st.Dialect(), err)
	}
	var secrets, responses, credentials, codes *sealed.Box
	var cards *vault.Vault
	if cfg.MasterKey != nil {
		secrets, err = sealed.New(cfg.MasterKey, "webhook-secrets")
		if err == nil {
			responses, err = sealed.New(cfg.MasterKey, "idempotency-responses")
		}
		if err == nil {
			credentials, err = sealed.New(cfg.MasterKey, "payment-profile-credentials")
		}
		if err == nil {
			codes, err = sealed.New(cfg.MasterKey, "wallet-codes")
		}
		if err == nil {
			cards, err = vault.New(cfg.MasterKey)
		}
		if err != nil {
			st.Close()
			return nil, err
		}
	}
	gw := gateway.New(st, gateway.Options{
		Now: crashpoint.Clock(time.Now), Logger: log, LiveModeAvailable: cfg.MasterKey != nil && !cfg.MasterKeyGenerated, ResponseSecrets: responses,
		BaseURL: cfg.BaseURL,
		Payments: gateway.PaymentOptions{Provider: sandbox.New(sandbox.Options{UPIDelay: cfg.SandboxDelay}), Vault: cards, AsyncDelay: cfg.SandboxDelay,
			Credentials: credentials},
		Webhooks: gateway.WebhookOptions{
			Secrets: secrets, Schedule: webhook.Schedule(cfg.WebhookRetrySchedule), AllowedNetworks: cfg.WebhookAllowedNetworks,
		},
		Wallet: gateway.WalletOptions{Mail: mailSender(cfg.Mail), Codes: codes},
	})
	jobs.Register(workers, gw, log)
	return &env{cfg: cfg, log: log, store: st, gw: gw, workers: workers}, nil
}

// withEnv runs a CLI command's work against the opened instance (no job workers) and closes it afterwards.
func (c *cli) withEnv(cmd *cobra.Command, fn func(e *env) error) error {
	e, err := c.open(cmd.Context(), false)
	if err != nil {
		return err
	}
	defer e.Close()
	return fn(e)
}

// mailSender is the configured SMTP server as a mail.Sender: nil, not a nil *mail.SMTP, when there is none.
func mailSender(s *mail.SMTP) mail.Sender {
	if s == nil {
		return nil
	}
	return s
}
