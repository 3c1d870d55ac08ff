package store

import (
	"context"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/interlog/interlog/internal/testdb"
)

// TestFeedReadsDoNotWaitForWriters: while every connection of the writers'
// pool is held by a transaction that waits, the feed's reads (high water,
// oldest sequence, a page of changes) are answered from their own pool, and
// see committed changes only: a change one of the waiting transactions
// inserted and sequenced shows once it commits (on SQLite, a read-only
// connection beside the writer, in WAL mode).
func TestFeedReadsDoNotWaitForWriters(t *testing.T) {
	for _, engine := range testdb.Engines() {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			s, err := Open(ctx, databases.URL(t, engine), Options{MaxOpenConns: 2})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if err := s.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			if err := s.AppendChanges(ctx, "alice", "", entryChange(1, "P1", "C1")); err != nil {
				t.Fatal(err)
			}
			sequenceNow(t, s)
			release, done := holdWriters(t, s)
			readCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
			defer cancel()
			assertFeedShows(t, readCtx, s, 1)
			release()
			for range cap(done) {
				if err := <-done; err != nil {
					t.Fatal(err)
				}
			}
			assertFeedShows(t, readCtx, s, 2)
		})
	}
}

// holdWriters takes every connection of s's writers' pool with a transaction
// that waits until release is called (at the latest when the test ends); the
// first also appends a change and gives it sequence 2 (uncommitted until
// then). done receives each transaction's result.
func holdWriters(t *testing.T, s *Store) (release func(), done chan error) {
	t.Helper()
	conns := 2
	if s.dialect == SQLite {
		conns = 1
	}
	released := make(chan struct{})
	release = sync.OnceFunc(func() { close(released) })
	t.Cleanup(release)
	done = make(chan error, conns)
	holding := make(chan struct{}, conns)
	for i := range conns {
		go func() {
			done <- s.RunInTx(context.Background(), Actor{Principal: "bob"}, func(tx *Tx) error {
				if i == 0 {
					if err := tx.AppendChanges(entryChange(2, "P2", "C2")); err != nil {
						return err
					}
					if err := tx.db.Exec("UPDATE changes SET sequence = 2 WHERE sequence IS NULL").Error; err != nil {
						return err
					}
				} else if err := tx.db.Exec("SELECT 1").Error; err != nil {
					return err
				}
				holding <- struct{}{}
				<-released
				return nil
			})
		}()
	}
	for range conns {
		select {
		case <-holding:
		case err := <-done:
			t.Fatalf("holding a writer: %v", err)
		}
	}
	if _, inUse, _, _, _ := s.PoolStats(); inUse != conns {
		t.Fatalf("%d writers' connections in use, want %d", inUse, conns)
	}
	return release, done
}

// assertFeedShows checks that the feed's reads show changes 1..high.
func assertFeedShows(t *testing.T, ctx context.Context, s *Store, high int64) {
	t.Helper()
	got, err := s.ChangeHighWater(ctx)
	if err != nil || got != high {
		t.Fatalf("high water %d, %v; want %d", got, err, high)
	}
	if oldest, err := s.OldestChangeSequence(ctx); err != nil || oldest != 1 {
		t.Fatalf("oldest sequence %d, %v; want 1", oldest, err)
	}
	changes, err := s.ListChanges(ctx, 0, 100, ChangeFilter{}, 100)
	if err != nil || int64(len(changes)) != high {
		t.Fatalf("listed %d changes, %v; want %d", len(changes), err, high)
	}
}

// TestCoalescedSequencerWakesForOneCommit: with polling out of the way, one
// commit still wakes the sequencer, which sequences it after at most the
// coalescing interval, and the published high water grows.
func TestCoalescedSequencerWakesForOneCommit(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store) {
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() {
			defer close(done)
			s.RunFeed(ctx, FeedOptions{PollInterval: time.Hour, Coalesce: 50 * time.Millisecond})
		}()
		defer func() { cancel(); <-done }()
		for !s.sequencing.Load() {
			time.Sleep(time.Millisecond)
		}
		for n := int64(1); n <= 3; n++ {
			_, grew := s.PublishedHighWater()
			if err := s.AppendChanges(ctx, "alice", "", entryChange(n, "P1", "")); err != nil {
				t.Fatal(err)
			}
			select {
			case <-grew:
			case <-time.After(20 * time.Second):
				t.Fatalf("change %d: the published high water did not grow", n)
			}
			if high, _ := s.PublishedHighWater(); high != n {
				t.Fatalf("published high water %d, want %d", high, n)
			}
		}
	})
}

// TestSQLiteSequencerGoesBeforeQueuedWriters: on SQLite's one connection, a
// sequencer batch that arrives while writers queue runs before them, after
// the transaction that holds the connection and at most the writer at the
// head of the queue.
func TestSQLiteSequencerGoesBeforeQueuedWriters(t *testing.T) {
	ctx := context.Background()
	s := openMigrated(t, databases.URL(t, string(SQLite)))
	release, held := holdWriters(t, s) // its change is sequence 2 (holdWriters)
	const queued = 5
	writers := make(chan error, queued)
	for i := range queued {
		go func() { writers <- s.AppendChanges(ctx, "bob", "", entryChange(int64(10+i), "P3", "C3")) }()
	}
	time.Sleep(200 * time.Millisecond) // the writers queue
	sequenced := make(chan error, 1)
	go func() {
		sequenced <- s.asSequencer(ctx, func(db *gorm.DB) error { return s.sequenceAll(ctx, db, 1000) })
	}()
	time.Sleep(200 * time.Millisecond) // the sequencer queues
	release()
	if err := <-held; err != nil {
		t.Fatal(err)
	}
	if err := <-sequenced; err != nil {
		t.Fatal(err)
	}
	if high, _ := s.PublishedHighWater(); high > 3 {
		t.Errorf("the sequencer's batch ended at sequence %d: it ran after %d queued writers, want at most one", high, high-2)
	}
	for range queued {
		if err := <-writers; err != nil {
			t.Fatal(err)
		}
	}
}
