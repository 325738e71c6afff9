package store

// sqlc generates postgres/pgdb and sqlite/litedb from queries/ and each engine's migrations (see sqlc.yaml).
//go:generate go tool -modfile=../../tools/go.mod sqlc generate
