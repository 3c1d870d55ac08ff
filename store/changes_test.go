package store

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/interlog/interlog/internal/testdb"
)

// sequenceNow sequences every committed change, as the sequencer loop would.
func sequenceNow(t *testing.T, s *Store) {
	t.Helper()
	if err := s.sequenceAll(context.Background(), s.db, 1000); err != nil {
		t.Fatal(err)
	}
}

// listAll reads every change after a sequence, unfiltered.
func listAll(t *testing.T, s *Store, after int64) []StoredChange {
	t.Helper()
	got, err := s.ListChanges(context.Background(), after, 1<<62, ChangeFilter{}, 1000)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func entryChange(no int64, contact, company string) Change {
	e := InteractionLogEntry{EntryNo: no, ContactNo: contact, ContactCompanyNo: company,
		TemplateCode: "CALL", GroupCode: "PHONE", Description: "call " + contact, CostMicros: 12_500_000}
	return Change{Kind: ChangeEntryLogged, ResourceType: ResourceEntry, Key: strconv.FormatInt(no, 10),
		ContactNo: contact, ContactCompanyNo: company, TemplateCode: "CALL", GroupCode: "PHONE", Resource: e}
}

func TestAppendedChangesComeBackInOrder(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		entry := entryChange(10000, "P1", "C1")
		deleted := Change{Kind: ChangeContactDeleted, ResourceType: ResourceContact, Key: "P9", ContactNo: "P9"}
		comment := Change{Kind: ChangeCommentCreated, ResourceType: ResourceComment, Key: ChangeKey("10000", "7"),
			ContactNo: "P1", Resource: InteractionLogComment{ID: 7, EntryNo: 10000, Text: "hello"}}
		if err := s.AppendChanges(ctx, "alice", "req-1", entry, deleted); err != nil {
			t.Fatal(err)
		}
		if err := s.AppendChanges(ctx, "bob", "", comment); err != nil {
			t.Fatal(err)
		}
		if got := listAll(t, s, 0); len(got) != 0 {
			t.Fatalf("before sequencing the feed shows %d changes", len(got))
		}
		sequenceNow(t, s)
		got := listAll(t, s, 0)
		if len(got) != 3 {
			t.Fatalf("got %d changes, want 3", len(got))
		}
		for i, want := range []Change{entry, deleted, comment} {
			if got[i].Sequence != int64(i+1) {
				t.Errorf("change %d has sequence %d", i, got[i].Sequence)
			}
			if !reflect.DeepEqual(got[i].Change, want) {
				t.Errorf("change %d = %+v, want %+v", i, got[i].Change, want)
			}
		}
		if got[0].Principal != "alice" || got[0].RequestID != "req-1" || got[2].Principal != "bob" || got[0].ChangeTime == 0 {
			t.Errorf("actors: %+v / %+v", got[0], got[2])
		}
		if parts := got[2].KeyParts(); !reflect.DeepEqual(parts, []string{"10000", "7"}) {
			t.Errorf("comment key parts %q", parts)
		}
		if high, err := s.ChangeHighWater(ctx); err != nil || high != 3 {
			t.Errorf("high water %d, %v", high, err)
		}
		if rest := listAll(t, s, 2); len(rest) != 1 || rest[0].Sequence != 3 {
			t.Errorf("after 2: %+v", rest)
		}
	})
}

func TestChangeFeedOffAppendsNothing(t *testing.T) {
	for _, engine := range testdb.Engines() {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			s, err := Open(ctx, testdb.URL(t, engine), Options{DisableChangeFeed: true})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = s.Close() })
			if err := s.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			if err := s.AppendChanges(ctx, "alice", "", entryChange(1, "P1", "")); err != nil {
				t.Fatal(err)
			}
			var n int64
			if err := s.db.Model(&changeRow{}).Count(&n).Error; err != nil || n != 0 {
				t.Fatalf("%d rows, %v", n, err)
			}
		})
	}
}

func TestChangeFilters(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		changes := []Change{
			entryChange(1, "C1", "C1"), // the company's own entry
			entryChange(2, "P1", "C1"), // its person's
			entryChange(3, "P2", ""),
			{Kind: ChangeContactUpdated, ResourceType: ResourceContact, Key: "P1", ContactNo: "P1", ContactCompanyNo: "C1", Resource: Contact{No: "P1", CompanyNo: "C1"}},
			{Kind: ChangeTemplateUpdated, ResourceType: ResourceTemplate, Key: "MAIL", TemplateCode: "MAIL", GroupCode: "LETTERS", Resource: InteractionTemplate{Code: "MAIL", GroupCode: "LETTERS"}},
			{Kind: ChangeGroupDeleted, ResourceType: ResourceGroup, Key: "PHONE", GroupCode: "PHONE"},
		}
		if err := s.AppendChanges(ctx, "alice", "", changes...); err != nil {
			t.Fatal(err)
		}
		sequenceNow(t, s)
		for _, tc := range []struct {
			name   string
			filter ChangeFilter
			want   []int64
		}{
			{"none", ChangeFilter{}, []int64{1, 2, 3, 4, 5, 6}},
			{"contact", ChangeFilter{ContactNo: "C1"}, []int64{1}},
			{"company with persons", ChangeFilter{ContactNo: "C1", IncludeCompanyPersons: true}, []int64{1, 2, 4}},
			{"person", ChangeFilter{ContactNo: "P1"}, []int64{2, 4}},
			{"template", ChangeFilter{TemplateCode: "MAIL"}, []int64{5}},
			{"group", ChangeFilter{GroupCode: "PHONE"}, []int64{1, 2, 3, 6}},
			{"kinds", ChangeFilter{Kinds: []ChangeKind{ChangeContactUpdated, ChangeGroupDeleted}}, []int64{4, 6}},
			{"types", ChangeFilter{ResourceTypes: []ResourceType{ResourceEntry}}, []int64{1, 2, 3}},
			{"type and contact", ChangeFilter{ResourceTypes: []ResourceType{ResourceContact}, ContactNo: "C1", IncludeCompanyPersons: true}, []int64{4}},
		} {
			got, err := s.ListChanges(ctx, 0, 100, tc.filter, 100)
			if err != nil {
				t.Fatal(err)
			}
			var seqs []int64
			for _, c := range got {
				seqs = append(seqs, c.Sequence)
			}
			if !reflect.DeepEqual(seqs, tc.want) {
				t.Errorf("%s: sequences %v, want %v", tc.name, seqs, tc.want)
			}
		}
		// upTo bounds the read.
		if got, err := s.ListChanges(ctx, 0, 2, ChangeFilter{}, 100); err != nil || len(got) != 2 {
			t.Errorf("up to 2: %d, %v", len(got), err)
		}
	})
}

func TestPruneChangesKeepsAPrefixAndTheNewest(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		for i := range 5 {
			if err := s.AppendChanges(ctx, "alice", "", entryChange(int64(i+1), "P1", "")); err != nil {
				t.Fatal(err)
			}
		}
		sequenceNow(t, s)
		// Sequences 1, 2 and 4 are old, 3 is new: only 1 and 2 may go.
		old := nowMicros() - 10*time.Hour.Microseconds()
		if err := s.db.Model(&changeRow{}).Where("sequence IN ?", []int64{1, 2, 4}).Update("change_time", old).Error; err != nil {
			t.Fatal(err)
		}
		cutoff := nowMicros() - time.Hour.Microseconds()
		if n, err := s.PruneChanges(ctx, cutoff, 1); err != nil || n != 1 {
			t.Fatalf("first batch deleted %d, %v", n, err)
		}
		if n, err := s.PruneChanges(ctx, cutoff, 10); err != nil || n != 1 {
			t.Fatalf("second batch deleted %d, %v", n, err)
		}
		if n, err := s.PruneChanges(ctx, cutoff, 10); err != nil || n != 0 {
			t.Fatalf("third batch deleted %d, %v", n, err)
		}
		if oldest, err := s.OldestChangeSequence(ctx); err != nil || oldest != 3 {
			t.Fatalf("oldest %d, %v", oldest, err)
		}
		// A reader after 1 missed 2: expired, naming the oldest kept.
		_, err := s.ListChanges(ctx, 1, 100, ChangeFilter{}, 10)
		var se *Error
		if !errors.As(err, &se) || se.Reason != ReasonChangesExpired || !errors.Is(err, ErrPrecondition) {
			t.Fatalf("after 1: %v", err)
		}
		if want := "the oldest change kept is sequence 3"; !strings.Contains(se.Message, want) {
			t.Errorf("message %q lacks %q", se.Message, want)
		}
		// A filtered reader after 1 is expired too, although nothing it
		// wants was pruned: it cannot know that.
		if _, err := s.ListChanges(ctx, 1, 100, ChangeFilter{ContactNo: "NONE"}, 10); !errors.Is(err, ErrPrecondition) {
			t.Errorf("filtered after 1: %v", err)
		}
		if got := listAll(t, s, 2); len(got) != 3 {
			t.Errorf("after 2: %d changes, want 3", len(got))
		}
		// Everything old: all but the newest go, and sequencing continues above it.
		if err := s.db.Model(&changeRow{}).Where("1 = 1").Update("change_time", old).Error; err != nil {
			t.Fatal(err)
		}
		if n, err := s.PruneChanges(ctx, cutoff, 10); err != nil || n != 2 {
			t.Fatalf("deleted %d, %v", n, err)
		}
		if err := s.AppendChanges(ctx, "alice", "", entryChange(6, "P1", "")); err != nil {
			t.Fatal(err)
		}
		sequenceNow(t, s)
		if got := listAll(t, s, 4); len(got) != 2 || got[0].Sequence != 5 || got[1].Sequence != 6 {
			t.Errorf("after pruning all but the newest: %+v", got)
		}
	})
}

// TestSequenceFollowsCommitOrder: a change with a smaller id that commits
// after a later one was sequenced gets the larger sequence. MySQL only: on
// SQLite two write transactions cannot be open at once.
func TestSequenceFollowsCommitOrder(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store) {
		if s.dialect == SQLite {
			t.Skip("SQLite runs one write transaction at a time")
		}
		ctx := context.Background()
		tx := s.db.WithContext(ctx).Begin(s.txOptions())
		slow := &Tx{db: tx, actor: Actor{Principal: "slow"}, store: s}
		if err := slow.appendChanges(entryChange(1, "P1", "")); err != nil {
			t.Fatal(err)
		}
		if err := s.AppendChanges(ctx, "fast", "", entryChange(2, "P2", "")); err != nil {
			t.Fatal(err)
		}
		sequenceNow(t, s)
		if err := tx.Commit().Error; err != nil {
			t.Fatal(err)
		}
		sequenceNow(t, s)
		got := listAll(t, s, 0)
		if len(got) != 2 || got[0].Principal != "fast" || got[1].Principal != "slow" {
			t.Fatalf("feed %+v, want fast then slow", got)
		}
		var ids []int64
		s.db.Model(&changeRow{}).Order("sequence").Pluck("id", &ids)
		if ids[0] < ids[1] {
			t.Errorf("ids in sequence order %v: the slow change should have the smaller id", ids)
		}
	})
}

// TestSequencerUnderConcurrentWriters: writers append changes in
// transactions that commit out of id order (and some roll back), through two
// stores on one database that both run the feed (two replicas: on MySQL one
// holds the lock; on SQLite both sequence), while a reader keeps reading
// after the last sequence it saw. It must never see a sequence at or below
// one it saw, and must end with every committed change exactly once and no
// rolled-back one.
func TestSequencerUnderConcurrentWriters(t *testing.T) {
	for _, engine := range testdb.Engines() {
		t.Run(engine, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			url := testdb.URL(t, engine)
			a := openMigrated(t, url)
			b := openMigrated(t, url)
			var feeds sync.WaitGroup
			for _, s := range []*Store{a, b} {
				feeds.Add(1)
				go func() {
					defer feeds.Done()
					s.RunFeed(ctx, FeedOptions{PollInterval: 5 * time.Millisecond, LockRetry: 50 * time.Millisecond})
				}()
			}
			defer feeds.Wait()
			defer cancel()

			const writers, perWriter = 8, 40
			committed := make(chan string, writers*perWriter)
			var wg sync.WaitGroup
			for w := range writers {
				s := []*Store{a, b}[w%2]
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := range perWriter {
						key := fmt.Sprintf("%d-%d", w, i)
						err := s.RunInTx(ctx, Actor{Principal: "w"}, func(tx *Tx) error {
							c := entryChange(int64(w*1000+i), "P1", "")
							c.Key = key
							if err := tx.AppendChanges(c, c); err != nil {
								return err
							}
							// Hold the transaction open a little, so that later ids commit first.
							time.Sleep(time.Duration(rand.IntN(3)) * time.Millisecond)
							if i%7 == 3 {
								return errRollBack
							}
							return nil
						})
						switch {
						case err == nil:
							committed <- key
						case errors.Is(err, errRollBack):
						default:
							t.Errorf("writer %d: %v", w, err)
							return
						}
					}
				}()
			}
			writersDone := make(chan struct{})
			go func() { wg.Wait(); close(writersDone) }()

			seen := map[string]int{}
			last := int64(0)
			read := func() {
				for _, s := range []*Store{a, b} {
					high, err := s.ChangeHighWater(ctx)
					if err != nil {
						t.Fatal(err)
					}
					got, err := s.ListChanges(ctx, last, high, ChangeFilter{}, 50)
					if err != nil {
						t.Fatal(err)
					}
					for _, c := range got {
						if c.Sequence != last+1 {
							t.Fatalf("read sequence %d after %d", c.Sequence, last)
						}
						last = c.Sequence
						seen[c.Key]++
					}
				}
			}
			for done := false; !done; {
				select {
				case <-writersDone:
					done = true
				default:
				}
				read()
			}
			close(committed)
			want := map[string]bool{}
			for key := range committed {
				want[key] = true
			}
			// Wait until the feed has caught up with every committed change.
			deadline := time.Now().Add(30 * time.Second)
			for len(seen) < len(want) && time.Now().Before(deadline) {
				read()
				time.Sleep(5 * time.Millisecond)
			}
			for key := range want {
				if seen[key] != 2 {
					t.Errorf("committed change %s seen %d times, want 2 (one transaction appended it twice)", key, seen[key])
				}
			}
			for key := range seen {
				if !want[key] {
					t.Errorf("change %s was seen but its transaction rolled back", key)
				}
			}
			if engine != string(SQLite) {
				// The case at issue happened: some change with a smaller id
				// was sequenced after one with a larger id.
				var ids []int64
				if err := a.db.Model(&changeRow{}).Order("sequence").Pluck("id", &ids).Error; err != nil {
					t.Fatal(err)
				}
				inversions := 0
				for i := 1; i < len(ids); i++ {
					if ids[i] < ids[i-1] {
						inversions++
					}
				}
				if inversions == 0 {
					t.Errorf("no change committed out of id order; the test did not test the sequencer")
				}
				t.Logf("%d changes, %d sequenced after a change with a larger id", len(ids), inversions)
			}
			if len(want) == 0 || len(want) == writers*perWriter {
				t.Errorf("%d of %d transactions committed: the test should mix commits and rollbacks", len(want), writers*perWriter)
			}
		})
	}
}

var errRollBack = errors.New("roll back")

func openMigrated(t testing.TB, url string) *Store {
	t.Helper()
	ctx := context.Background()
	s, err := Open(ctx, url, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return s
}

// TestOneSequencerHoldsTheLock: of two stores on one MySQL database, one
// gets the sequencer lock and the other is refused while it holds it; a store
// on another database of the same server has a lock of its own (advisory
// locks are server-wide).
func TestOneSequencerHoldsTheLock(t *testing.T) {
	for _, engine := range testdb.Engines() {
		t.Run(engine, func(t *testing.T) {
			if engine == string(SQLite) {
				t.Skip("SQLite has no advisory lock; see sequencer.go")
			}
			ctx := context.Background()
			url := testdb.URL(t, engine)
			s, other := openMigrated(t, url), openMigrated(t, url)
			held := make(chan struct{})
			release := make(chan struct{})
			done := make(chan error, 1)
			go func() {
				done <- s.asSequencer(ctx, func(*gorm.DB) error { close(held); <-release; return nil })
			}()
			select {
			case <-held:
			case err := <-done:
				t.Fatalf("first sequencer: %v", err)
			}
			if err := other.asSequencer(ctx, func(*gorm.DB) error { return nil }); !errors.Is(err, errNotSequencer) {
				t.Errorf("second sequencer: %v, want errNotSequencer", err)
			}
			elsewhere := openMigrated(t, testdb.URL(t, engine))
			if err := elsewhere.asSequencer(ctx, func(*gorm.DB) error { return nil }); err != nil {
				t.Errorf("sequencer of another database on the same server: %v", err)
			}
			close(release)
			if err := <-done; err != nil {
				t.Fatal(err)
			}
			if err := other.asSequencer(ctx, func(*gorm.DB) error { return nil }); err != nil {
				t.Errorf("after release: %v", err)
			}
		})
	}
}

// TestRunFeedPrunes: the sequencer prunes the changes older than the
// retention in batches, keeping the newest.
func TestRunFeedPrunes(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store) {
		ctx, cancel := context.WithCancel(context.Background())
		for i := range 25 {
			if err := s.AppendChanges(ctx, "alice", "", entryChange(int64(i+1), "P1", "")); err != nil {
				t.Fatal(err)
			}
		}
		sequenceNow(t, s)
		done := make(chan struct{})
		go func() {
			defer close(done)
			s.RunFeed(ctx, FeedOptions{Retention: time.Nanosecond, PruneInterval: 10 * time.Millisecond, Batch: 10})
		}()
		defer func() { cancel(); <-done }()
		deadline := time.Now().Add(30 * time.Second)
		for {
			oldest, err := s.OldestChangeSequence(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if oldest == 25 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("oldest sequence still %d", oldest)
			}
			time.Sleep(10 * time.Millisecond)
		}
		if high, err := s.ChangeHighWater(ctx); err != nil || high != 25 {
			t.Errorf("high water %d, %v", high, err)
		}
	})
}

func TestAssignSequencesNamesRuns(t *testing.T) {
	rows := []unsequencedRow{{3, 1}, {4, 1}, {5, 1}, {9, 1}, {11, 500}, {12, 500}, {13, 37}}
	got, last := assignSequences(rows, 100)
	// 3-5: 101-103; 9: 104; 11: 105-604; 12: 605-1104; 13: 1105-1141.
	want := "UPDATE changes SET sequence = CASE WHEN id BETWEEN 3 AND 5 THEN id +98 WHEN id BETWEEN 9 AND 9 THEN id +95" +
		" WHEN id BETWEEN 11 AND 12 THEN id * 500 -4896 WHEN id BETWEEN 13 AND 13 THEN id * 37 +660 END" +
		" WHERE sequence IS NULL AND (id BETWEEN 3 AND 5 OR id BETWEEN 9 AND 9 OR id BETWEEN 11 AND 12 OR id BETWEEN 13 AND 13)"
	if got != want || last != 1141 {
		t.Errorf("got  %s (last %d)\nwant %s (last 1141)", got, last, want)
	}
}
