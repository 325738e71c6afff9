// Package config loads Kassa's configuration from the environment (KASSA_*), validates it, and names the bad setting.
//
// Every setting is an environment variable. The CLI maps its flags to the same names and hands them to Load as
// overrides, which win over the environment. Values are trimmed of surrounding white space, and an empty value means
// "use the default", except for KASSA_WEBHOOK_ALLOWED_NETWORKS, where a set but empty value means "no networks".
//
// The secrets (KASSA_MASTER_KEY, KASSA_DATABASE_URL) can also be read from a file named by the variable with a _FILE
// suffix (its contents are trimmed); setting both NAME and NAME_FILE is an error. Secret values never appear in
// errors, nor in Config's String and LogValue.
package config

import (
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net"
	"net/netip"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kassapay/kassa/internal/mail"
)

// Names of the environment variables that Load reads; they are also the keys of Load's overrides.
const (
	EnvAddr                   = "KASSA_ADDR"                     // listen address, host:port
	EnvBaseURL                = "KASSA_BASE_URL"                 // public URL of this instance
	EnvDataDir                = "KASSA_DATA_DIR"                 // embedded database and generated dev master key
	EnvDatabaseURL            = "KASSA_DATABASE_URL"             // sqlite://… or postgres://… (secret)
	EnvMasterKey              = "KASSA_MASTER_KEY"               // 32-byte master key (secret)
	EnvWebhookRetrySchedule   = "KASSA_WEBHOOK_RETRY_SCHEDULE"   // comma-separated delivery delays
	EnvWebhookAllowedNetworks = "KASSA_WEBHOOK_ALLOWED_NETWORKS" // comma-separated CIDRs exempt from the SSRF guard
	EnvRole                   = "KASSA_ROLE"                     // api, worker or all
	EnvLogLevel               = "KASSA_LOG_LEVEL"                // debug, info, warn or error
	EnvLogFormat              = "KASSA_LOG_FORMAT"               // json or text
	EnvShutdownTimeout        = "KASSA_SHUTDOWN_TIMEOUT"         // graceful shutdown budget
	EnvRateWritePerSecond     = "KASSA_RATE_WRITE_PER_SECOND"    // write requests per second per key
	EnvRateWritePerHour       = "KASSA_RATE_WRITE_PER_HOUR"      // write requests per hour per key
	EnvRateReadPerSecond      = "KASSA_RATE_READ_PER_SECOND"     // read requests per second per key
	EnvRatePublicPerSecond    = "KASSA_RATE_PUBLIC_PER_SECOND"   // public (browser) requests per second
	EnvMaxBodyBytes           = "KASSA_MAX_BODY_BYTES"           // largest accepted request body
	EnvSandboxDelay           = "KASSA_SANDBOX_DELAY"            // how long the sandbox takes to settle async payments
	EnvTrustedProxies         = "KASSA_TRUSTED_PROXIES"          // CIDRs of reverse proxies whose X-Forwarded-For is believed
	EnvSMTPURL                = "KASSA_SMTP_URL"                 // smtp://user:password@host:port or smtps://… (secret)
	EnvMailFrom               = "KASSA_MAIL_FROM"                // the From address of Kassa's e-mail

	// FileSuffix turns a secret's name into the name of the variable holding the path of a file with its value.
	FileSuffix = "_FILE"
)

// Defaults of the settings that have a fixed default.
const (
	DefaultAddr                 = "127.0.0.1:8080"
	DefaultDataDir              = "./kassa-data"
	DefaultWebhookRetrySchedule = "0s,1m,5m,30m,2h,12h"
	DefaultWebhookNetworks      = "127.0.0.0/8,::1/128" // only when KASSA_DATABASE_URL is unset
	DefaultShutdownTimeout      = 30 * time.Second
	DefaultMaxBodyBytes         = 1 << 20
	DefaultSandboxDelay         = 5 * time.Second
)

// Limits of the validated settings.
const (
	MinMaxBodyBytes     = 1 << 10
	MaxMaxBodyBytes     = 64 << 20
	MaxRetryScheduleLen = 20
)

// Role says what an instance runs.
type Role string

// The roles an instance can have.
const (
	RoleAPI    Role = "api"    // serves HTTP only
	RoleWorker Role = "worker" // runs jobs only
	RoleAll    Role = "all"    // both
)

// RunsAPI reports whether an instance with this role serves HTTP.
func (r Role) RunsAPI() bool { return r == RoleAPI || r == RoleAll }

// RunsWorker reports whether an instance with this role runs jobs.
func (r Role) RunsWorker() bool { return r == RoleWorker || r == RoleAll }

// RateLimits are the per-key request rates; each is > 0.
type RateLimits struct {
	WritePerSecond  int // KASSA_RATE_WRITE_PER_SECOND, default 20
	WritePerHour    int // KASSA_RATE_WRITE_PER_HOUR, default 10000
	ReadPerSecond   int // KASSA_RATE_READ_PER_SECOND, default 100
	PublicPerSecond int // KASSA_RATE_PUBLIC_PER_SECOND, default 50
}

// Config is Kassa's validated configuration. Load fills it; EnsureMasterKey completes MasterKey.
type Config struct {
	// Addr is the listen address (KASSA_ADDR, default 127.0.0.1:8080).
	Addr string
	// BaseURL is the public http(s) URL without a trailing slash (KASSA_BASE_URL, default "http://"+Addr, with
	// "localhost" for an empty or unspecified host such as ":8080" or "0.0.0.0:8080").
	BaseURL string
	// DataDir holds the embedded database and the generated dev master key (KASSA_DATA_DIR, default ./kassa-data).
	DataDir string
	// DatabaseURL is sqlite://PATH or postgres://… / postgresql://… (KASSA_DATABASE_URL or _FILE, default
	// "sqlite://"+DataDir+"/kassa.db"). It may hold a password: never log it; see SQLitePath for the sqlite form.
	DatabaseURL string
	// MasterKey is the 32-byte key that wraps the vault and webhook-secret keys (KASSA_MASTER_KEY or _FILE, as
	// standard or URL base64, padded or not, or as 64 hex characters). Nil after Load when unset: see EnsureMasterKey.
	MasterKey []byte
	// MasterKeyGenerated is true when MasterKey came from <DataDir>/master.key (development only: no live mode).
	MasterKeyGenerated bool
	// WebhookRetrySchedule is the delay before each delivery attempt, counted from the event (or from the previous
	// attempt: the delivery code decides) (KASSA_WEBHOOK_RETRY_SCHEDULE, default 0s,1m,5m,30m,2h,12h); 1 to 20
	// entries, each >= 0, non-decreasing.
	WebhookRetrySchedule []time.Duration
	// WebhookAllowedNetworks are the networks webhooks may reach despite the SSRF guard
	// (KASSA_WEBHOOK_ALLOWED_NETWORKS, comma-separated CIDRs or single addresses). Default 127.0.0.0/8 and ::1/128
	// when KASSA_DATABASE_URL is unset (the zero-setup default), none otherwise.
	WebhookAllowedNetworks []netip.Prefix
	// Role says what this instance runs (KASSA_ROLE, default all).
	Role Role
	// LogLevel is the minimum level logged (KASSA_LOG_LEVEL debug|info|warn|error, default info).
	LogLevel slog.Level
	// LogFormat is "json" or "text" (KASSA_LOG_FORMAT, default json, or text when stderr is a terminal).
	LogFormat string
	// ShutdownTimeout bounds the graceful shutdown (KASSA_SHUTDOWN_TIMEOUT, default 30s, > 0).
	ShutdownTimeout time.Duration
	// RateLimits are the per-key request rates.
	RateLimits RateLimits
	// MaxBodyBytes is the largest request body accepted (KASSA_MAX_BODY_BYTES, default 1 MiB, 1 KiB to 64 MiB).
	MaxBodyBytes int64
	// SandboxDelay is how long the sandbox takes to settle asynchronous payments: a UPI payer's approval, and the
	// worker's wait before settling an order payment (KASSA_SANDBOX_DELAY, default 5s, >= 0; 0 settles at once).
	SandboxDelay time.Duration
	// TrustedProxies are the reverse proxies in front of Kassa (KASSA_TRUSTED_PROXIES, comma-separated CIDRs or
	// addresses, default none): from them, the client's address is read from X-Forwarded-For, so that per-IP rate
	// limits and fraud rules see customers rather than the proxy.
	TrustedProxies []netip.Prefix
	// Mail sends the wallet's one-time codes (KASSA_SMTP_URL or _FILE, with KASSA_MAIL_FROM). Nil when unset: test
	// mode shows codes on the page and live mode does not offer the wallet.
	Mail *mail.SMTP
}

// SettingError is a bad setting: the variable's name, its value (empty for a secret) and what is wrong with it.
type SettingError struct {
	Name   string // the variable, e.g. KASSA_ADDR or KASSA_MASTER_KEY_FILE
	Value  string // the value as given; empty when Secret
	Secret bool   // the value is a secret and is shown as (secret)
	Err    error  // what is wrong, phrased to follow the value: "is not host:port"
}

// Error returns one line: config: NAME: "value" what is wrong.
func (e *SettingError) Error() string {
	switch {
	case e.Secret:
		return fmt.Sprintf("config: %s: (secret) %v", e.Name, e.Err)
	case e.Value == "":
		return fmt.Sprintf("config: %s: %v", e.Name, e.Err)
	default:
		return fmt.Sprintf("config: %s: %q %v", e.Name, e.Value, e.Err)
	}
}

// Unwrap returns the cause.
func (e *SettingError) Unwrap() error { return e.Err }

func bad(name, value, format string, args ...any) *SettingError {
	return &SettingError{Name: name, Value: value, Err: fmt.Errorf(format, args...)}
}

// Names returns the names of all the variables Load reads, including the _FILE twins of the secrets.
func Names() []string {
	return []string{
		EnvAddr, EnvBaseURL, EnvDataDir, EnvDatabaseURL, EnvDatabaseURL + FileSuffix, EnvMasterKey,
		EnvMasterKey + FileSuffix, EnvWebhookRetrySchedule, EnvWebhookAllowedNetworks, EnvRole, EnvLogLevel,
		EnvLogFormat, EnvShutdownTimeout, EnvRateWritePerSecond, EnvRateWritePerHour, EnvRateReadPerSecond,
		EnvRatePublicPerSecond, EnvMaxBodyBytes, EnvSandboxDelay, EnvTrustedProxies, EnvSMTPURL, EnvSMTPURL + FileSuffix,
		EnvMailFrom,
	}
}

// UnknownVariables returns, sorted, the KASSA_* names in environ ("NAME=value" entries, as os.Environ returns) that
// Load does not read, so that the caller can warn about typos. Unknown variables are not an error.
func UnknownVariables(environ []string) []string {
	known := Names()
	var unknown []string
	for _, kv := range environ {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "KASSA_") && !slices.Contains(known, name) {
			unknown = append(unknown, name)
		}
	}
	slices.Sort(unknown)
	return slices.Compact(unknown)
}

// source is where values come from: overrides first, then the environment.
type source struct {
	lookup    func(string) (string, bool)
	overrides map[string]string
}

// get returns name's trimmed value and whether it is set at all (possibly empty).
func (s source) get(name string) (string, bool) {
	if v, ok := s.overrides[name]; ok {
		return strings.TrimSpace(v), true
	}
	v, ok := s.lookup(name)
	return strings.TrimSpace(v), ok
}

// secretValue is a secret as read; path is the file it came from, if any.
type secretValue struct {
	name, value, path string
}

// secret reads name or the file named by name_FILE. When the overrides hold either of the two, the pair comes from
// the overrides alone, so that a flag replaces the environment's pair instead of colliding with it.
func (s source) secret(name string) (secretValue, error) {
	fileName := name + FileSuffix
	get := s.get
	_, inOverrides := s.overrides[name]
	_, fileInOverrides := s.overrides[fileName]
	if inOverrides || fileInOverrides {
		get = func(n string) (string, bool) {
			v, ok := s.overrides[n]
			return strings.TrimSpace(v), ok
		}
	}
	value, _ := get(name)
	path, _ := get(fileName)
	switch {
	case value != "" && path != "":
		return secretValue{}, bad(fileName, "", "is set together with %s: set only one", name)
	case path == "":
		return secretValue{name: name, value: value}, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return secretValue{}, &SettingError{Name: fileName, Value: path, Err: fmt.Errorf("cannot be read: %w", err)}
	}
	value = strings.TrimSpace(string(data))
	if value == "" {
		return secretValue{}, bad(fileName, path, "is an empty file")
	}
	return secretValue{name: name, value: value, path: path}, nil
}

// invalid reports a bad secret without its value: naming the file when it came from one.
func (sv secretValue) invalid(format string, args ...any) error {
	if sv.path != "" {
		err := fmt.Errorf("holds a value that "+format, args...)
		return &SettingError{Name: sv.name + FileSuffix, Value: sv.path, Err: err}
	}
	return &SettingError{Name: sv.name, Secret: true, Err: fmt.Errorf(format, args...)}
}

// Load reads the configuration from lookup (os.LookupEnv in production, a map in tests) and overrides (KASSA_* names
// to values, from the CLI's flags, winning over lookup), validates it and returns the first bad setting as a
// *SettingError. isTerminal says whether stderr is a terminal (for the default log format). An override whose name
// Load does not read is an error, since it is a bug in the caller. MasterKey stays nil when no key is configured: call
// EnsureMasterKey.
func Load(lookup func(string) (string, bool), overrides map[string]string, isTerminal bool) (*Config, error) {
	if lookup == nil {
		lookup = func(string) (string, bool) { return "", false }
	}
	known := Names()
	for _, name := range slices.Sorted(maps.Keys(overrides)) {
		if !slices.Contains(known, name) {
			return nil, bad(name, "", "is not a setting (given as an override)")
		}
	}
	s := source{lookup: lookup, overrides: overrides}
	c := &Config{}
	for _, step := range []func(source, *Config, bool) error{
		loadAddr, loadBaseURL, loadData, loadMasterKey, loadWebhooks, loadRuntime, loadLimits, loadMail,
	} {
		if err := step(s, c, isTerminal); err != nil {
			return nil, err
		}
	}
	return c, nil
}

func loadAddr(s source, c *Config, _ bool) error {
	c.Addr = DefaultAddr
	if v, _ := s.get(EnvAddr); v != "" {
		c.Addr = v
	}
	_, port, err := net.SplitHostPort(c.Addr)
	if err != nil || port == "" {
		return bad(EnvAddr, c.Addr, "is not host:port")
	}
	if _, err := strconv.ParseUint(port, 10, 16); err != nil {
		return bad(EnvAddr, c.Addr, "is not host:port (the port must be a number up to 65535)")
	}
	return nil
}

func loadBaseURL(s source, c *Config, _ bool) error {
	v, _ := s.get(EnvBaseURL)
	if v == "" {
		host, port, _ := net.SplitHostPort(c.Addr)
		if ip, err := netip.ParseAddr(host); host == "" || err == nil && ip.IsUnspecified() {
			host = "localhost"
		}
		c.BaseURL = "http://" + net.JoinHostPort(host, port)
		return nil
	}
	u, err := url.Parse(v)
	switch {
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Opaque != "":
		return bad(EnvBaseURL, v, "is not an absolute http(s) URL")
	case u.User != nil:
		return bad(EnvBaseURL, v, "must not contain user information")
	case u.Path != "" && u.Path != "/":
		return bad(EnvBaseURL, v, "must not have a path: Kassa serves from the root")
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.Contains(v, "#"):
		return bad(EnvBaseURL, v, "must not have a query or fragment")
	}
	c.BaseURL = strings.TrimSuffix(v, "/")
	return nil
}

func loadData(s source, c *Config, _ bool) error {
	c.DataDir = DefaultDataDir
	if v, _ := s.get(EnvDataDir); v != "" {
		c.DataDir = v
	}
	db, err := s.secret(EnvDatabaseURL)
	if err != nil {
		return err
	}
	defaulted := db.value == ""
	if defaulted {
		c.DatabaseURL = "sqlite://" + strings.TrimRight(c.DataDir, "/") + "/kassa.db"
		if strings.ContainsAny(c.DataDir, "?#") {
			return bad(EnvDataDir, c.DataDir, "must not contain ? or # (it is part of the default %s)", EnvDatabaseURL)
		}
	} else {
		c.DatabaseURL = db.value
		if err := checkDatabaseURL(db); err != nil {
			return err
		}
	}
	networks, set := s.get(EnvWebhookAllowedNetworks)
	if !set && defaulted {
		networks = DefaultWebhookNetworks
	}
	c.WebhookAllowedNetworks, err = parseNetworks(networks)
	if err != nil {
		return &SettingError{Name: EnvWebhookAllowedNetworks, Value: networks, Err: err}
	}
	return nil
}

func checkDatabaseURL(db secretValue) error {
	v := db.value
	switch {
	case strings.HasPrefix(v, "sqlite://"):
		path := strings.TrimPrefix(v, "sqlite://")
		if path == "" {
			return db.invalid("must name a file after sqlite://")
		}
		if strings.ContainsAny(path, "?#") {
			return db.invalid("must not contain ? or # after sqlite:// (Kassa sets the SQLite options itself)")
		}
	case strings.HasPrefix(v, "postgres://"), strings.HasPrefix(v, "postgresql://"):
		if _, err := url.Parse(v); err != nil { // the error would echo the URL: keep it out
			return db.invalid("must be a valid postgres:// URL")
		}
	default:
		return db.invalid("must start with sqlite://, postgres:// or postgresql://")
	}
	return nil
}

func loadMasterKey(s source, c *Config, _ bool) error {
	sv, err := s.secret(EnvMasterKey)
	if err != nil || sv.value == "" {
		return err
	}
	key, ok := decodeKey(sv.value)
	if !ok {
		return sv.invalid("must be 32 bytes as base64 or as 64 hex characters")
	}
	c.MasterKey = key
	return nil
}

func loadWebhooks(s source, c *Config, _ bool) error {
	v, _ := s.get(EnvWebhookRetrySchedule)
	if v == "" {
		v = DefaultWebhookRetrySchedule
	}
	schedule, err := parseSchedule(v)
	if err != nil {
		return &SettingError{Name: EnvWebhookRetrySchedule, Value: v, Err: err}
	}
	c.WebhookRetrySchedule = schedule
	return nil
}

func parseSchedule(v string) ([]time.Duration, error) {
	parts := strings.Split(v, ",")
	if len(parts) > MaxRetryScheduleLen {
		return nil, fmt.Errorf("has %d entries; at most %d are allowed", len(parts), MaxRetryScheduleLen)
	}
	schedule := make([]time.Duration, 0, len(parts))
	for i, p := range parts {
		p = strings.TrimSpace(p)
		d, err := time.ParseDuration(p)
		switch {
		case err != nil:
			return nil, fmt.Errorf("has entry %d %q that is not a duration such as 30s or 2h", i+1, p)
		case d < 0:
			return nil, fmt.Errorf("has entry %d %q that is negative", i+1, p)
		case i > 0 && d < schedule[i-1]:
			return nil, fmt.Errorf("has entry %d %q shorter than the one before it", i+1, p)
		}
		schedule = append(schedule, d)
	}
	return schedule, nil
}

func parseNetworks(v string) ([]netip.Prefix, error) {
	if v == "" {
		return nil, nil
	}
	var networks []netip.Prefix
	for i, p := range strings.Split(v, ",") {
		p = strings.TrimSpace(p)
		var prefix netip.Prefix
		if strings.Contains(p, "/") {
			prefix, _ = netip.ParsePrefix(p)
		} else if addr, err := netip.ParseAddr(p); err == nil && addr.Zone() == "" {
			prefix = netip.PrefixFrom(addr, addr.BitLen())
		}
		if !prefix.IsValid() {
			return nil, fmt.Errorf("has entry %d %q that is not a CIDR such as 10.0.0.0/8", i+1, p)
		}
		networks = append(networks, prefix.Masked())
	}
	return networks, nil
}

func loadRuntime(s source, c *Config, isTerminal bool) error {
	c.Role = RoleAll
	if v, _ := s.get(EnvRole); v != "" {
		switch r := Role(strings.ToLower(v)); r {
		case RoleAPI, RoleWorker, RoleAll:
			c.Role = r
		default:
			return bad(EnvRole, v, "is not api, worker or all")
		}
	}
	c.LogLevel = slog.LevelInfo
	if v, _ := s.get(EnvLogLevel); v != "" {
		levels := map[string]slog.Level{
			"debug": slog.LevelDebug, "info": slog.LevelInfo, "warn": slog.LevelWarn, "error": slog.LevelError,
		}
		level, ok := levels[strings.ToLower(v)]
		if !ok {
			return bad(EnvLogLevel, v, "is not debug, info, warn or error")
		}
		c.LogLevel = level
	}
	c.LogFormat = "json"
	if isTerminal {
		c.LogFormat = "text"
	}
	if v, _ := s.get(EnvLogFormat); v != "" {
		switch f := strings.ToLower(v); f {
		case "json", "text":
			c.LogFormat = f
		default:
			return bad(EnvLogFormat, v, "is not json or text")
		}
	}
	c.ShutdownTimeout = DefaultShutdownTimeout
	if v, _ := s.get(EnvShutdownTimeout); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return bad(EnvShutdownTimeout, v, "is not a positive duration such as 30s")
		}
		c.ShutdownTimeout = d
	}
	c.SandboxDelay = DefaultSandboxDelay
	if v, _ := s.get(EnvSandboxDelay); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 || d > time.Hour {
			return bad(EnvSandboxDelay, v, "is not a duration from 0s to 1h such as 5s")
		}
		c.SandboxDelay = d
	}
	proxies, _ := s.get(EnvTrustedProxies)
	var err error
	if c.TrustedProxies, err = parseNetworks(proxies); err != nil {
		return &SettingError{Name: EnvTrustedProxies, Value: proxies, Err: err}
	}
	return nil
}

func loadMail(s source, c *Config, _ bool) error {
	u, err := s.secret(EnvSMTPURL)
	if err != nil {
		return err
	}
	from, _ := s.get(EnvMailFrom)
	if u.value == "" {
		if from != "" {
			return bad(EnvMailFrom, from, "is set without %s (the server to send through)", EnvSMTPURL)
		}
		return nil
	}
	if c.Mail, err = mail.ParseURL(u.value, from); err != nil {
		return &SettingError{Name: EnvSMTPURL, Value: "(not shown: it may hold a password)", Err: err}
	}
	return nil
}

func loadLimits(s source, c *Config, _ bool) error {
	c.RateLimits = RateLimits{WritePerSecond: 20, WritePerHour: 10000, ReadPerSecond: 100, PublicPerSecond: 50}
	for _, r := range []struct {
		name string
		dst  *int
	}{
		{EnvRateWritePerSecond, &c.RateLimits.WritePerSecond},
		{EnvRateWritePerHour, &c.RateLimits.WritePerHour},
		{EnvRateReadPerSecond, &c.RateLimits.ReadPerSecond},
		{EnvRatePublicPerSecond, &c.RateLimits.PublicPerSecond},
	} {
		if v, _ := s.get(r.name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n <= 0 {
				return bad(r.name, v, "is not a whole number > 0")
			}
			*r.dst = n
		}
	}
	c.MaxBodyBytes = DefaultMaxBodyBytes
	if v, _ := s.get(EnvMaxBodyBytes); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < MinMaxBodyBytes || n > MaxMaxBodyBytes {
			return bad(EnvMaxBodyBytes, v, "is not a number of bytes from %d (1 KiB) to %d (64 MiB)",
				MinMaxBodyBytes, MaxMaxBodyBytes)
		}
		c.MaxBodyBytes = n
	}
	return nil
}

// Dialect returns "sqlite" for a sqlite:// DatabaseURL and "postgres" otherwise.
func (c *Config) Dialect() string {
	if strings.HasPrefix(c.DatabaseURL, "sqlite://") {
		return "sqlite"
	}
	return "postgres"
}

// SQLitePath returns the database file of a sqlite:// DatabaseURL, and "" for postgres. The path is everything after
// "sqlite://", verbatim (no percent-decoding): sqlite://kassa-data/kassa.db and sqlite://./kassa-data/kassa.db are
// relative to the working directory, sqlite:///var/lib/kassa/kassa.db is absolute.
func (c *Config) SQLitePath() string {
	path, ok := strings.CutPrefix(c.DatabaseURL, "sqlite://")
	if !ok {
		return ""
	}
	return path
}

// redactedDatabaseURL is DatabaseURL without password and query (which may hold one).
func (c *Config) redactedDatabaseURL() string {
	if c.Dialect() == "sqlite" {
		return c.DatabaseURL
	}
	u, err := url.Parse(c.DatabaseURL)
	if err != nil {
		return "(unparsable)"
	}
	if u.User != nil {
		u.User = url.User(u.User.Username())
	}
	u.RawQuery, u.ForceQuery, u.Fragment = "", false, ""
	return u.String()
}

func (c Config) masterKeyState() string {
	switch {
	case c.MasterKey == nil:
		return "unset"
	case c.MasterKeyGenerated:
		return "generated"
	default:
		return "set"
	}
}

// LogValue implements slog.LogValuer: the settings without secrets (the master key is shown as set, generated or
// unset; the database URL loses password and query).
func (c Config) LogValue() slog.Value {
	networks := make([]string, len(c.WebhookAllowedNetworks))
	for i, n := range c.WebhookAllowedNetworks {
		networks[i] = n.String()
	}
	return slog.GroupValue(
		slog.String("addr", c.Addr),
		slog.String("base_url", c.BaseURL),
		slog.String("data_dir", c.DataDir),
		slog.String("database_url", c.redactedDatabaseURL()),
		slog.String("master_key", c.masterKeyState()),
		slog.Any("webhook_retry_schedule", c.WebhookRetrySchedule),
		slog.String("webhook_allowed_networks", strings.Join(networks, ",")),
		slog.String("role", string(c.Role)),
		slog.String("log_level", c.LogLevel.String()),
		slog.String("log_format", c.LogFormat),
		slog.Duration("shutdown_timeout", c.ShutdownTimeout),
		slog.Any("rate_limits", c.RateLimits),
		slog.Int64("max_body_bytes", c.MaxBodyBytes),
		slog.Duration("sandbox_delay", c.SandboxDelay),
		slog.Any("trusted_proxies", c.TrustedProxies),
		slog.String("smtp", c.mailState()),
	)
}

// mailState names the SMTP server without its credentials, or says there is none.
func (c Config) mailState() string {
	if c.Mail == nil {
		return "unset"
	}
	return c.Mail.Host()
}

// String returns the settings without secrets, so that printing a Config never leaks the master key or the database
// password.
func (c Config) String() string {
	var b strings.Builder
	b.WriteString("{")
	for i, a := range c.LogValue().Group() {
		if i > 0 {
			b.WriteString(" ")
		}
		fmt.Fprintf(&b, "%s=%v", a.Key, a.Value)
	}
	b.WriteString("}")
	return b.String()
}
