package config

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// A recognisable key, and its spellings.
var (
	testKey       = bytes.Repeat([]byte{0xAB, 0xCD, 0xEF, 0x01}, 8)
	testKeyStd    = base64.StdEncoding.EncodeToString(testKey)
	testKeyRawURL = base64.RawURLEncoding.EncodeToString(testKey)
	testKeyHex    = hex.EncodeToString(testKey)
)

const pgURL = "postgres://kassa:hunter2-s3cret@db.internal:5432/kassa?sslmode=require"

func mapLookup(env map[string]string) func(string) (string, bool) {
	return func(name string) (string, bool) {
		v, ok := env[name]
		return v, ok
	}
}

// writeFile writes content to a new file under t.TempDir and returns its path.
func writeFile(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func defaults() *Config {
	return &Config{
		Addr:        "127.0.0.1:8080",
		BaseURL:     "http://127.0.0.1:8080",
		DataDir:     "./kassa-data",
		DatabaseURL: "sqlite://./kassa-data/kassa.db",
		WebhookRetrySchedule: []time.Duration{
			0, time.Minute, 5 * time.Minute, 30 * time.Minute, 2 * time.Hour, 12 * time.Hour,
		},
		WebhookAllowedNetworks: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")},
		Role:                   RoleAll,
		LogLevel:               slog.LevelInfo,
		LogFormat:              "json",
		ShutdownTimeout:        30 * time.Second,
		RateLimits:             RateLimits{WritePerSecond: 20, WritePerHour: 10000, ReadPerSecond: 100, PublicPerSecond: 50},
		MaxBodyBytes:           1 << 20,
		SandboxDelay:           5 * time.Second,
	}
}

var cmpOpts = cmp.Options{cmp.Comparer(func(a, b netip.Prefix) bool { return a == b }), cmpopts.EquateEmpty()}

func TestLoad(t *testing.T) {
	t.Parallel()
	dbFile := writeFile(t, "  "+pgURL+"\n")
	keyFile := writeFile(t, testKeyStd+"\n")
	tests := []struct {
		name       string
		env        map[string]string
		overrides  map[string]string
		isTerminal bool
		want       func(c *Config)
	}{
		{name: "zero setup", want: func(*Config) {}},
		{name: "terminal logs text", isTerminal: true, want: func(c *Config) { c.LogFormat = "text" }},
		{
			name:       "explicit json wins over terminal",
			env:        map[string]string{EnvLogFormat: "JSON"},
			isTerminal: true,
			want:       func(*Config) {},
		},
		{
			name: "empty means default",
			env:  map[string]string{EnvAddr: "", EnvRole: " ", EnvMasterKey: ""},
			want: func(*Config) {},
		},
		{
			name: "every setting",
			env: map[string]string{
				EnvAddr:                   "0.0.0.0:9000",
				EnvBaseURL:                "https://pay.example.com/",
				EnvDataDir:                "/var/lib/kassa",
				EnvDatabaseURL:            pgURL,
				EnvMasterKey:              testKeyStd,
				EnvWebhookRetrySchedule:   " 1s, 1s ,10s",
				EnvWebhookAllowedNetworks: "10.1.2.3/8, 192.168.1.7, fd00::/8",
				EnvRole:                   "Worker",
				EnvLogLevel:               "DEBUG",
				EnvLogFormat:              "text",
				EnvShutdownTimeout:        "5s",
				EnvRateWritePerSecond:     "1",
				EnvRateWritePerHour:       "2",
				EnvRateReadPerSecond:      "3",
				EnvRatePublicPerSecond:    "4",
				EnvMaxBodyBytes:           "1024",
				EnvSandboxDelay:           "250ms",
				EnvTrustedProxies:         "10.0.0.0/8, 127.0.0.1",
			},
			want: func(c *Config) {
				*c = Config{
					Addr:                 "0.0.0.0:9000",
					BaseURL:              "https://pay.example.com",
					DataDir:              "/var/lib/kassa",
					DatabaseURL:          pgURL,
					MasterKey:            testKey,
					WebhookRetrySchedule: []time.Duration{time.Second, time.Second, 10 * time.Second},
					WebhookAllowedNetworks: []netip.Prefix{
						netip.MustParsePrefix("10.0.0.0/8"),
						netip.MustParsePrefix("192.168.1.7/32"),
						netip.MustParsePrefix("fd00::/8"),
					},
					Role:            RoleWorker,
					LogLevel:        slog.LevelDebug,
					LogFormat:       "text",
					ShutdownTimeout: 5 * time.Second,
					RateLimits:      RateLimits{WritePerSecond: 1, WritePerHour: 2, ReadPerSecond: 3, PublicPerSecond: 4},
					MaxBodyBytes:    1024,
					SandboxDelay:    250 * time.Millisecond,
					TrustedProxies:  []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("127.0.0.1/32")},
				}
			},
		},
		{
			name: "base URL defaults from addr",
			env:  map[string]string{EnvAddr: "[::1]:9000"},
			want: func(c *Config) { c.Addr, c.BaseURL = "[::1]:9000", "http://[::1]:9000" },
		},
		{
			name: "base URL uses localhost for an empty host",
			env:  map[string]string{EnvAddr: ":9000"},
			want: func(c *Config) { c.Addr, c.BaseURL = ":9000", "http://localhost:9000" },
		},
		{
			name: "base URL uses localhost for an unspecified host",
			env:  map[string]string{EnvAddr: "[::]:9000"},
			want: func(c *Config) { c.Addr, c.BaseURL = "[::]:9000", "http://localhost:9000" },
		},
		{
			name: "base URL with port and no slash",
			env:  map[string]string{EnvBaseURL: "http://localhost:3000"},
			want: func(c *Config) { c.BaseURL = "http://localhost:3000" },
		},
		{
			name: "database URL follows data dir",
			env:  map[string]string{EnvDataDir: "/srv/kassa/"},
			want: func(c *Config) { c.DataDir, c.DatabaseURL = "/srv/kassa/", "sqlite:///srv/kassa/kassa.db" },
		},
		{
			name: "explicit sqlite URL has no default networks",
			env:  map[string]string{EnvDatabaseURL: "sqlite://./kassa-data/kassa.db"},
			want: func(c *Config) { c.WebhookAllowedNetworks = nil },
		},
		{
			name: "postgres has no default networks",
			env:  map[string]string{EnvDatabaseURL: pgURL},
			want: func(c *Config) { c.DatabaseURL, c.WebhookAllowedNetworks = pgURL, nil },
		},
		{
			name: "postgresql scheme",
			env:  map[string]string{EnvDatabaseURL: "postgresql:///kassa?host=/run/postgresql"},
			want: func(c *Config) {
				c.DatabaseURL, c.WebhookAllowedNetworks = "postgresql:///kassa?host=/run/postgresql", nil
			},
		},
		{
			name: "database URL file is not the default",
			env:  map[string]string{EnvDatabaseURL + FileSuffix: dbFile},
			want: func(c *Config) { c.DatabaseURL, c.WebhookAllowedNetworks = pgURL, nil },
		},
		{
			name: "networks set with postgres",
			env:  map[string]string{EnvDatabaseURL: pgURL, EnvWebhookAllowedNetworks: "10.0.0.0/8"},
			want: func(c *Config) {
				c.DatabaseURL, c.WebhookAllowedNetworks = pgURL, []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}
			},
		},
		{
			name: "networks set empty turns the zero-setup default off",
			env:  map[string]string{EnvWebhookAllowedNetworks: ""},
			want: func(c *Config) { c.WebhookAllowedNetworks = nil },
		},
		{
			name: "master key raw URL base64",
			env:  map[string]string{EnvMasterKey: testKeyRawURL},
			want: func(c *Config) { c.MasterKey = testKey },
		},
		{
			name: "master key hex",
			env:  map[string]string{EnvMasterKey: testKeyHex},
			want: func(c *Config) { c.MasterKey = testKey },
		},
		{
			name: "master key file",
			env:  map[string]string{EnvMasterKey + FileSuffix: keyFile},
			want: func(c *Config) { c.MasterKey = testKey },
		},
		{
			name:      "overrides win",
			env:       map[string]string{EnvAddr: "127.0.0.1:1", EnvRole: "api"},
			overrides: map[string]string{EnvAddr: "127.0.0.1:2"},
			want:      func(c *Config) { c.Addr, c.BaseURL, c.Role = "127.0.0.1:2", "http://127.0.0.1:2", RoleAPI },
		},
		{
			name:      "empty override means default",
			env:       map[string]string{EnvAddr: "127.0.0.1:1"},
			overrides: map[string]string{EnvAddr: ""},
			want:      func(*Config) {},
		},
		{
			name:      "secret override replaces the environment's pair",
			env:       map[string]string{EnvMasterKey: "not a key at all"},
			overrides: map[string]string{EnvMasterKey + FileSuffix: keyFile},
			want:      func(c *Config) { c.MasterKey = testKey },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := Load(mapLookup(tt.env), tt.overrides, tt.isTerminal)
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			want := defaults()
			tt.want(want)
			if diff := cmp.Diff(want, got, cmpOpts); diff != "" {
				t.Errorf("Load mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLoadErrors(t *testing.T) {
	t.Parallel()
	keyFile := writeFile(t, testKeyStd)
	dbFile := writeFile(t, pgURL)
	emptyFile := writeFile(t, " \n")
	badKeyFile := writeFile(t, "short-secret-key")
	badDBFile := writeFile(t, "mysql://root:hunter2-s3cret@db/kassa")
	missing := filepath.Join(t.TempDir(), "missing")
	tests := []struct {
		name      string
		env       map[string]string
		overrides map[string]string
		wantName  string // SettingError.Name
		wantMsg   string // the whole message, when given
		wantIs    error  // errors.Is target, when given
	}{
		{name: "addr", env: map[string]string{EnvAddr: "abc"}, wantName: EnvAddr,
			wantMsg: `config: KASSA_ADDR: "abc" is not host:port`},
		{name: "addr without port", env: map[string]string{EnvAddr: "localhost:"}, wantName: EnvAddr},
		{name: "addr port too big", env: map[string]string{EnvAddr: ":70000"}, wantName: EnvAddr},
		{name: "addr named port", env: map[string]string{EnvAddr: ":http"}, wantName: EnvAddr},
		{name: "base URL relative", env: map[string]string{EnvBaseURL: "pay.example.com"}, wantName: EnvBaseURL},
		{name: "base URL scheme", env: map[string]string{EnvBaseURL: "ftp://pay.example.com"}, wantName: EnvBaseURL},
		{name: "base URL no host", env: map[string]string{EnvBaseURL: "https:///x"}, wantName: EnvBaseURL},
		{name: "base URL path", env: map[string]string{EnvBaseURL: "https://example.com/kassa"}, wantName: EnvBaseURL,
			wantMsg: `config: KASSA_BASE_URL: "https://example.com/kassa" must not have a path: Kassa serves from the root`},
		{name: "base URL query", env: map[string]string{EnvBaseURL: "https://example.com/?a=b"}, wantName: EnvBaseURL},
		{name: "base URL fragment", env: map[string]string{EnvBaseURL: "https://example.com#x"}, wantName: EnvBaseURL},
		{name: "base URL user", env: map[string]string{EnvBaseURL: "https://u:p@example.com"}, wantName: EnvBaseURL},
		{name: "data dir breaks default URL", env: map[string]string{EnvDataDir: "/tmp/a?b"}, wantName: EnvDataDir},
		{name: "database URL scheme", env: map[string]string{EnvDatabaseURL: "mysql://root:hunter2-s3cret@db/kassa"},
			wantName: EnvDatabaseURL,
			wantMsg:  "config: KASSA_DATABASE_URL: (secret) must start with sqlite://, postgres:// or postgresql://"},
		{name: "database URL empty sqlite", env: map[string]string{EnvDatabaseURL: "sqlite://"}, wantName: EnvDatabaseURL},
		{name: "database URL sqlite query", env: map[string]string{EnvDatabaseURL: "sqlite://k.db?_pragma=x"},
			wantName: EnvDatabaseURL},
		{name: "database URL unparsable", env: map[string]string{EnvDatabaseURL: "postgres://u:hunter2-s3cret@[::1"},
			wantName: EnvDatabaseURL},
		{name: "database URL both", env: map[string]string{EnvDatabaseURL: pgURL, EnvDatabaseURL + FileSuffix: dbFile},
			wantName: EnvDatabaseURL + FileSuffix,
			wantMsg:  "config: KASSA_DATABASE_URL_FILE: is set together with KASSA_DATABASE_URL: set only one"},
		{name: "database URL both in overrides", overrides: map[string]string{EnvDatabaseURL: pgURL,
			EnvDatabaseURL + FileSuffix: dbFile}, wantName: EnvDatabaseURL + FileSuffix},
		{name: "database URL file missing", env: map[string]string{EnvDatabaseURL + FileSuffix: missing},
			wantName: EnvDatabaseURL + FileSuffix, wantIs: fs.ErrNotExist},
		{name: "database URL file empty", env: map[string]string{EnvDatabaseURL + FileSuffix: emptyFile},
			wantName: EnvDatabaseURL + FileSuffix},
		{name: "database URL file contents", env: map[string]string{EnvDatabaseURL + FileSuffix: badDBFile},
			wantName: EnvDatabaseURL + FileSuffix,
			wantMsg: fmt.Sprintf("config: KASSA_DATABASE_URL_FILE: %q holds a value that must start with sqlite://, "+
				"postgres:// or postgresql://", badDBFile)},
		{name: "master key short", env: map[string]string{EnvMasterKey: "short-secret-key"}, wantName: EnvMasterKey,
			wantMsg: "config: KASSA_MASTER_KEY: (secret) must be 32 bytes as base64 or as 64 hex characters"},
		{name: "master key long", wantName: EnvMasterKey,
			env: map[string]string{EnvMasterKey: base64.StdEncoding.EncodeToString(make([]byte, 33))}},
		{name: "master key bad hex", env: map[string]string{EnvMasterKey: strings.Repeat("zz", 32)}, wantName: EnvMasterKey},
		{name: "master key both", env: map[string]string{EnvMasterKey: testKeyStd, EnvMasterKey + FileSuffix: keyFile},
			wantName: EnvMasterKey + FileSuffix},
		{name: "master key file missing", env: map[string]string{EnvMasterKey + FileSuffix: missing},
			wantName: EnvMasterKey + FileSuffix, wantIs: fs.ErrNotExist},
		{name: "master key file contents", env: map[string]string{EnvMasterKey + FileSuffix: badKeyFile},
			wantName: EnvMasterKey + FileSuffix},
		{name: "schedule not a duration", env: map[string]string{EnvWebhookRetrySchedule: "0s,soon"},
			wantName: EnvWebhookRetrySchedule},
		{name: "schedule empty entry", env: map[string]string{EnvWebhookRetrySchedule: "0s,,1m"},
			wantName: EnvWebhookRetrySchedule},
		{name: "schedule negative", env: map[string]string{EnvWebhookRetrySchedule: "-1s"},
			wantName: EnvWebhookRetrySchedule},
		{name: "schedule decreasing", env: map[string]string{EnvWebhookRetrySchedule: "0s,1m,30s"},
			wantName: EnvWebhookRetrySchedule,
			wantMsg:  `config: KASSA_WEBHOOK_RETRY_SCHEDULE: "0s,1m,30s" has entry 3 "30s" shorter than the one before it`},
		{name: "schedule too long", env: map[string]string{EnvWebhookRetrySchedule: strings.Repeat("1s,", 20) + "1s"},
			wantName: EnvWebhookRetrySchedule},
		{name: "networks bad", env: map[string]string{EnvWebhookAllowedNetworks: "10.0.0.0/8,localhost"},
			wantName: EnvWebhookAllowedNetworks},
		{name: "networks bad bits", env: map[string]string{EnvWebhookAllowedNetworks: "10.0.0.0/33"},
			wantName: EnvWebhookAllowedNetworks},
		{name: "networks empty entry", env: map[string]string{EnvWebhookAllowedNetworks: "10.0.0.0/8,"},
			wantName: EnvWebhookAllowedNetworks},
		{name: "networks zone", env: map[string]string{EnvWebhookAllowedNetworks: "fe80::1%eth0"},
			wantName: EnvWebhookAllowedNetworks},
		{name: "role", env: map[string]string{EnvRole: "both"}, wantName: EnvRole,
			wantMsg: `config: KASSA_ROLE: "both" is not api, worker or all`},
		{name: "log level", env: map[string]string{EnvLogLevel: "trace"}, wantName: EnvLogLevel},
		{name: "log format", env: map[string]string{EnvLogFormat: "logfmt"}, wantName: EnvLogFormat},
		{name: "shutdown timeout", env: map[string]string{EnvShutdownTimeout: "30"}, wantName: EnvShutdownTimeout},
		{name: "shutdown timeout zero", env: map[string]string{EnvShutdownTimeout: "0s"}, wantName: EnvShutdownTimeout},
		{name: "sandbox delay negative", env: map[string]string{EnvSandboxDelay: "-1s"}, wantName: EnvSandboxDelay},
		{name: "sandbox delay unitless", env: map[string]string{EnvSandboxDelay: "5"}, wantName: EnvSandboxDelay},
		{name: "trusted proxy not a network", env: map[string]string{EnvTrustedProxies: "proxy.internal"}, wantName: EnvTrustedProxies},
		{name: "rate write per second", env: map[string]string{EnvRateWritePerSecond: "0"}, wantName: EnvRateWritePerSecond},
		{name: "rate write per hour", env: map[string]string{EnvRateWritePerHour: "many"}, wantName: EnvRateWritePerHour},
		{name: "rate read per second", env: map[string]string{EnvRateReadPerSecond: "-5"}, wantName: EnvRateReadPerSecond},
		{name: "rate public per second", env: map[string]string{EnvRatePublicPerSecond: "1.5"},
			wantName: EnvRatePublicPerSecond},
		{name: "max body too small", env: map[string]string{EnvMaxBodyBytes: "1023"}, wantName: EnvMaxBodyBytes},
		{name: "max body too big", env: map[string]string{EnvMaxBodyBytes: fmt.Sprint(64<<20 + 1)},
			wantName: EnvMaxBodyBytes},
		{name: "max body not a number", env: map[string]string{EnvMaxBodyBytes: "1MiB"}, wantName: EnvMaxBodyBytes},
		{name: "override invalid", env: map[string]string{EnvRole: "api"}, overrides: map[string]string{EnvRole: "web"},
			wantName: EnvRole},
		{name: "override unknown", overrides: map[string]string{"KASSA_PORT": "8080"}, wantName: "KASSA_PORT"},
		{name: "smtp URL scheme", env: map[string]string{EnvSMTPURL: "http://u:hunter2-s3cret@mail.example.com", EnvMailFrom: "a@b.example"},
			wantName: EnvSMTPURL},
		{name: "smtp URL starttls", env: map[string]string{EnvSMTPURL: "smtp://u:hunter2-s3cret@mail.example.com?starttls=sometimes",
			EnvMailFrom: "a@b.example"}, wantName: EnvSMTPURL},
		{name: "smtp without from", env: map[string]string{EnvSMTPURL: "smtp://u:hunter2-s3cret@mail.example.com"}, wantName: EnvSMTPURL},
		{name: "smtp bad from", env: map[string]string{EnvSMTPURL: "smtp://mail.example.com", EnvMailFrom: "Kassa"}, wantName: EnvSMTPURL},
		{name: "mail from without smtp", env: map[string]string{EnvMailFrom: "a@b.example"}, wantName: EnvMailFrom},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg, err := Load(mapLookup(tt.env), tt.overrides, false)
			if err == nil {
				t.Fatalf("Load succeeded with %+v, want an error naming %s", cfg, tt.wantName)
			}
			var se *SettingError
			if !errors.As(err, &se) {
				t.Fatalf("Load error %v (%T) is not a *SettingError", err, err)
			}
			if se.Name != tt.wantName {
				t.Errorf("SettingError.Name = %q, want %q (error: %v)", se.Name, tt.wantName, err)
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, "config: "+tt.wantName+": ") || strings.Contains(msg, "\n") {
				t.Errorf("error %q is not one line starting with config: %s: ", msg, tt.wantName)
			}
			if tt.wantMsg != "" && msg != tt.wantMsg {
				t.Errorf("error = %q, want %q", msg, tt.wantMsg)
			}
			if tt.wantIs != nil && !errors.Is(err, tt.wantIs) {
				t.Errorf("error %v is not %v", err, tt.wantIs)
			}
			// Secrets never show: neither the password nor the key, in any spelling.
			for _, secret := range []string{"hunter2-s3cret", "short-secret-key", testKeyStd, testKeyRawURL, testKeyHex,
				strings.Repeat("zz", 32)} {
				if strings.Contains(msg, secret) {
					t.Errorf("error %q shows the secret %q", msg, secret)
				}
			}
		})
	}
}

func TestDialectAndSQLitePath(t *testing.T) {
	t.Parallel()
	tests := []struct {
		url, dialect, path string
	}{
		{"sqlite://./kassa-data/kassa.db", "sqlite", "./kassa-data/kassa.db"},
		{"sqlite://relative/k.db", "sqlite", "relative/k.db"},
		{"sqlite:///var/lib/kassa/kassa.db", "sqlite", "/var/lib/kassa/kassa.db"},
		{pgURL, "postgres", ""},
		{"postgresql://localhost/kassa", "postgres", ""},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			t.Parallel()
			c, err := Load(mapLookup(map[string]string{EnvDatabaseURL: tt.url}), nil, false)
			if err != nil {
				t.Fatal(err)
			}
			if got := c.Dialect(); got != tt.dialect {
				t.Errorf("Dialect() = %q, want %q", got, tt.dialect)
			}
			if got := c.SQLitePath(); got != tt.path {
				t.Errorf("SQLitePath() = %q, want %q", got, tt.path)
			}
		})
	}
}

func TestStringHidesSecrets(t *testing.T) {
	t.Parallel()
	c, err := Load(mapLookup(map[string]string{EnvDatabaseURL: pgURL, EnvMasterKey: testKeyStd,
		EnvSMTPURL: "smtps://codes:hunter2-s3cret@mail.example.com", EnvMailFrom: "Kassa <codes@example.com>"}), nil, false)
	if err != nil {
		t.Fatal(err)
	}
	if c.Mail == nil || c.Mail.Host() != "mail.example.com:465" {
		t.Fatalf("the SMTP server: %v", c.Mail)
	}
	var logged bytes.Buffer
	slog.New(slog.NewTextHandler(&logged, nil)).Info("config", "config", c)
	for _, out := range []string{c.String(), fmt.Sprintf("%v", c), fmt.Sprintf("%+v", *c), logged.String()} {
		for _, secret := range []string{"hunter2-s3cret", "sslmode", testKeyStd, testKeyHex, string(testKey)} {
			if strings.Contains(out, secret) {
				t.Errorf("%q shows the secret %q", out, secret)
			}
		}
		if !strings.Contains(out, "db.internal:5432") || !strings.Contains(out, "master_key=set") || !strings.Contains(out, "mail.example.com:465") {
			t.Errorf("%q lacks the redacted settings", out)
		}
	}
}

func TestUnknownVariables(t *testing.T) {
	t.Parallel()
	got := UnknownVariables([]string{
		"KASSA_ADDR=x", "KASSA_PORT=8080", "HOME=/root", "KASSA_MASTER_KEY_FILE=/k", "KASSA_DEBUG", "KASSA_PORT=1",
		"KASSA_DATABASE_URL_FILE=/d", "kassa_addr=x",
	})
	if diff := cmp.Diff([]string{"KASSA_DEBUG", "KASSA_PORT"}, got); diff != "" {
		t.Errorf("UnknownVariables mismatch (-want +got):\n%s", diff)
	}
}

func TestRole(t *testing.T) {
	t.Parallel()
	tests := []struct {
		role        Role
		api, worker bool
	}{
		{RoleAPI, true, false},
		{RoleWorker, false, true},
		{RoleAll, true, true},
	}
	for _, tt := range tests {
		if tt.role.RunsAPI() != tt.api || tt.role.RunsWorker() != tt.worker {
			t.Errorf("%s: RunsAPI, RunsWorker = %v, %v, want %v, %v",
				tt.role, tt.role.RunsAPI(), tt.role.RunsWorker(), tt.api, tt.worker)
		}
	}
}
