package store

import (
	"context"
	"embed"
	"fmt"
	"strings"

	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// migrationIDs lists the schema versions in order. Each has one SQL file per
// dialect: migrations/{id}.{dialect}.sql. Never edit a released file; add one.
var migrationIDs = []string{
	"0001_init",
	"0002_postponed",
	"0003_list_indexes",
	"0004_statistics_index",
	"0005_request_ids_per_principal",
	"0006_logged_segment_count_index",
	"0007_changes",
	"0008_change_count",
}

// schemaTable records applied migrations (one row per id).
const schemaTable = "schema_migrations"

// ErrSchemaOutdated means the database lacks migrations this binary needs.
var ErrSchemaOutdated = fmt.Errorf("database schema is outdated: run `interlogd migrate` or start with `interlogd serve --migrate`")

// Migrate applies every pending migration.
func (s *Store) Migrate(ctx context.Context) error {
	return s.migrateTo(ctx, migrationIDs[len(migrationIDs)-1])
}

// migrateTo applies the pending migrations up to and including id.
func (s *Store) migrateTo(ctx context.Context, id string) error {
	m := gormigrate.New(s.db.WithContext(ctx), &gormigrate.Options{
		TableName:      schemaTable,
		IDColumnName:   "id",
		IDColumnSize:   64,
		UseTransaction: s.dialect == SQLite, // MySQL DDL commits implicitly anyway.
	}, s.migrations())
	if err := m.MigrateTo(id); err != nil {
		return fmt.Errorf("migrate: %w", classify(err))
	}
	return nil
}

// CheckSchema returns ErrSchemaOutdated unless every migration is applied.
func (s *Store) CheckSchema(ctx context.Context) error {
	applied, err := s.appliedMigrations(ctx)
	if err != nil {
		return err
	}
	for _, id := range migrationIDs {
		if !applied[id] {
			return ErrSchemaOutdated
		}
	}
	return nil
}

// appliedMigrations reads the schema-version table; a missing table means none.
func (s *Store) appliedMigrations(ctx context.Context) (map[string]bool, error) {
	applied := map[string]bool{}
	db := s.db.WithContext(ctx)
	if !db.Migrator().HasTable(schemaTable) {
		return applied, nil
	}
	var ids []string
	if err := db.Table(schemaTable).Pluck("id", &ids).Error; err != nil {
		return nil, classify(err)
	}
	for _, id := range ids {
		applied[id] = true
	}
	return applied, nil
}

func (s *Store) migrations() []*gormigrate.Migration {
	out := make([]*gormigrate.Migration, 0, len(migrationIDs))
	for _, id := range migrationIDs {
		file := fmt.Sprintf("migrations/%s.%s.sql", id, s.dialect)
		out = append(out, &gormigrate.Migration{
			ID: id,
			Migrate: func(tx *gorm.DB) error {
				body, err := migrationFiles.ReadFile(file)
				if err != nil {
					return err
				}
				for _, stmt := range splitStatements(string(body)) {
					if err := tx.Exec(stmt).Error; err != nil {
						return fmt.Errorf("%s: %w", file, err)
					}
				}
				return nil
			},
		})
	}
	return out
}

// splitStatements splits a migration file on semicolons at line ends and drops
// comment lines. Our migration files keep semicolons out of strings.
func splitStatements(body string) []string {
	var lines []string
	for _, line := range strings.Split(body, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(line), "--") {
			lines = append(lines, line)
		}
	}
	var stmts []string
	for _, stmt := range strings.Split(strings.Join(lines, "\n"), ";\n") {
		if stmt = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(stmt), ";")); stmt != "" {
			stmts = append(stmts, stmt)
		}
	}
	return stmts
}
