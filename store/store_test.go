package store

import (
	"context"
	"os"
	"sort"
	"sync"
	"testing"

	"gorm.io/gorm/schema"

	"github.com/interlog/interlog/internal/testdb"
)

func TestMain(m *testing.M) {
	code := m.Run()
	testdb.Shutdown()
	os.Exit(code)
}

// forEachStore runs fn on a freshly migrated store of each engine: the
// conformance suite every store test belongs to.
func forEachStore(t *testing.T, fn func(t *testing.T, s *Store)) {
	t.Helper()
	for _, engine := range testdb.Engines() {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			s, err := Open(ctx, testdb.URL(t, engine), Options{})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = s.Close() })
			if err := s.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			fn(t, s)
		})
	}
}

// TestMigratedSchemaMatchesModels proves that migrating an empty database
// produces exactly the tables and columns the models read and write.
func TestMigratedSchemaMatchesModels(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store) {
		want := map[string]bool{schemaTable: true}
		for _, model := range allModels {
			stmt, err := schema.Parse(model, &sync.Map{}, s.db.NamingStrategy)
			if err != nil {
				t.Fatal(err)
			}
			want[stmt.Table] = true
			types, err := s.db.Migrator().ColumnTypes(model)
			if err != nil {
				t.Fatalf("%s: %v", stmt.Table, err)
			}
			var have, expect []string
			for _, ct := range types {
				have = append(have, ct.Name())
			}
			for _, f := range stmt.Fields {
				if f.DBName != "" {
					expect = append(expect, f.DBName)
				}
			}
			sort.Strings(have)
			sort.Strings(expect)
			if !equal(have, expect) {
				t.Errorf("table %s has columns %v, model %T expects %v", stmt.Table, have, model, expect)
			}
		}
		tables, err := s.db.Migrator().GetTables()
		if err != nil {
			t.Fatal(err)
		}
		for _, table := range tables {
			if !want[table] && table != "sqlite_sequence" {
				t.Errorf("table %s has no model", table)
			}
		}
		if err := s.CheckSchema(context.Background()); err != nil {
			t.Fatalf("freshly migrated schema: %v", err)
		}
		// Migrating again is a no-op.
		if err := s.Migrate(context.Background()); err != nil {
			t.Fatalf("second migrate: %v", err)
		}
	})
}

func TestCheckSchemaRefusesAnEmptyDatabase(t *testing.T) {
	for _, engine := range testdb.Engines() {
		t.Run(engine, func(t *testing.T) {
			s, err := Open(context.Background(), testdb.URL(t, engine), Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if err := s.CheckSchema(context.Background()); err != ErrSchemaOutdated {
				t.Fatalf("CheckSchema on an empty database = %v, want ErrSchemaOutdated", err)
			}
		})
	}
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
