package store

import (
	"context"
	"database/sql"
	"math/rand/v2"
	"time"

	"gorm.io/gorm"
)

// maxAttempts bounds how often a transaction that hit a deadlock, a lock wait
// timeout or SQLITE_BUSY is run again before ErrConflict reaches the caller.
const maxAttempts = 5

type txKey struct{}

// RunInTx runs fn in one database transaction and hands it a context that
// carries the transaction: every Store method called with that context joins
// it instead of starting its own. The server's idempotency layer uses this to
// commit a request's work and its recorded response together. The whole
// function is retried on deadlocks, so fn must not have effects outside the
// database.
func (s *Store) RunInTx(ctx context.Context, fn func(ctx context.Context) error) error {
	return s.inTx(ctx, func(tx *gorm.DB) error {
		return fn(context.WithValue(ctx, txKey{}, tx))
	})
}

// inTx runs fn in a transaction: the caller's (from RunInTx) when there is
// one, else a new one retried on conflicts. fn's errors are classified.
func (s *Store) inTx(ctx context.Context, fn func(tx *gorm.DB) error) error {
	if tx, ok := ctx.Value(txKey{}).(*gorm.DB); ok {
		return classify(fn(tx))
	}
	var err error
	for attempt := 1; attempt <= maxAttempts; attempt++ {
		err = classify(s.db.WithContext(ctx).Transaction(fn, s.txOptions()))
		if err == nil {
			s.wakeSequencer()
		}
		if !retryable(err) || ctx.Err() != nil {
			break
		}
		backoff(ctx, attempt)
	}
	return err
}

// txOptions picks READ COMMITTED on MySQL, where the default REPEATABLE READ
// would take gap locks that serialise concurrent logging. SQLite transactions
// are serializable by construction.
func (s *Store) txOptions() *sql.TxOptions {
	if s.dialect == MySQL {
		return &sql.TxOptions{Isolation: sql.LevelReadCommitted}
	}
	return nil
}

// read returns a handle for read-only queries: the caller's transaction when
// there is one, else the pool.
func (s *Store) read(ctx context.Context) *gorm.DB {
	if tx, ok := ctx.Value(txKey{}).(*gorm.DB); ok {
		return tx
	}
	return s.db.WithContext(ctx)
}

// backoff sleeps a little longer after each failed attempt, with jitter so
// that two conflicting transactions do not collide again.
func backoff(ctx context.Context, attempt int) {
	d := time.Duration(attempt*attempt)*5*time.Millisecond + time.Duration(rand.IntN(10))*time.Millisecond
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

// scanRows runs q and scans its rows into dest as GORM's Scan does, without
// the trace recorder Scan installs: that one formats every query with its
// values (logger.ExplainSQL) whether or not anything is logged, which a CPU
// profile of LogInteraction showed. For the queries every logged entry runs.
func scanRows(q *gorm.DB, dest any) error {
	rows, err := q.Rows()
	if err != nil {
		return err
	}
	defer rows.Close()
	if rows.Next() {
		if err := q.ScanRows(rows, dest); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return rows.Close()
}
