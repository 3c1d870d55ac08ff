package store

import (
	"context"
	"fmt"
	"os"
	"slices"
	"sort"
	"strings"
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

// databases are the migrated databases that forEachStore and the conformance suite reuse
// from test to test (a fresh one costs seconds of DDL on TiDB).
var databases = testdb.NewPool(func(url string) error {
	ctx := context.Background()
	s, err := Open(ctx, url, Options{})
	if err != nil {
		return err
	}
	defer s.Close()
	return s.Migrate(ctx)
})

// forEachStore runs fn on an empty, migrated store of each engine, for the tests that need
// the store's internals; the tests of its exported behaviour are the conformance suite
// (storetest, run by conformance_test.go).
func forEachStore(t *testing.T, fn func(t *testing.T, s *Store)) {
	t.Helper()
	forEachStoreOn(t, databases.URL, fn)
}

// forEachStoreOn is forEachStore on the databases that url gives.
func forEachStoreOn(t *testing.T, url func(testing.TB, string) string, fn func(t *testing.T, s *Store)) {
	t.Helper()
	for _, engine := range testdb.Engines() {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			s, err := Open(ctx, url(t, engine), Options{})
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
	forEachStoreOn(t, testdb.URL, func(t *testing.T, s *Store) {
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
			if !slices.Equal(have, expect) {
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

// TestMigrateFromEveryEarlierVersion migrates a database that stopped at each
// earlier schema version to the latest, and checks that it ends with the
// indexes of a database migrated from empty.
func TestMigrateFromEveryEarlierVersion(t *testing.T) {
	for _, engine := range testdb.Engines() {
		t.Run(engine, func(t *testing.T) {
			want := entryIndexes(t, openAt(t, engine, migrationIDs[len(migrationIDs)-1]))
			for _, from := range migrationIDs[:len(migrationIDs)-1] {
				s := openAt(t, engine, from)
				if err := s.CheckSchema(context.Background()); err != ErrSchemaOutdated {
					t.Fatalf("CheckSchema at %s = %v, want ErrSchemaOutdated", from, err)
				}
				if err := s.Migrate(context.Background()); err != nil {
					t.Fatalf("migrate from %s: %v", from, err)
				}
				if got := entryIndexes(t, s); !slices.Equal(got, want) {
					t.Errorf("migrated from %s, the entries have the indexes\n%v\nfrom empty\n%v", from, got, want)
				}
			}
		})
	}
}

// openAt opens a fresh database of the engine migrated up to version id.
func openAt(t *testing.T, engine, id string) *Store {
	t.Helper()
	ctx := context.Background()
	s, err := Open(ctx, testdb.URL(t, engine), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	if err := s.migrateTo(ctx, id); err != nil {
		t.Fatalf("migrate to %s: %v", id, err)
	}
	return s
}

// entryIndexes lists the indexes of interaction_log_entries as "name(col, ...)".
func entryIndexes(t *testing.T, s *Store) []string {
	t.Helper()
	indexes, err := s.db.Migrator().GetIndexes(&InteractionLogEntry{})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, ix := range indexes {
		out = append(out, fmt.Sprintf("%s(%s)", ix.Name(), strings.Join(ix.Columns(), ", ")))
	}
	sort.Strings(out)
	return out
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

// write runs one store write in a transaction of its own, made by actor.
func write[T any](ctx context.Context, s *Store, actor Actor, fn func(tx *Tx) (T, error)) (T, error) {
	var out T
	err := s.RunInTx(ctx, actor, func(tx *Tx) (err error) {
		out, err = fn(tx)
		return err
	})
	return out, err
}

// TestUpdatableColumnsExist: every column an updatable field maps to is a
// column of its model.
func TestUpdatableColumnsExist(t *testing.T) {
	models := []struct {
		updatable Updatable
		model     any
	}{
		{GroupUpdatable, &InteractionGroup{}},
		{TemplateUpdatable, &InteractionTemplate{}},
		{LanguageUpdatable, &InteractionTemplateLanguage{}},
		{ContactUpdatable, &Contact{}},
		{EntryUpdatable, &InteractionLogEntry{}},
		{CommentUpdatable, &InteractionLogComment{}},
		{SegmentUpdatable, &Segment{}},
		{SegmentLineUpdatable, &SegmentLine{}},
	}
	for _, m := range models {
		sch, err := schema.Parse(m.model, &schemaCache, schema.NamingStrategy{})
		if err != nil {
			t.Fatal(err)
		}
		for f, col := range m.updatable.columns {
			if sch.LookUpField(col) == nil {
				t.Errorf("field %q of %s: no column %q", f, sch.Table, col)
			}
		}
	}
}
