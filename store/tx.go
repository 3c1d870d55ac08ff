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

// Actor is who makes a write and with which request id (AIP-155; empty when
// the call carried none). Every row a write stamps with a user takes it from
// here.
type Actor struct {
	Principal string
	RequestID string
}

// Tx is one database transaction, handed to the function RunInTx runs, and
// the actor on whose behalf it writes. Every write that commits in one
// transaction is a method of Tx, so that several of them (and the record of
// a request id) commit together. Operations that commit in several
// transactions are methods of Store only: calling one inside a transaction
// does not compile. Store code reaches the transaction and the actor through
// the unexported fields, so that whatever a write records beside its rows
// commits with them.
type Tx struct {
	db    *gorm.DB // the transaction, bound to RunInTx's context
	actor Actor
	store *Store // for what a write records beside its rows (the change feed)
	// released are the deletions of the attachments this transaction let
	// go of (releaseAttachments), appended after every other change of the
	// transaction: what released an attachment comes before its deletion.
	released []Change
}

// RunInTx runs fn in one database transaction on behalf of actor. The whole
// function is retried on deadlocks, lock wait timeouts and SQLITE_BUSY, so fn
// must not have effects outside the database. Errors are classified.
func (s *Store) RunInTx(ctx context.Context, actor Actor, fn func(tx *Tx) error) error {
	return s.inTx(ctx, func(db *gorm.DB) error {
		tx := &Tx{db: db, actor: actor, store: s}
		if err := fn(tx); err != nil {
			return err
		}
		return tx.appendChanges(tx.released...)
	})
}

// run runs one operation's statements in the transaction and classifies
// their error, so that a caller inside RunInTx can tell the kinds apart.
func (tx *Tx) run(fn func(db *gorm.DB) error) error {
	return classify(fn(tx.db))
}

// user is the principal recorded on the rows tx writes.
func (tx *Tx) user() string { return tx.actor.Principal }

// inTx runs fn in a new transaction, retried on conflicts. fn's errors are
// classified. Writes on behalf of a caller go through RunInTx; inTx alone is
// for the upload's blob bookkeeping, which no caller owns.
func (s *Store) inTx(ctx context.Context, fn func(tx *gorm.DB) error) error {
	var err error
	for attempt := 1; attempt <= maxAttempts; attempt++ {
		err = s.withWriterTurn(ctx, false, func() error {
			return classify(s.db.WithContext(ctx).Transaction(fn, s.txOptions()))
		})
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

// writerTurns orders the transactions on SQLite's one connection: writers
// queue for it in writerQueue, and only the head of that queue waits for the
// turn beside the sequencer. Without it a sequencer batch would queue
// behind every writer waiting in the pool (tens of seconds at a load the
// engine cannot sustain), and the feed's delay with it.
type writerTurns struct {
	writerQueue chan struct{} // held by the writer next in line
	turn        chan struct{} // held by the transaction that runs
}

func newWriterTurns() writerTurns {
	return writerTurns{writerQueue: make(chan struct{}, 1), turn: make(chan struct{}, 1)}
}

// withWriterTurn runs fn in its turn on SQLite (sequencer: ahead of the
// queued writers but the head one), at once on MySQL, whose pool has many
// connections.
func (s *Store) withWriterTurn(ctx context.Context, sequencer bool, fn func() error) error {
	if s.dialect != SQLite {
		return fn()
	}
	if !sequencer {
		if err := acquire(ctx, s.turns.writerQueue); err != nil {
			return classify(err)
		}
		err := acquire(ctx, s.turns.turn)
		<-s.turns.writerQueue // the next writer is head of the queue now
		if err != nil {
			return classify(err)
		}
	} else if err := acquire(ctx, s.turns.turn); err != nil {
		return classify(err)
	}
	defer func() { <-s.turns.turn }()
	return fn()
}

// acquire takes the slot of a channel of capacity 1, or fails when ctx ends.
func acquire(ctx context.Context, slot chan struct{}) error {
	select {
	case slot <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
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

// read returns a handle for read-only queries outside any transaction.
func (s *Store) read(ctx context.Context) *gorm.DB {
	return s.db.WithContext(ctx)
}

// feedRead returns a handle on the pool reserved for the change feed's reads
// (Options.FeedReadConns): read-only queries outside any transaction that
// must not wait for a writer's connection.
func (s *Store) feedRead(ctx context.Context) *gorm.DB {
	return s.feed.WithContext(ctx)
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
