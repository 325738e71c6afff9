package config

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// MasterKeySize is the length of the master key in bytes (AES-256).
const MasterKeySize = 32

// MasterKeyFile is the name, inside DataDir, of the development master key that EnsureMasterKey generates.
const MasterKeyFile = "master.key"

// decodeKey decodes a 32-byte key written as 64 hex characters or as base64 (standard or URL alphabet, padded or not).
func decodeKey(s string) ([]byte, bool) {
	if len(s) == 2*MasterKeySize {
		if key, err := hex.DecodeString(s); err == nil {
			return key, true
		}
	}
	for _, enc := range []*base64.Encoding{
		base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding,
	} {
		if key, err := enc.DecodeString(s); err == nil && len(key) == MasterKeySize {
			return key, true
		}
	}
	return nil, false
}

// EnsureMasterKey makes sure MasterKey is set. When no key was configured, it reads <DataDir>/master.key, creating it
// first if needed (32 random bytes in standard base64, file mode 0600, DataDir created with mode 0700), sets
// MasterKeyGenerated and returns a warning for the log: live mode is unavailable until KASSA_MASTER_KEY is set. It is
// idempotent: later calls, and later processes with the same DataDir, use the same file. With a configured key it
// does nothing and returns no warning.
func (c *Config) EnsureMasterKey() (warning string, err error) {
	if c.MasterKey != nil {
		if c.MasterKeyGenerated {
			return c.masterKeyWarning(), nil
		}
		return "", nil
	}
	path := c.masterKeyPath()
	key, err := readKeyFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		key, err = createKeyFile(c.DataDir, path)
	}
	if err != nil {
		return "", err
	}
	c.MasterKey, c.MasterKeyGenerated = key, true
	return c.masterKeyWarning(), nil
}

func (c *Config) masterKeyPath() string { return filepath.Join(c.DataDir, MasterKeyFile) }

func (c *Config) masterKeyWarning() string {
	w := fmt.Sprintf("%s is not set: using the development master key in %s; live mode is unavailable until %s or %s "+
		"is set; keep that file, since data encrypted with it cannot be read without it",
		EnvMasterKey, c.masterKeyPath(), EnvMasterKey, EnvMasterKey+FileSuffix)
	if c.Dialect() == "postgres" {
		w += "; every instance sharing this database needs the same key"
	}
	return w
}

// readKeyFile reads a generated key; a missing file is reported as fs.ErrNotExist.
func readKeyFile(path string) ([]byte, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	if err != nil {
		return nil, fmt.Errorf("config: reading the development master key: %w", err)
	}
	key, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(data)))
	if err != nil || len(key) != MasterKeySize {
		return nil, fmt.Errorf("config: %s does not hold a %d-byte base64 key: restore it, or set %s",
			path, MasterKeySize, EnvMasterKey)
	}
	return key, nil
}

// createKeyFile writes a new key to a temporary file and links it into place, so that a concurrent process never reads
// a partial file: the one that loses the race reads the winner's key.
func createKeyFile(dir, path string) ([]byte, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("config: creating %s for the development master key: %w", EnvDataDir, err)
	}
	key := make([]byte, MasterKeySize)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("config: generating the development master key: %w", err)
	}
	tmp, err := os.CreateTemp(dir, "."+MasterKeyFile+".*") // mode 0600
	if err != nil {
		return nil, fmt.Errorf("config: writing the development master key: %w", err)
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.WriteString(base64.StdEncoding.EncodeToString(key) + "\n")
	if err == nil {
		err = tmp.Sync()
	}
	if closeErr := tmp.Close(); err == nil {
		err = closeErr
	}
	if err == nil {
		err = os.Link(tmp.Name(), path)
	}
	if errors.Is(err, fs.ErrExist) {
		return readKeyFile(path)
	}
	if err != nil {
		return nil, fmt.Errorf("config: writing the development master key: %w", err)
	}
	if d, err := os.Open(dir); err == nil { // make the new name durable; best effort
		_ = d.Sync()
		_ = d.Close()
	}
	return key, nil
}
