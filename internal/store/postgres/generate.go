package postgres

// queries.go is written once for both engines; the SQLite package gets a copy with its own generated package.
//go:generate sh -c "sed -e 's#store/postgres/pgdb#store/sqlite/litedb#' -e 's/pgdb/litedb/g' -e 's/^package postgres$/package sqlite/' -e '1i // Code generated from ../postgres/queries.go by go generate; DO NOT EDIT.\\n' queries.go > ../sqlite/queries_gen.go"
