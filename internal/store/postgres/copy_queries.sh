#!/bin/sh
# Copies the hand-written adapter (queries*.go) into the SQLite package, pointed at its own sqlc package. Run by
# go generate (see generate.go); the copies are committed and CI checks they are current.
set -eu
rm -f ../sqlite/queries*_gen.go
for f in queries*.go; do
	{
		printf '// Code generated from ../postgres/%s by go generate; DO NOT EDIT.\n\n' "$f"
		sed -e 's#store/postgres/pgdb#store/sqlite/litedb#' -e 's/pgdb/litedb/g' -e 's/^package postgres$/package sqlite/' "$f"
	} > "../sqlite/${f%.go}_gen.go"
done
