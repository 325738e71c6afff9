-- +goose Up
-- PostgreSQL's 00014 adds triggers that tell other Kassa instances of changed merchant settings; a SQLite
-- database serves one process, which reads them in place. Kept so both backends stay at one schema version.
SELECT 1;

-- +goose Down
SELECT 1;
