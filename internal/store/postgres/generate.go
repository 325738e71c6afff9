package postgres

// The queries*.go files are written once for both engines; copy_queries.sh gives the SQLite package copies that use
// its own generated package (sqlite/queries*_gen.go).
//go:generate sh copy_queries.sh
