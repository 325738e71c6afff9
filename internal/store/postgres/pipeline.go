package postgres

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/kassapay/kassa/internal/store/dbtype"
)

// deferrable names the statements a transaction may hold back instead of sending at once: inserts whose only
// result is an error that no caller tells apart from any other failure (a conflict on them is a bug, not an
// answer). A held-back statement goes to the server with the next statement that needs an answer, or with
// COMMIT, in one round trip; if it fails, that statement or the commit fails and the transaction rolls back, so
// nothing of it is kept. Inserts whose conflict means something to the caller (a dashboard user's e-mail, an
// idempotency claim) and every statement that returns rows or a row count, the held updates (heldUpdates) aside,
// are sent at once.
var deferrable = map[string]bool{
	"InsertEvent":           true,
	"InsertLedgerLine":      true,
	"InsertPayment":         true,
	"InsertPaymentMethod":   true,
	"InsertTransaction":     true,
	"InsertWebhookDelivery": true,
	"InsertWebhookAttempt":  true,
}

// heldUpdates are the updates by primary key a transaction may hold back like deferrable inserts: each is made
// on a row the transaction has locked or inserted, so it changes exactly one row. The transaction answers "1 row"
// at once and sends the update wrapped so that the server fails it when it changed none (oneRow), which aborts
// the transaction before the COMMIT that may travel in the same batch.
var heldUpdates = map[string]bool{
	"UpdatePayment":         true,
	"UpdatePaymentCard":     true,
	"UpdateCheckoutSession": true,
	"UpdateRefund":          true,
}

// errHeldUpdate is a held-back update that changed no row.
var errHeldUpdate = errors.New("postgres: a held-back update changed no row")

// oneRow wraps an UPDATE so that it fails (division by zero, SQLSTATE 22012) unless it changed a row.
func oneRow(update string) string {
	return "WITH changed AS (" + strings.TrimRight(strings.TrimSpace(update), ";") + "\nRETURNING 1)\nSELECT 1 / COUNT(*) FROM changed"
}

// statementName is the sqlc name of a statement ("-- name: InsertEvent :exec" → InsertEvent), or "".
func statementName(sql string) string {
	rest, ok := strings.CutPrefix(sql, "-- name: ")
	if !ok {
		return ""
	}
	name, _, _ := strings.Cut(rest, " ")
	return name
}

// heldArgs copies the byte slices among a held-back statement's arguments: it is encoded only when sent, and the
// caller may reuse its buffers once the call has returned.
func heldArgs(args []any) []any {
	out := slices.Clone(args)
	for i, a := range out {
		switch v := a.(type) {
		case []byte:
			out[i] = slices.Clone(v)
		case dbtype.JSON:
			out[i] = dbtype.JSON(slices.Clone(v))
		}
	}
	return out
}

type queued struct {
	sql  string
	args []any
	// one names a held update (heldUpdates), whose server-side failure means it changed no row.
	one string
}

// pipeTx is a transaction that costs as few round trips as it can: BEGIN goes to the server with the first
// statement, the deferrable writes wait for the next statement that needs an answer or for COMMIT, and a
// transaction that wrote nothing it held back commits in one round trip. Everything else behaves as a pgx.Tx
// (River inserts its jobs through it). It is used by one goroutine, like any pgx.Tx.
type pipeTx struct {
	conn  *pgxpool.Conn
	cache *settingsCache
	// settings is set once the transaction changed a cached setting (settingsWrites): the cache forgets
	// everything at its end, and the transaction reads settings from the database from then on.
	settings bool
	begun    bool
	closed   bool
	pending  []queued
}

var _ pgx.Tx = (*pipeTx)(nil)

var errNested = errors.New("postgres: nested transactions are not supported")

// send sends, in one batch and one round trip, BEGIN if the transaction has not begun, every held-back statement,
// and then qs; it reads the results of all but qs, which the caller reads (and then closes the batch). When a
// held-back statement failed, the batch is closed and its error returned.
func (t *pipeTx) send(ctx context.Context, qs ...*pgx.QueuedQuery) (pgx.BatchResults, error) {
	b := &pgx.Batch{}
	if !t.begun {
		b.Queue("begin")
	}
	for _, q := range t.pending {
		b.Queue(q.sql, q.args...)
	}
	prefix, pending := b.Len(), t.pending
	b.QueuedQueries = append(b.QueuedQueries, qs...)
	br := t.conn.SendBatch(ctx, b)
	t.begun, t.pending = true, nil
	for i := range prefix {
		if _, err := br.Exec(); err != nil {
			br.Close()
			var pgErr *pgconn.PgError
			if j := i - (prefix - len(pending)); j >= 0 && pending[j].one != "" && errors.As(err, &pgErr) && pgErr.Code == "22012" {
				return nil, fmt.Errorf("%w: %s", errHeldUpdate, pending[j].one)
			}
			return nil, err
		}
	}
	return br, nil
}

// direct reports whether a statement can go alone: the transaction has begun and holds nothing back.
func (t *pipeTx) direct() bool { return t.begun && len(t.pending) == 0 }

// Exec implements pgx.Tx: a deferrable statement or held update is held back (a held update answers "1 row");
// any other goes now, with what is held back.
func (t *pipeTx) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	if t.closed {
		return pgconn.CommandTag{}, pgx.ErrTxClosed
	}
	name := statementName(sql)
	t.settings = t.settings || settingsWrites[name]
	switch {
	case deferrable[name]:
		t.pending = append(t.pending, queued{sql: sql, args: heldArgs(args)})
		return pgconn.CommandTag{}, nil
	case heldUpdates[name]:
		t.pending = append(t.pending, queued{sql: oneRow(sql), args: heldArgs(args), one: name})
		return pgconn.NewCommandTag("UPDATE 1"), nil
	case t.direct():
		return t.conn.Exec(ctx, sql, args...)
	}
	br, err := t.send(ctx, &pgx.QueuedQuery{SQL: sql, Arguments: args})
	if err != nil {
		return pgconn.CommandTag{}, err
	}
	tag, err := br.Exec()
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	return tag, err
}

// Query implements pgx.Tx, sending what is held back with the query.
func (t *pipeTx) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	if t.closed {
		return nil, pgx.ErrTxClosed
	}
	t.settings = t.settings || settingsWrites[statementName(sql)]
	if t.direct() {
		return t.conn.Query(ctx, sql, args...)
	}
	br, err := t.send(ctx, &pgx.QueuedQuery{SQL: sql, Arguments: args})
	if err != nil {
		return nil, err
	}
	rows, err := br.Query()
	if err != nil {
		br.Close()
		return nil, err
	}
	return &batchRows{Rows: rows, br: br}, nil
}

// QueryRow implements pgx.Tx, sending what is held back with the query.
func (t *pipeTx) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	rows, err := t.Query(ctx, sql, args...)
	if err != nil {
		return errRow{err}
	}
	return pgxRow{rows}
}

// SendBatch implements pgx.Tx: what is held back goes first, in the same round trip.
func (t *pipeTx) SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults {
	if t.closed {
		return errBatch{pgx.ErrTxClosed}
	}
	br, err := t.send(ctx, b.QueuedQueries...)
	if err != nil {
		return errBatch{err}
	}
	return br
}

// CopyFrom implements pgx.Tx.
func (t *pipeTx) CopyFrom(ctx context.Context, table pgx.Identifier, cols []string, src pgx.CopyFromSource) (int64, error) {
	if t.closed {
		return 0, pgx.ErrTxClosed
	}
	if !t.direct() {
		br, err := t.send(ctx)
		if err != nil {
			return 0, err
		}
		if err := br.Close(); err != nil {
			return 0, err
		}
	}
	return t.conn.CopyFrom(ctx, table, cols, src)
}

// Prepare implements pgx.Tx.
func (t *pipeTx) Prepare(ctx context.Context, name, sql string) (*pgconn.StatementDescription, error) {
	return t.conn.Conn().Prepare(ctx, name, sql)
}

// LargeObjects implements pgx.Tx; Kassa stores none.
func (t *pipeTx) LargeObjects() pgx.LargeObjects { panic("postgres: large objects are not used") }

// Begin implements pgx.Tx; no caller nests transactions.
func (t *pipeTx) Begin(context.Context) (pgx.Tx, error) { return nil, errNested }

// Conn implements pgx.Tx.
func (t *pipeTx) Conn() *pgx.Conn { return t.conn.Conn() }

// Commit sends what is held back and COMMIT in one round trip. A transaction that never reached the server has
// nothing to commit.
func (t *pipeTx) Commit(ctx context.Context) error {
	if t.closed {
		return pgx.ErrTxClosed
	}
	if !t.begun && len(t.pending) == 0 {
		t.closed = true
		return nil
	}
	if t.settings {
		defer t.cache.forget()
	}
	var tag pgconn.CommandTag
	br, err := t.send(ctx, &pgx.QueuedQuery{SQL: "commit"})
	if err == nil {
		tag, err = br.Exec()
		if cerr := br.Close(); err == nil {
			err = cerr
		}
	}
	t.closed = true
	if err != nil {
		if t.conn.Conn().PgConn().TxStatus() != 'I' {
			// a held-back statement failed (the server skipped the commit) or the connection broke: end the
			// transaction, or never hand the connection back to the pool
			if _, rerr := t.conn.Exec(context.WithoutCancel(ctx), "rollback"); rerr != nil {
				_ = t.conn.Conn().Close(ctx)
			}
		}
		return err
	}
	if tag.String() == "ROLLBACK" {
		return pgx.ErrTxCommitRollback
	}
	return nil
}

// Rollback implements pgx.Tx; after Commit it does nothing.
func (t *pipeTx) Rollback(ctx context.Context) error {
	if t.closed {
		return pgx.ErrTxClosed
	}
	t.closed, t.pending = true, nil
	if !t.begun {
		return nil
	}
	if _, err := t.conn.Exec(ctx, "rollback"); err != nil {
		_ = t.conn.Conn().Close(ctx)
		return err
	}
	return nil
}

// batchRows closes the batch its rows came from when they are done.
type batchRows struct {
	pgx.Rows
	br  pgx.BatchResults
	err error
}

func (r *batchRows) Next() bool {
	if r.Rows.Next() {
		return true
	}
	r.Close()
	return false
}

func (r *batchRows) Close() {
	r.Rows.Close()
	if r.br != nil {
		if err := r.br.Close(); err != nil && r.err == nil {
			r.err = err
		}
		r.br = nil
	}
}

func (r *batchRows) Err() error {
	if err := r.Rows.Err(); err != nil {
		return err
	}
	return r.err
}

// pgxRow is QueryRow's row over any pgx.Rows, as pgx's own: no rows is pgx.ErrNoRows.
type pgxRow struct{ rows pgx.Rows }

func (r pgxRow) Scan(dest ...any) error {
	defer r.rows.Close()
	if !r.rows.Next() {
		if err := r.rows.Err(); err != nil {
			return err
		}
		return pgx.ErrNoRows
	}
	if err := r.rows.Scan(dest...); err != nil {
		return err
	}
	r.rows.Close()
	return r.rows.Err()
}

type errRow struct{ err error }

func (r errRow) Scan(...any) error { return r.err }

type errBatch struct{ err error }

func (b errBatch) Exec() (pgconn.CommandTag, error) { return pgconn.CommandTag{}, b.err }
func (b errBatch) Query() (pgx.Rows, error)         { return nil, b.err }
func (b errBatch) QueryRow() pgx.Row                { return errRow{b.err} }
func (b errBatch) Close() error                     { return b.err }
func (b errBatch) Tx() pgx.Tx                       { return nil }
