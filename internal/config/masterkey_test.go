package config

import (
	"bytes"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func loadWithDataDir(t *testing.T, dir string, env map[string]string) *Config {
	t.Helper()
	e := map[string]string{EnvDataDir: dir}
	for k, v := range env {
		e[k] = v
	}
	c, err := Load(mapLookup(e), nil, false)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestEnsureMasterKey(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name          string
		env           map[string]string
		wantGenerated bool
		wantPostgres  bool
	}{
		{name: "generated", wantGenerated: true},
		{name: "generated with postgres", env: map[string]string{EnvDatabaseURL: pgURL}, wantGenerated: true,
			wantPostgres: true},
		{name: "configured", env: map[string]string{EnvMasterKey: testKeyStd}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := filepath.Join(t.TempDir(), "data", "dir") // does not exist yet
			path := filepath.Join(dir, MasterKeyFile)

			first := loadWithDataDir(t, dir, tt.env)
			warning, err := first.EnsureMasterKey()
			if err != nil {
				t.Fatalf("EnsureMasterKey: %v", err)
			}
			if first.MasterKeyGenerated != tt.wantGenerated {
				t.Errorf("MasterKeyGenerated = %v, want %v", first.MasterKeyGenerated, tt.wantGenerated)
			}
			if len(first.MasterKey) != MasterKeySize {
				t.Fatalf("MasterKey has %d bytes, want %d", len(first.MasterKey), MasterKeySize)
			}
			if !tt.wantGenerated {
				if warning != "" || !bytes.Equal(first.MasterKey, testKey) {
					t.Errorf("configured key: warning %q, key changed %v", warning, !bytes.Equal(first.MasterKey, testKey))
				}
				if _, err := os.Stat(path); !os.IsNotExist(err) {
					t.Errorf("configured key: %s exists (stat error %v)", path, err)
				}
				return
			}

			for _, want := range []string{EnvMasterKey, "live mode", path} {
				if !strings.Contains(warning, want) {
					t.Errorf("warning %q lacks %q", warning, want)
				}
			}
			if got := strings.Contains(warning, "every instance"); got != tt.wantPostgres {
				t.Errorf("warning %q mentions instances: %v, want %v", warning, got, tt.wantPostgres)
			}
			if strings.Contains(warning, base64.StdEncoding.EncodeToString(first.MasterKey)) {
				t.Errorf("warning %q shows the key", warning)
			}

			fi, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			if fi.Mode().Perm() != 0o600 {
				t.Errorf("%s has mode %v, want 0600", path, fi.Mode().Perm())
			}
			di, err := os.Stat(dir)
			if err != nil {
				t.Fatal(err)
			}
			if di.Mode().Perm()&0o077 != 0 {
				t.Errorf("%s has mode %v, want no group or other access", dir, di.Mode().Perm())
			}
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if fromFile, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(data))); err != nil ||
				!bytes.Equal(fromFile, first.MasterKey) {
				t.Errorf("%s holds %q, not the key in base64 (%v)", path, data, err)
			}
			entries, _ := os.ReadDir(dir)
			if len(entries) != 1 {
				t.Errorf("%s holds %d entries, want only %s", dir, len(entries), MasterKeyFile)
			}

			// A second call is idempotent.
			key := first.MasterKey
			again, err := first.EnsureMasterKey()
			if err != nil || again != warning || !bytes.Equal(first.MasterKey, key) {
				t.Errorf("second EnsureMasterKey = %q, %v; key kept %v", again, err, bytes.Equal(first.MasterKey, key))
			}

			// A new process reads the same file.
			second := loadWithDataDir(t, dir, tt.env)
			if _, err := second.EnsureMasterKey(); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(second.MasterKey, key) || !second.MasterKeyGenerated {
				t.Errorf("new process got another key (generated %v)", second.MasterKeyGenerated)
			}
		})
	}
}

func TestEnsureMasterKeyConcurrent(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	const n = 8
	keys := make([][]byte, n)
	var wg sync.WaitGroup
	for i := range n {
		c := loadWithDataDir(t, dir, nil)
		wg.Go(func() {
			if _, err := c.EnsureMasterKey(); err != nil {
				t.Error(err)
			}
			keys[i] = c.MasterKey
		})
	}
	wg.Wait()
	for i := 1; i < n; i++ {
		if !bytes.Equal(keys[i], keys[0]) {
			t.Fatalf("instance %d got another key", i)
		}
	}
}

func TestEnsureMasterKeyCorruptFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, MasterKeyFile), []byte("c2VjcmV0LWJ1dC1zaG9ydA==\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c := loadWithDataDir(t, dir, nil)
	_, err := c.EnsureMasterKey()
	if err == nil {
		t.Fatal("EnsureMasterKey accepted a short key file")
	}
	if msg := err.Error(); !strings.Contains(msg, MasterKeyFile) || strings.Contains(msg, "c2VjcmV0") {
		t.Errorf("error %q should name the file and not show its contents", msg)
	}
	if c.MasterKey != nil || c.MasterKeyGenerated {
		t.Errorf("failed EnsureMasterKey changed the config")
	}
}
