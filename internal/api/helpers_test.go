package api_test

import (
	"io"
	"log/slog"

	"github.com/kassapay/kassa/internal/logging"
)

func newTestLogger(w io.Writer) *slog.Logger { return logging.New(w, "json", nil) }
