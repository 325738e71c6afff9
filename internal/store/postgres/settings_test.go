package postgres

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/kassapay/kassa/internal/store/dbtype"
)

// TestSettingsWritesAreKnown reads every query and checks that each one that writes a table the settings cache
// keeps is in settingsWrites, so that the instance that runs it forgets what it cached; and that no held-back
// (deferrable) statement is one of them or returns anything.
func TestSettingsWritesAreKnown(t *testing.T) {
	cachedTables := []string{"merchants", "api_keys", "payment_profiles", "routing_rules", "webhook_endpoints"}
	files, err := filepath.Glob("../queries*/*.sql")
	if err != nil || len(files) == 0 {
		t.Fatalf("no queries found: %v", err)
	}
	byID := regexp.MustCompile(`(?s)^\S+ :execrows\s+UPDATE \w+\s.*\sWHERE id = sqlc\.arg\(id\);\s*(--[^\n]*\n\s*)*$`) // the next query's comment may follow
	write := regexp.MustCompile(`(?i)\b(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+(\w+)`)
	var writers []string
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range strings.Split(string(b), "-- name: ")[1:] {
			name, kind, _ := strings.Cut(strings.SplitN(q, "\n", 2)[0], " ")
			for _, m := range write.FindAllStringSubmatch(q, -1) {
				table := strings.ToLower(m[1])
				if !slices.Contains(cachedTables, table) {
					continue
				}
				// A new merchant or key is in no cached entry (misses are not kept); a new profile, rule set
				// or endpoint changes a cached list.
				newRow := strings.HasPrefix(strings.ToUpper(m[0]), "INSERT")
				if newRow && (table == "merchants" || table == "api_keys") {
					continue
				}
				writers = append(writers, name)
				if !settingsWrites[name] {
					t.Errorf("%s (%s) writes %s but is not in settingsWrites", name, f, table)
				}
			}
			if deferrable[name] && (kind != ":exec" || settingsWrites[name]) {
				t.Errorf("%s is held back but is %s or changes a cached setting", name, kind)
			}
			// A held update changes one row by its primary key, which the transaction holds.
			if heldUpdates[name] && (kind != ":execrows" || !byID.MatchString(q) || settingsWrites[name]) {
				t.Errorf("%s is a held update but is not an UPDATE by id (:execrows)", name)
			}
		}
	}
	for name := range settingsWrites {
		if !slices.Contains(writers, name) {
			t.Errorf("settingsWrites names %s, which writes none of %v", name, cachedTables)
		}
	}
}

// TestHeldArgsAreCopies: a held-back statement is encoded when it is sent, after its caller may have reused the
// buffers it passed.
func TestHeldArgsAreCopies(t *testing.T) {
	raw, data := []byte("abc"), dbtype.JSON(`{"a":1}`)
	held := heldArgs([]any{raw, data, "text", 7})
	raw[0], data[2] = 'X', 'X'
	if string(held[0].([]byte)) != "abc" || string(held[1].(dbtype.JSON)) != `{"a":1}` || held[2] != "text" || held[3] != 7 {
		t.Errorf("held arguments changed with the caller's buffers: %q", held)
	}
}
