// Package dbtype holds the column types shared by the PostgreSQL and SQLite code that sqlc generates, so that the
// generated structs of both engines are identical and convert into each other.
package dbtype

import (
	"database/sql/driver"
	"errors"
	"fmt"
)

// JSON is a JSON document stored in a jsonb column (PostgreSQL) or a TEXT column (SQLite).
type JSON []byte

// Scan implements sql.Scanner; drivers hand JSON over as string or []byte.
func (j *JSON) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*j = nil
	case string:
		*j = JSON(v)
	case []byte:
		*j = append(JSON(nil), v...)
	default:
		return fmt.Errorf("dbtype.JSON: cannot scan %T", src)
	}
	return nil
}

// Value implements driver.Valuer. An empty document is stored as JSON null.
func (j JSON) Value() (driver.Value, error) {
	if len(j) == 0 {
		return "null", nil
	}
	return string(j), nil
}

// MarshalJSON lets a JSON value embed itself in an outer document unchanged.
func (j JSON) MarshalJSON() ([]byte, error) {
	if len(j) == 0 {
		return []byte("null"), nil
	}
	return j, nil
}

// UnmarshalJSON stores the raw document.
func (j *JSON) UnmarshalJSON(b []byte) error {
	if j == nil {
		return errors.New("dbtype.JSON: UnmarshalJSON on nil pointer")
	}
	*j = append((*j)[:0], b...)
	return nil
}
