// Package testbin finds the real programs tests start (stripe-mock, mailpit) on PATH or where `go install` puts
// them, and says how to install one that is missing.
package testbin

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Find returns the path of the program name on PATH or in $GOPATH/bin.
func Find(name string) (string, bool) {
	if p, err := exec.LookPath(name); err == nil {
		return p, true
	}
	gopath := os.Getenv("GOPATH")
	if gopath == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", false
		}
		gopath = filepath.Join(home, "go")
	}
	p := filepath.Join(filepath.SplitList(gopath)[0], "bin", name)
	if _, err := os.Stat(p); err != nil {
		return "", false
	}
	return p, true
}

// Require returns the path of the program name. Without it the test skips, naming the install command, except
// under CI=true, where a missing program is a failure (.ci/run installs them).
func Require(t testing.TB, name, install string) string {
	t.Helper()
	p, ok := Find(name)
	if !ok {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not installed (CI=true): %s", name, install)
		}
		t.Skipf("%s not found on PATH or in $GOPATH/bin; install it with %s", name, install)
	}
	return p
}
