package logging

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// scenario logs one record through New(…, "json", …) and states the decoded line, without its time.
type scenario struct {
	name string
	log  func(l *slog.Logger)
	want map[string]any
}

func (sc scenario) run(t *testing.T) string {
	t.Helper()
	var buf bytes.Buffer
	sc.log(New(&buf, "json", slog.LevelDebug))
	line := buf.String()
	var got map[string]any
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatalf("decoding %q: %v", line, err)
	}
	delete(got, "time")
	if diff := cmp.Diff(sc.want, got); diff != "" {
		t.Errorf("logged line mismatch (-want +got):\n%s", diff)
	}
	return line
}

// assertNoTestPAN fails the test if line holds any form of a test card number, or any other card-number-like run.
func assertNoTestPAN(t *testing.T, line string) {
	t.Helper()
	for _, c := range testPANs {
		for _, form := range []string{c.pan, c.spaced, c.dashed} {
			if strings.Contains(line, form) {
				t.Errorf("logged line %q contains the card number %q", line, form)
			}
		}
	}
	if runs := luhnRuns(line); len(runs) > 0 {
		t.Errorf("logged line %q contains the card-number-like runs %q", line, runs)
	}
}

type cardStringer string

func (c cardStringer) String() string { return "card " + string(c) }

type cardValuer struct{ pan string }

func (c cardValuer) LogValue() slog.Value {
	return slog.GroupValue(slog.String("brand", "visa"), slog.String("display", c.pan))
}

type providerError struct{ detail string }

func (e *providerError) Error() string { return "provider: " + e.detail }

var errDeclined = errors.New("declined")

func TestNewRedactsCardNumbers(t *testing.T) {
	t.Parallel()

	tests := []scenario{
		{
			name: "message",
			log:  func(l *slog.Logger) { l.Info("charge 4242424242424242 declined") },
			want: map[string]any{"level": "INFO", "msg": "charge [card ****4242] declined"},
		},
		{
			name: "spaced string attribute",
			log:  func(l *slog.Logger) { l.Info("declined", "display", "5555 5555 5555 4444") },
			want: map[string]any{"level": "INFO", "msg": "declined", "display": "[card ****4444]"},
		},
		{
			name: "dashed value in nested groups",
			log: func(l *slog.Logger) {
				l.Warn("declined", slog.Group("payment", slog.Group("source", slog.String("raw", "3782-822463-10005"))))
			},
			want: map[string]any{"level": "WARN", "msg": "declined",
				"payment": map[string]any{"source": map[string]any{"raw": "[card ****0005]"}}},
		},
		{
			name: "inlined group",
			log:  func(l *slog.Logger) { l.Info("declined", slog.Group("", slog.String("raw", "6011111111111117"))) },
			want: map[string]any{"level": "INFO", "msg": "declined", "raw": "[card ****1117]"},
		},
		{
			name: "wrapped error",
			log: func(l *slog.Logger) {
				err := fmt.Errorf("card %s: %w", "6011 1111 1111 1117", errDeclined)
				l.Error("provider call failed", "error", err)
			},
			want: map[string]any{"level": "ERROR", "msg": "provider call failed",
				"error": "card [card ****1117]: declined"},
		},
		{
			name: "error type",
			log: func(l *slog.Logger) {
				l.Error("provider call failed", "error", &providerError{detail: "bad pan 4242-4242-4242-4242"})
			},
			want: map[string]any{"level": "ERROR", "msg": "provider call failed",
				"error": "provider: bad pan [card ****4242]"},
		},
		{
			name: "With attributes",
			log:  func(l *slog.Logger) { l.With("pan", "4242424242424242").Info("checkout") },
			want: map[string]any{"level": "INFO", "msg": "checkout", "pan": "[card ****4242]"},
		},
		{
			name: "WithGroup then With and record attributes",
			log: func(l *slog.Logger) {
				l.WithGroup("request").With("body", `{"number":"5555555555554444"}`).
					Info("bad request", "retry", "4242 4242 4242 4242")
			},
			want: map[string]any{"level": "INFO", "msg": "bad request", "request": map[string]any{
				"body":  `{"number":"[card ****4444]"}`,
				"retry": "[card ****4242]",
			}},
		},
		{
			name: "fmt.Stringer",
			log:  func(l *slog.Logger) { l.Info("tokenized", "source", cardStringer("6011-1111-1111-1117")) },
			want: map[string]any{"level": "INFO", "msg": "tokenized", "source": "card [card ****1117]"},
		},
		{
			name: "slog.LogValuer",
			log:  func(l *slog.Logger) { l.Info("tokenized", "source", cardValuer{pan: "378282246310005"}) },
			want: map[string]any{"level": "INFO", "msg": "tokenized",
				"source": map[string]any{"brand": "visa", "display": "[card ****0005]"}},
		},
		{
			name: "map",
			log: func(l *slog.Logger) {
				l.Info("webhook", "body", map[string]any{"source": "378282246310005", "amount": 1999})
			},
			want: map[string]any{"level": "INFO", "msg": "webhook",
				"body": map[string]any{"amount": float64(1999), "source": "[card ****0005]"}},
		},
		{
			name: "struct becomes its redacted JSON",
			log: func(l *slog.Logger) {
				type source struct{ Display *string }
				pan := "5555-5555-5555-4444"
				l.Info("tokenized", "source", source{Display: &pan})
			},
			want: map[string]any{"level": "INFO", "msg": "tokenized", "source": `{"Display":"[card ****4444]"}`},
		},
		{
			name: "numbers",
			log: func(l *slog.Logger) {
				l.Info("odd", "int", int64(4242424242424242), "uint", uint64(5555555555554444), "float", 6011111111111117.0)
			},
			want: map[string]any{"level": "INFO", "msg": "odd",
				"int": "[card ****4242]", "uint": "[card ****4444]", "float": "[card ****1117]"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assertNoTestPAN(t, tt.run(t))
		})
	}
}

func TestNewKeepsValuesThatAreNotCardNumbers(t *testing.T) {
	t.Parallel()

	scenario{
		name: "non-Luhn ids and amounts",
		log: func(l *slog.Logger) {
			l.Info("order 4242424242424241 paid", "order_id", "4242-4242-4242-4241", "n", int64(4242424242424241),
				"amount", 1999, "number", "inv-2024-0001")
		},
		want: map[string]any{"level": "INFO", "msg": "order 4242424242424241 paid", "order_id": "4242-4242-4242-4241",
			"n": float64(4242424242424241), "amount": float64(1999), "number": "inv-2024-0001"},
	}.run(t)
}

func TestNewMasksKassaSecrets(t *testing.T) {
	t.Parallel()

	tests := []scenario{
		{
			name: "secret key keeps prefix and last four",
			log: func(l *slog.Logger) {
				l.Warn("rejected sk_live_0123456789abcdefWXYZ", "header", "Bearer sk_test_51HqLyjWDarjtT1zdp7dcXyZAbCd")
			},
			want: map[string]any{"level": "WARN", "msg": "rejected sk_live_****WXYZ", "header": "Bearer sk_test_****AbCd"},
		},
		{
			name: "webhook and client secrets in With attributes and errors",
			log: func(l *slog.Logger) {
				l.With("endpoint", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw+/3s=").
					Error("confirm failed", "error", fmt.Errorf("bad client secret kcs_9f8e7d6c5b4a3210ffee: %w", errDeclined))
			},
			want: map[string]any{"level": "ERROR", "msg": "confirm failed", "endpoint": "whsec_****/3s=",
				"error": "bad client secret kcs_****ffee: declined"},
		},
		{
			name: "publishable key stays visible",
			log:  func(l *slog.Logger) { l.Info("public call", "key", "pk_test_9aQpLm2RtVx7YwZc3NbKd4Fh") },
			want: map[string]any{"level": "INFO", "msg": "public call", "key": "pk_test_9aQpLm2RtVx7YwZc3NbKd4Fh"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			line := tt.run(t)
			for _, secret := range []string{"51HqLyjWDarjtT1zdp7dcXyZ", "0123456789abcdef", "MfKQ9r8GKYqr", "9f8e7d6c5b4a"} {
				if strings.Contains(line, secret) {
					t.Errorf("logged line %q contains the secret %q", line, secret)
				}
			}
		})
	}
}

func TestNewRedactsValuesOfSecretKeys(t *testing.T) {
	t.Parallel()

	tests := []scenario{
		{
			name: "named keys whatever their value or case",
			log: func(l *slog.Logger) {
				l.Info("request",
					"Authorization", "Basic dXNlcjpwYXNz",
					"X-API-Key", "anything",
					"password", "hunter2",
					"CVC", 123,
					"client_secret", slog.GroupValue(slog.String("v", "x")),
					"card_number", nil,
					"master_key", []byte("k"),
					"set-cookie", "session=abc",
					"x_client_secret", "s",
					"secret", errDeclined,
				)
			},
			want: map[string]any{"level": "INFO", "msg": "request",
				"Authorization": "[redacted]", "X-API-Key": "[redacted]", "password": "[redacted]", "CVC": "[redacted]",
				"client_secret": "[redacted]", "card_number": "[redacted]", "master_key": "[redacted]",
				"set-cookie": "[redacted]", "x_client_secret": "[redacted]", "secret": "[redacted]"},
		},
		{
			name: "number only inside a card group",
			log: func(l *slog.Logger) {
				l.Info("card", slog.Group("Card", "number", "4111", "last4", "4242"), "number", "inv-42")
			},
			want: map[string]any{"level": "INFO", "msg": "card",
				"Card": map[string]any{"number": "[redacted]", "last4": "4242"}, "number": "inv-42"},
		},
		{
			name: "number under WithGroup card",
			log:  func(l *slog.Logger) { l.WithGroup("card").With("cvv", "123").Info("card", "number", "4111") },
			want: map[string]any{"level": "INFO", "msg": "card",
				"card": map[string]any{"cvv": "[redacted]", "number": "[redacted]"}},
		},
		{
			name: "http.Header",
			log: func(l *slog.Logger) {
				l.Info("request", "headers", http.Header{
					"Authorization": {"Basic dXNlcjpwYXNz"},
					"Cookie":        {"session=abc"},
					"Accept":        {"application/json"},
				})
			},
			want: map[string]any{"level": "INFO", "msg": "request", "headers": map[string]any{
				"Accept": []any{"application/json"}, "Authorization": "[redacted]", "Cookie": "[redacted]",
			}},
		},
		{
			name: "decoded request body",
			log: func(l *slog.Logger) {
				body := map[string]any{"amount": 1999, "card": map[string]any{"number": "4111", "cvc": "123", "exp_month": 12}}
				l.Info("request", "body", body)
			},
			want: map[string]any{"level": "INFO", "msg": "request", "body": map[string]any{
				"amount": float64(1999),
				"card":   map[string]any{"number": "[redacted]", "cvc": "[redacted]", "exp_month": float64(12)},
			}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			line := tt.run(t)
			for _, secret := range []string{"dXNlcjpwYXNz", "hunter2", "session=abc", "4111", "123,"} {
				if strings.Contains(line, secret) {
					t.Errorf("logged line %q contains the secret %q", line, secret)
				}
			}
		})
	}
}

func TestNewSurvivesPanickingValues(t *testing.T) {
	t.Parallel()

	var nilErr *providerError
	scenario{
		name: "nil pointer error",
		log:  func(l *slog.Logger) { l.Error("failed", "error", nilErr) },
		want: map[string]any{"level": "ERROR", "msg": "failed", "error": "<nil>"},
	}.run(t)
}

func TestNewTextFormat(t *testing.T) {
	t.Parallel()

	var buf bytes.Buffer
	l := New(&buf, "text", nil)
	l.Debug("not written at the default level")
	l.Info("charge 4242 4242 4242 4242", "Authorization", "Bearer sk_test_51HqLyjWDarjtT1zdp7dcXyZAbCd")

	line := buf.String()
	for _, want := range []string{"level=INFO", `msg="charge [card ****4242]"`, "Authorization=[redacted]"} {
		if !strings.Contains(line, want) {
			t.Errorf("logged text %q lacks %q", line, want)
		}
	}
	if got := strings.Count(line, "\n"); got != 1 {
		t.Errorf("logged %d lines, want 1: %q", got, line)
	}
	assertNoTestPAN(t, line)
}

func BenchmarkLogger(b *testing.B) {
	var buf bytes.Buffer
	l := New(&buf, "json", slog.LevelInfo).With("request_id", "req_01J0ZK3QH5")
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		l.Info("request", "method", "POST", "path", "/api/v1/payments", "status", 201, "merchant", "mer_8f2a",
			"duration_ms", 3.2)
	}
}
