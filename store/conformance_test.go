package store_test

import (
	"context"
	"testing"

	"github.com/interlog/interlog/internal/faultdb"
	"github.com/interlog/interlog/internal/testdb"
	"github.com/interlog/interlog/store"
	"github.com/interlog/interlog/store/storetest"
)

// TestConformance runs the store's conformance suite on each engine of internal/testdb,
// every test on an empty, migrated database of the pool.
func TestConformance(t *testing.T) {
	for _, engine := range testdb.Engines() {
		t.Run(engine, func(t *testing.T) {
			storetest.Run(t, func(t *testing.T) *store.Store { return openPooled(t, engine, store.Options{}) })
		})
	}
}

// faultRate is the fraction of transactions TestConformanceUnderRandomDeadlocks fails once.
const faultRate = 0.05

// TestConformanceUnderRandomDeadlocks runs the suite again with a deadlock injected into
// a twentieth of the transactions (internal/faultdb): the store retries conflicts, so
// every test must pass as it does without them. A failure logs the seed that repeats it
// (INTERLOG_TEST_FAULT_SEED).
func TestConformanceUnderRandomDeadlocks(t *testing.T) {
	for _, engine := range testdb.Engines() {
		t.Run(engine, func(t *testing.T) {
			storetest.Run(t, func(t *testing.T) *store.Store {
				in := faultdb.New()
				s := openPooled(t, engine, store.Options{WrapConnector: in.Wrap})
				_, seed, _ := faultdb.RandomFromEnv(t)
				in.InjectRandomlyFor(t, faultRate, seed)
				return s
			})
		})
	}
}

// openPooled opens a store on an empty, migrated database of the engine from the pool; the
// database goes back to the pool when the test passes.
func openPooled(t *testing.T, engine string, opts store.Options) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), store.TestDatabases.URL(t, engine), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}
