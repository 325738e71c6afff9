package main

import (
	"context"
	"io"
	"log/slog"
	"strings"

	"github.com/kassapay/kassa/internal/config"
	"github.com/kassapay/kassa/internal/logging"
)

func newLogger(w io.Writer, cfg *config.Config) *slog.Logger {
	return logging.New(w, cfg.LogFormat, cfg.LogLevel)
}

// riverLogger quiets River's own informational chatter: its warnings and errors still reach the log, except the
// "context canceled" errors its maintenance services log when Stop interrupts them, which are a normal shutdown.
func riverLogger(log *slog.Logger) *slog.Logger {
	return slog.New(minLevel{Handler: log.Handler(), min: slog.LevelWarn}).With("component", "river")
}

type minLevel struct {
	slog.Handler
	min slog.Level
}

func (h minLevel) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= h.min && h.Handler.Enabled(ctx, l)
}

func (h minLevel) Handle(ctx context.Context, r slog.Record) error {
	canceled := false
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == "error" || a.Key == "err" {
			canceled = strings.Contains(a.Value.String(), context.Canceled.Error())
		}
		return !canceled
	})
	if canceled {
		return nil
	}
	return h.Handler.Handle(ctx, r)
}

func (h minLevel) WithAttrs(attrs []slog.Attr) slog.Handler {
	return minLevel{Handler: h.Handler.WithAttrs(attrs), min: h.min}
}

func (h minLevel) WithGroup(name string) slog.Handler {
	return minLevel{Handler: h.Handler.WithGroup(name), min: h.min}
}
