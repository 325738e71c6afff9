// Code generated from ../postgres/queries.go by go generate; DO NOT EDIT.

package sqlite

// The queries*.go files convert between the domain types and the rows sqlc generates. The SQLite package gets
// identical copies (sqlite/queries*_gen.go) by go generate, because sqlc emits structurally identical types for both
// engines.

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/kassapay/kassa/internal/store/dbtype"
	"github.com/kassapay/kassa/internal/store/sqlite/litedb"
)

type queries struct {
	q *litedb.Queries
}

// ts normalizes a time for storage: UTC, microsecond precision (PostgreSQL's), so both engines round-trip it
// exactly and SQLite's text timestamps compare in time order.
func ts(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

func tsPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	v := ts(*t)
	return &v
}

func strPtr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func str(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func toJSON(v any) (dbtype.JSON, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("store: encode json: %w", err)
	}
	return b, nil
}

func fromJSON(b dbtype.JSON, v any) error {
	if len(b) == 0 || string(b) == "null" {
		return nil
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("store: decode json: %w", err)
	}
	return nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func rowsErr(n int64, err error, none error) error {
	if err != nil {
		return mapErr(err)
	}
	if n == 0 {
		return none
	}
	return nil
}

// Open time ranges are stored as far-away instants so one query serves filtered and unfiltered lists.
var (
	minTime = time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)
	maxTime = time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)
)

func timeRange(gte, lt time.Time) (time.Time, time.Time) {
	if gte.IsZero() {
		gte = minTime
	}
	if lt.IsZero() {
		lt = maxTime
	}
	return ts(gte), ts(lt)
}

// mapRows converts the rows of a list query to domain values, or maps the query's error.
func mapRows[R, T any](rows []R, err error, from func(R) T) ([]T, error) {
	if err != nil {
		return nil, mapErr(err)
	}
	out := make([]T, 0, len(rows))
	for _, r := range rows {
		out = append(out, from(r))
	}
	return out, nil
}

func reverse[T any](s []T) []T {
	for i, j := 0, len(s)-1; i < j; i, j = i+1, j-1 {
		s[i], s[j] = s[j], s[i]
	}
	return s
}
