package server_test

import (
	"crypto/sha256"
	"database/sql"
	"fmt"
	"strconv"
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

// insertAttachment stores a small attachment row (with its own blob) and
// returns its name. Each file name must be used once per test.
func insertAttachment(t *testing.T, env *ts.Env, fileName string) string {
	t.Helper()
	db := rawDB(t, env)
	sum := fmt.Sprintf("%x", sha256.Sum256([]byte(fileName)))
	res, err := db.Exec(`INSERT INTO attachment_blobs (sha256, size_bytes, complete, create_time) VALUES (?, 1, TRUE, 1)`, sum)
	if err != nil {
		t.Fatal(err)
	}
	blobID, _ := res.LastInsertId()
	res, err = db.Exec(`INSERT INTO attachments (blob_id, file_name, content_type, size_bytes, sha256, read_only, user_id, create_time)
		VALUES (?, ?, 'text/plain', 1, ?, FALSE, 'test', 1)`, blobID, fileName, sum)
	if err != nil {
		t.Fatal(err)
	}
	id, _ := res.LastInsertId()
	return "attachments/" + strconv.FormatInt(id, 10)
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
