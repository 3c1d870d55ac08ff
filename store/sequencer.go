package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"gorm.io/gorm"
)

// The sequencer gives committed changes their sequence: the order in which
// they became visible, which the feed's readers follow.
//
// Why not the id: AUTO_INCREMENT ids are taken at insert and transactions
// commit in another order, so a reader that has read up to id N may later
// find a row with an id below N that committed after it read.
//
// How: one sequencer at a time (below) runs sequenceBatch in a loop. Each
// batch is one transaction that reads the highest sequence assigned, reads
// up to a batch of rows that are committed and have no sequence, in id
// order, and gives them the next consecutive sequences: a row of n changes
// (change_rows.go) the next n, [s, s+n-1], its sequence column holding the
// last, s+n-1, so that MAX(sequence) is the last sequence assigned and the
// blocks of the rows of a batch follow each other without a gap. Readers
// read sequenced rows only (ListChanges), and each change of a row has its
// own sequence. The claim: once any reader has seen sequence N, no change
// with a sequence <= N appears later.
//   - A batch's sequences are all above every sequence committed before it
//     began: it read their maximum inside its own transaction (the last
//     sequence of the highest row, hence the highest of any change), and
//     the batches run one after another (one sequencer), each starting
//     after the previous one committed.
//   - A batch commits atomically: a reader sees all of its sequences or none.
//   - A reader that sees sequence N sees the batch that assigned it, hence
//     every earlier batch (committed before that one began, on every engine:
//     a read view or TiDB read timestamp that includes a commit includes the
//     commits that finished before that transaction started), hence every
//     sequence below N. Sequences are consecutive (each row's block starts
//     right after the previous row's), so there is nothing between them
//     left to appear; and a row is sequenced and committed whole, so a
//     reader that sees one change of a packed row sees all of them.
//   - A change whose transaction commits after a batch ran, even with a
//     smaller id than the rows that batch sequenced, was invisible to it (the
//     batch reads committed rows only) and gets its sequence from a later
//     batch: above N.
// ChangeHighWater (MAX(sequence)) is therefore a safe checkpoint: every
// change up to it is visible. So is the high water a batch publishes to this
// process's watchers once it committed (PublishedHighWater): the MAX it read
// plus what it assigned. When batches run (at once after a commit, at most
// one per Coalesce, or every PollInterval) changes only when changes are
// sequenced, never which sequences they get.
//
// One sequencer at a time:
//   - MySQL, MariaDB, TiDB: the process that holds the advisory lock
//     of its database (sequencerLock) sequences, on the very connection (session) that holds
//     it: the lock lives as long as that session, and when the session dies
//     its next statement fails, so a process never sequences without the
//     lock. Other replicas try the lock every LockRetry and meanwhile only
//     read. The lock is a matter of efficiency more than of correctness: if
//     two sequencers ever overlapped (a lock lost with its connection), each
//     batch first locks the one row of change_sequencer (lockSequencerRow),
//     so that their batches still run one after another, each reading the
//     maximum the one before committed. (With a change per row, the unique
//     index on sequence made two batches that read the same maximum
//     collide; a packed row's sequence is its last, so two batches of rows
//     of different counts need not.) A batch that finds a row already
//     sequenced (fewer rows updated than read) rolls back.
//   - SQLite: a process runs one sequencer loop, on a connection of its
//     own, whose batches take turns with the process's writers
//     (withWriterTurn), ahead of the writers queued.
//     Several processes on one file each run one, but never two batches at
//     once: SQLite lets one writer at a time write the file, and a batch is
//     a write transaction whose reads belong to it (in WAL mode a
//     transaction whose snapshot another writer has replaced cannot start
//     writing: SQLITE_BUSY_SNAPSHOT, the batch rolls back and runs again on
//     the next round). So the batches of all processes run one after
//     another, each reading the maximum its predecessor committed: exactly
//     what the argument above needs, without a lock of our own (a file lock
//     beside the database would make one process the sequencer, but adds
//     nothing to correctness). TestSequencerUnderConcurrentWriters runs two
//     stores on one file, each with its sequencer.

// sequencerLock is the SQL expression of the advisory lock's name. Locks
// are server-wide, not per database: the name holds a hash of the database's
// name, so that deployments sharing a server each have a sequencer, within
// the 64 characters MySQL and TiDB allow.
const sequencerLock = "CONCAT('interlog_change_seq.', SHA1(DATABASE()))"

// FeedOptions tune RunFeed. Zero fields take the defaults.
type FeedOptions struct {
	// PollInterval is how often the sequencer looks for changes committed
	// by other replicas (a commit in this process wakes it at once), and how
	// often every replica reads the high-water sequence. Default 25ms.
	PollInterval time.Duration
	// Coalesce is the least time between the starts of two batches the
	// sequencer runs on wake-ups from commits in this process: the commits
	// of that time share one batch (one transaction) instead of one each,
	// and a commit after a quiet spell is sequenced at once. Default 25ms:
	// at 5ms the batches took a third of SQLite's write transactions under
	// load (LogInteraction with the feed 0.69-0.71 of without; 0.83-0.86 at
	// 25ms), while the delay it adds stays within the latency goal.
	Coalesce time.Duration
	// LockRetry is how often a replica that is not the sequencer tries to
	// become it. Default 2s.
	LockRetry time.Duration
	// Batch bounds the changes one sequencer transaction sequences and one
	// prune transaction deletes. Default 1000.
	Batch int
	// Retention: changes older than this are pruned; 0 keeps them forever.
	Retention time.Duration
	// PruneInterval is how often the sequencer prunes. Default 1 minute.
	PruneInterval time.Duration
	// Logger receives the sequencer's failures. Default slog.Default().
	Logger *slog.Logger
}

func (o *FeedOptions) defaults() {
	if o.PollInterval <= 0 {
		o.PollInterval = 25 * time.Millisecond
	}
	if o.Coalesce <= 0 {
		o.Coalesce = 25 * time.Millisecond
	}
	if o.LockRetry <= 0 {
		o.LockRetry = 2 * time.Second
	}
	if o.Batch <= 0 {
		o.Batch = 1000
	}
	if o.PruneInterval <= 0 {
		o.PruneInterval = time.Minute
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
}

// ChangeFeedEnabled reports whether mutations append changes.
func (s *Store) ChangeFeedEnabled() bool { return !s.feedOff }

// RunFeed runs the change feed's background work until ctx ends: the
// sequencer (when this process holds the sequencer lock), pruning (the
// sequencer does it), and the publication of the high-water sequence to
// PublishedHighWater. It returns when ctx ends.
func (s *Store) RunFeed(ctx context.Context, opts FeedOptions) {
	opts.defaults()
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); s.leadSequencing(ctx, opts) }()
	go func() { defer wg.Done(); s.publishHighWater(ctx, opts) }()
	wg.Wait()
}

// errNotSequencer: another process holds the sequencer lock.
var errNotSequencer = errors.New("another process is the sequencer")

// leadSequencing becomes the sequencer whenever it can and sequences.
func (s *Store) leadSequencing(ctx context.Context, opts FeedOptions) {
	for ctx.Err() == nil {
		err := s.asSequencer(ctx, func(db *gorm.DB) error { return s.sequenceLoop(ctx, db, opts) })
		if err != nil && !errors.Is(err, errNotSequencer) && ctx.Err() == nil {
			opts.Logger.Warn("change sequencer stopped; retrying", "error", err.Error())
		}
		sleep(ctx, opts.LockRetry)
	}
}

// asSequencer runs fn while this process holds the sequencer lock, with a
// handle on the session that holds it (MySQL), or on SQLite on a connection
// of its own: not the writers' one, where the sequencer would wait for a
// connection behind every queued call (database/sql hands a freed
// connection to a waiter picked at random). Its batches still take their
// turn between the writers' transactions (withWriterTurn), so the two
// connections of the process never write at once.
func (s *Store) asSequencer(ctx context.Context, fn func(db *gorm.DB) error) error {
	db, err := s.lock.get()
	if err != nil {
		return err
	}
	if s.dialect == SQLite {
		return fn(db.WithContext(ctx))
	}
	return db.WithContext(ctx).Connection(func(pinned *gorm.DB) error {
		// Each statement starts from a new statement on the pinned session:
		// a statement built on pinned itself would carry the clauses of the
		// ones before it (MariaDB answered the sequencer's batch with "Table
		// 'rows' doesn't exist").
		conn := func() *gorm.DB { return pinned.Session(&gorm.Session{NewDB: true}) }
		var got sql.NullInt64
		// TiDB waits at least a second for a lock that is taken; MySQL not at all.
		if err := conn().Raw("SELECT GET_LOCK(" + sequencerLock + ", 0)").Row().Scan(&got); err != nil {
			return err
		}
		if got.Int64 != 1 {
			return errNotSequencer
		}
		defer func() {
			// Released on the same session, even when ctx has ended; if the
			// session is gone, so is the lock.
			rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			defer cancel()
			conn().WithContext(rctx).Exec("SELECT RELEASE_LOCK(" + sequencerLock + ")")
		}()
		return fn(conn())
	})
}

// lockPool is a pool of one connection, opened when first needed, for the
// sequencer: on MySQL the session that holds the sequencer lock (a
// connection of the store's pool would be taken for as long as the process
// is the sequencer), on SQLite its write connection (asSequencer).
type lockPool struct {
	open func() (*gorm.DB, error)
	mu   sync.Mutex
	db   *gorm.DB
}

func (p *lockPool) get() (*gorm.DB, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.db != nil {
		return p.db, nil
	}
	db, err := p.open()
	if err != nil {
		return nil, err
	}
	if sqlDB, err := db.DB(); err == nil {
		sqlDB.SetMaxOpenConns(1)
		sqlDB.SetConnMaxLifetime(0) // a replaced connection would give the lock up
	}
	p.db = db
	return db, nil
}

func (p *lockPool) close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.db == nil {
		return
	}
	if sqlDB, err := p.db.DB(); err == nil {
		_ = sqlDB.Close()
	}
	p.db = nil
}

// sequenceLoop sequences until ctx ends or a batch fails: after a commit in
// this process (at most one batch per Coalesce), else every PollInterval;
// and prunes every PruneInterval, beside the batches. Meanwhile this process's high water is
// what its batches publish (publishHighWater reads none).
func (s *Store) sequenceLoop(ctx context.Context, db *gorm.DB, opts FeedOptions) error {
	s.sequencing.Store(true)
	defer s.sequencing.Store(false)
	poll := time.NewTicker(opts.PollInterval)
	defer poll.Stop()
	prune := time.NewTicker(opts.PruneInterval)
	defer prune.Stop()
	// Pruning runs beside the batches, one prune at a time: its
	// transactions queue with the writers' (on SQLite, behind every queued
	// call), and the batches must not wait for them.
	pruning := make(chan struct{}, 1)
	var pruners sync.WaitGroup
	defer pruners.Wait()
	startPrune := func() {
		select {
		case pruning <- struct{}{}:
			pruners.Go(func() { defer func() { <-pruning }(); s.pruneExpired(ctx, opts) })
		default: // the previous prune still runs
		}
	}
	startPrune()
	for {
		began := time.Now()
		// A conflict (two sequencers on one SQLite file, or ever on MySQL)
		// rolled its batch back: the rows are sequenced on the next round.
		if err := s.sequenceAll(ctx, db, opts.Batch); err != nil && !errors.Is(err, ErrConflict) && !errors.Is(err, errSequencerRace) {
			return err
		}
		select {
		case <-ctx.Done():
			return nil
		case <-s.sequencerWake:
			// The commits of the rest of the interval join this batch.
			sleep(ctx, opts.Coalesce-time.Since(began))
		case <-poll.C:
		case <-prune.C:
			startPrune()
		}
	}
}

// sequenceAll runs batches until one finds fewer rows than a batch, and
// publishes the high water each read or assigned (also when it assigned
// none: another process sequencing the same SQLite file may have).
func (s *Store) sequenceAll(ctx context.Context, db *gorm.DB, batch int) error {
	for {
		var n int
		var high int64
		err := s.withWriterTurn(ctx, true, func() (err error) {
			n, high, err = s.sequenceBatch(ctx, db, batch)
			return err
		})
		if err != nil {
			return err
		}
		s.highWater.publish(high)
		if n < batch {
			return nil
		}
	}
}

// errSequencerRace: a row read as unsequenced was sequenced by someone else
// before this batch updated it (two sequencers overlapped); the batch rolls
// back.
var errSequencerRace = errors.New("change sequencer: rows were sequenced concurrently")

// sequenceBatch gives up to batch committed, unsequenced rows of changes the
// next sequences, in id order, in one transaction; it returns how many rows
// and the highest sequence then assigned. See the comment at the top of the file.
func (s *Store) sequenceBatch(ctx context.Context, db *gorm.DB, batch int) (int, int64, error) {
	var n int
	var high int64
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := s.lockSequencerRow(tx); err != nil {
			return err
		}
		var top sql.NullInt64
		if err := tx.Model(&changeRow{}).Select("MAX(sequence)").Row().Scan(&top); err != nil {
			return err
		}
		rows, err := readUnsequenced(tx, batch)
		if err != nil {
			return err
		}
		base := top.Int64 // 0 when NULL: no sequence assigned yet
		if len(rows) == 0 {
			high = base
			return nil
		}
		assign, last := assignSequences(rows, base)
		res := tx.Exec(assign)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != int64(len(rows)) {
			return errSequencerRace
		}
		n, high = len(rows), last
		return nil
	}, s.txOptions())
	return n, high, classify(err)
}

// changeSequencerRow is the one row of change_sequencer, which every batch
// locks on MySQL, MariaDB and TiDB before it reads the highest sequence.
type changeSequencerRow struct {
	ID int `gorm:"primaryKey"`
}

// TableName implements gorm's Tabler.
func (changeSequencerRow) TableName() string { return "change_sequencer" }

// lockSequencerRow locks the row of change_sequencer until tx ends, so that
// batches run one after another even if two sequencers overlap. Under READ
// COMMITTED the batch's next statement then sees what the batch that held
// the lock before it committed. SQLite runs one write transaction at a time
// anyway (see the top of the file) and has no FOR UPDATE.
func (s *Store) lockSequencerRow(tx *gorm.DB) error {
	if s.dialect == SQLite {
		return nil
	}
	var id int
	return tx.Raw("SELECT id FROM change_sequencer WHERE id = 1 FOR UPDATE").Row().Scan(&id)
}

// unsequenced selects the limit first committed rows without a sequence,
// in id order, from the index idx_changes_unsequenced. MariaDB picks
// uq_changes_sequence for sequence IS NULL and sorts every unsequenced row
// by id on each batch (100 000 after a large LogSegment of the release that
// wrote a row per change): the index is named.
func unsequenced(db *gorm.DB, limit int) *gorm.DB {
	return changesByIndex(db, "idx_changes_unsequenced").Select("id", "change_count").Where("sequence IS NULL").Order("id").Limit(limit)
}

// unsequencedRow is a row the sequencer sequences.
type unsequencedRow struct {
	id, count int64
}

func readUnsequenced(tx *gorm.DB, limit int) ([]unsequencedRow, error) {
	rows, err := unsequenced(tx, limit).Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []unsequencedRow
	for rows.Next() {
		var r unsequencedRow
		if err := rows.Scan(&r.id, &r.count); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// changesByIndex selects from changes through the named index on MySQL,
// MariaDB and TiDB, whose planners otherwise pick plans that grow with the
// table for the feed's queries (TestExplainChangeQueries): a sort of every
// unsequenced row, or on TiDB a full scan for a filtered page or for the
// oldest changes. SQLite's planner reads the index in order unasked.
func changesByIndex(db *gorm.DB, index string) *gorm.DB {
	return db.Model(&changeRow{}).Table(changesTable(db, index))
}

// changesTable is the table changes, read through the named index on MySQL
// (changesByIndex), for raw SQL.
func changesTable(db *gorm.DB, index string) string {
	if db.Dialector.Name() == string(MySQL) {
		return "changes USE INDEX (" + index + ")"
	}
	return "changes"
}

// assignSequences returns the UPDATE that gives the rows (ascending ids)
// the next sequences: the row i of count c_i the sequences after those of
// the rows before it, base + c_0 + ... + c_(i-1) + 1 up to
// base + c_0 + ... + c_i, which its sequence column holds the last of; and
// that last sequence of the last row. It names the rows as runs of
// consecutive ids of equal count, sequence = id * count + offset, so that
// the rows of one large transaction (consecutive ids of full rows, mostly)
// cost one range however many they are; no other row can fall in a run,
// since every id in it was read. The values are numbers this process
// computed, written into the statement so that a batch is one statement
// whatever the engine's parameter limit.
func assignSequences(rows []unsequencedRow, base int64) (string, int64) {
	var set, where strings.Builder
	next := base + 1 // the first sequence of the next row
	for start := 0; start < len(rows); {
		end := start + 1
		for end < len(rows) && rows[end].id == rows[end-1].id+1 && rows[end].count == rows[start].count {
			end++
		}
		lo, hi, count := rows[start].id, rows[end-1].id, rows[start].count
		offset := next + count - 1 - lo*count // the last sequence of row lo, less lo*count
		fmt.Fprintf(&set, " WHEN id BETWEEN %d AND %d THEN %s%+d", lo, hi, idTimes(count), offset)
		if start > 0 {
			where.WriteString(" OR ")
		}
		fmt.Fprintf(&where, "id BETWEEN %d AND %d", lo, hi)
		next += (hi - lo + 1) * count
		start = end
	}
	return "UPDATE changes SET sequence = CASE" + set.String() + " END WHERE sequence IS NULL AND (" + where.String() + ")", next - 1
}

func idTimes(count int64) string {
	if count == 1 {
		return "id "
	}
	return fmt.Sprintf("id * %d ", count)
}

// pruneExpired deletes the changes older than the retention, in batches.
func (s *Store) pruneExpired(ctx context.Context, opts FeedOptions) {
	if opts.Retention <= 0 {
		return
	}
	cutoff := Micros(time.Now().Add(-opts.Retention))
	for ctx.Err() == nil {
		n, err := s.PruneChanges(ctx, cutoff, opts.Batch)
		if err != nil {
			opts.Logger.Warn("pruning changes failed", "error", err.Error())
			return
		}
		if n < int64(opts.Batch) {
			return
		}
	}
}

// publishHighWater reads the high-water sequence every PollInterval, so that
// the watchers of this process learn of changes another replica sequenced.
// While this process is the sequencer it reads nothing: its batches publish
// what they commit, and each reads the high water in its transaction at
// least every PollInterval.
func (s *Store) publishHighWater(ctx context.Context, opts FeedOptions) {
	t := time.NewTicker(opts.PollInterval)
	defer t.Stop()
	for {
		if !s.sequencing.Load() {
			if high, err := s.ChangeHighWater(ctx); err == nil {
				s.highWater.publish(high)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// PublishedHighWater returns the high-water sequence RunFeed last published
// in this process and a channel that is closed when it grows. It may lag
// the database by RunFeed's PollInterval when another replica sequences.
func (s *Store) PublishedHighWater() (int64, <-chan struct{}) { return s.highWater.get() }

// highWater is the published high-water sequence and a channel closed when
// it grows.
type highWater struct {
	mu      sync.Mutex
	value   int64
	changed chan struct{}
}

func newHighWater() *highWater { return &highWater{changed: make(chan struct{})} }

// publish raises the value to v (never lowers it) and wakes the waiters.
func (h *highWater) publish(v int64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if v <= h.value {
		return
	}
	h.value = v
	close(h.changed)
	h.changed = make(chan struct{})
}

func (h *highWater) get() (int64, <-chan struct{}) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.value, h.changed
}

// wakeSequencer tells the sequencer that a transaction committed, so that it
// sequences the transaction's changes now instead of at its next poll. It
// never blocks: one pending signal covers every commit before it is taken.
func (s *Store) wakeSequencer() {
	select {
	case s.sequencerWake <- struct{}{}:
	default:
	}
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
