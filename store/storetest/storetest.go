// Package storetest is the conformance suite of the store: what the server relies on a
// *store.Store to do, checked through its exported API only, on whatever database and
// driver the caller opened it with.
//
// A conforming store, given a migrated, empty database:
//   - creates, reads, updates and deletes its resources with their etags: a taken code is
//     ErrAlreadyExists, a stale etag ErrEtagMismatch, a missing row ErrNotFound, a delete
//     that would orphan something ErrPrecondition, each with its store.Reason, and a refused
//     write leaves nothing behind; lists page by key, never repeating or skipping a row;
//   - logs interactions through one pipeline (LogInteraction, BatchLogInteractions,
//     LogSegment): the template's and the contact's values as defaults, overrides winning,
//     every missing reference named, all or nothing where the call says so;
//   - keeps its resources' relations: contacts and their companies, the setup and the
//     templates it names, a cancel, restore or evaluation all or nothing, a logged
//     segment's cancel and restore carried to its entries, deleting canceled entries or
//     logged segments removing exactly those (in batches, never an entry restored
//     meanwhile) with what only they used;
//   - keeps what it derives exact: comment counts, the statistics and summaries of entries
//     (in every time zone, with sums beyond int64), totals of groups and templates;
//   - stores attachments within their upload limit, sweeps abandoned uploads and never a
//     complete one, releases an attachment only when nothing else uses it;
//   - forgets request records (idempotency) older than it is told, and only those.
//
// Run takes a function that opens such a store for each test, so the caller chooses the
// engine (SQLite, MySQL, TiDB: store/conformance_test.go runs the suite on each engine of
// internal/testdb, from its pool of migrated databases) or anything in front of it. To
// run it against a store opened through a wrapped driver, for instance one that injects
// faults, open the *store.Store with the wrapper in its store.Options:
//
//	func TestStoreThroughWrapper(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) *store.Store {
//			ctx := context.Background()
//			// A database of its own per test: testdb.URL(t, engine), or a testdb.Pool's URL
//			// (migrated already, so that Migrate below does nothing).
//			s, err := store.Open(ctx, testdb.URL(t, "mysql"), store.Options{ /* the wrapper */ })
//			if err != nil {
//				t.Fatal(err)
//			}
//			t.Cleanup(func() { _ = s.Close() })
//			if err := s.Migrate(ctx); err != nil {
//				t.Fatal(err)
//			}
//			return s
//		})
//	}
//
// open must return a migrated store with no rows, closed when the test ends (t.Cleanup),
// and fail the test when it cannot; Run checks the schema before each test. The suite
// expects every call to succeed or fail as the contract says, so a fault-injecting wrapper
// passes it with the faults the store must absorb (conflicts and deadlocks RunInTx
// retries, connections lost between transactions); faults that must reach the caller
// (UNAVAILABLE, a commit whose outcome is unknown) belong to the wrapper's own tests.
//
// The suite takes the concrete *store.Store, not an interface of its methods: the server's
// services declare the few methods each calls beside them (server/), the store's writes
// run in a *store.Tx that only the store makes, and another store worth checking is the
// same code over another database or driver, which store.Options already opens. An
// interface here would have to mirror the whole store, Tx included, and be kept in step
// with it for no second implementation.
//
// Tests that need the store's internals stay in package store: query plans (EXPLAIN),
// migrations and schema checks, the change feed and its sequencer, error classification,
// statement counts and storage broken on purpose.
package storetest

import (
	"context"
	"testing"

	"github.com/interlog/interlog/store"
)

// A test is one check of the contract, on a store of its own.
type test struct {
	name string
	run  func(t *testing.T, s *store.Store)
}

// tests is the suite, grouped by the store file whose operations each checks.
var tests = [][]test{
	attachmentTests,
	commentTests,
	contactTests,
	deleteCanceledTests,
	groupTests,
	idempotencyTests,
	interactionLogTests,
	interactionLogOpsTests,
	loggedSegmentTests,
	segmentTests,
	setupTests,
	statisticsTests,
	templateTests,
}

// Run runs every test of the suite as a subtest of t, each on a store that open gives it.
// The subtests run one after the other: some of them race writers of their own against
// the store, and the engines under test are shared by every package's tests.
func Run(t *testing.T, open func(t *testing.T) *store.Store) {
	for _, group := range tests {
		for _, tc := range group {
			t.Run(tc.name, func(t *testing.T) { tc.run(t, mustOpen(t, open)) })
		}
	}
}

// mustOpen calls open and checks that it kept its side of the contract: a migrated store.
func mustOpen(t *testing.T, open func(t *testing.T) *store.Store) *store.Store {
	t.Helper()
	s := open(t)
	if err := s.CheckSchema(context.Background()); err != nil {
		t.Fatalf("open gave a store that is not migrated: %v", err)
	}
	return s
}
