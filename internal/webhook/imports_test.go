package webhook

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestPackageImportsNoHTTP: a domain package knows nothing of HTTP or sockets (docs/architecture.md §3); the exchange
// lives in webhookhttp. It reads the imports of this package's non-test files, and of the module's packages they
// import, and refuses net and everything under it but the pure value packages net/netip and net/url (neither imports
// net). The standard library's and other modules' imports are not followed; `go list -deps ./internal/webhook` is the
// full check.
func TestPackageImportsNoHTTP(t *testing.T) {
	t.Parallel()
	const module = "github.com/kassapay/kassa/"
	root := filepath.Join("..", "..") // this directory is internal/webhook
	seen := map[string]bool{}
	var check func(dir string)
	check = func(dir string) {
		if seen[dir] {
			return
		}
		seen[dir] = true
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			name := e.Name()
			if e.IsDir() || !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
				continue
			}
			f, err := parser.ParseFile(token.NewFileSet(), filepath.Join(dir, name), nil, parser.ImportsOnly)
			if err != nil {
				t.Fatal(err)
			}
			for _, imp := range f.Imports {
				path, _ := strconv.Unquote(imp.Path.Value)
				if (path == "net" || strings.HasPrefix(path, "net/")) && path != "net/netip" && path != "net/url" {
					t.Errorf("%s imports %s", filepath.Join(dir, name), path)
				}
				if rest, ok := strings.CutPrefix(path, module); ok {
					check(filepath.Join(root, filepath.FromSlash(rest)))
				}
			}
		}
	}
	check(".")
}
