package store_test

import (
	"context"
	"testing"

	"github.com/interlog/interlog/internal/testdb"
	"github.com/interlog/interlog/store"
	"github.com/interlog/interlog/store/storetest"
)

// TestConformance runs the store's conformance suite on each engine of internal/testdb,
// every test on an empty, migrated database of the pool.
func TestConformance(t *testing.T) {
	for _, engine := range testdb.Engines() {
		t.Run(engine, func(t *testing.T) {
			storetest.Run(t, func(t *testing.T) *store.Store { return openPooled(t, engine) })
		})
	}
}

// openPooled opens a store on an empty, migrated database of the engine from the pool; the
// database goes back to the pool when the test passes.
func openPooled(t *testing.T, engine string) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), store.TestDatabases.URL(t, engine), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}
