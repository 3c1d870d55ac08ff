package server_test

import (
	"database/sql"
	"strings"
	"testing"

	ts "github.com/interlog/interlog/internal/testserver"
)

// rawDB opens the test server's database directly, for arranging rows that no
// API creates yet and for checking what was stored.
func rawDB(t *testing.T, env *ts.Env) *sql.DB {
	t.Helper()
	db, err := ts.OpenRaw(env.URL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// attachmentReadOnly reports the read-only flag of an attachment.
func attachmentReadOnly(t *testing.T, env *ts.Env, name string) bool {
	t.Helper()
	var ro bool
	if err := rawDB(t, env).QueryRow(`SELECT read_only FROM attachments WHERE id = ?`, strings.TrimPrefix(name, "attachments/")).Scan(&ro); err != nil {
		t.Fatal(err)
	}
	return ro
}

// countRows counts the rows of a table matching a condition.
func countRows(t *testing.T, env *ts.Env, table, where string, args ...any) int {
	t.Helper()
	var n int
	if err := rawDB(t, env).QueryRow(`SELECT COUNT(*) FROM `+table+` WHERE `+where, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
