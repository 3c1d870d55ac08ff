package faultdb_test

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"path/filepath"
	"slices"
	"syscall"
	"testing"

	sqlite "github.com/glebarez/go-sqlite"

	"github.com/interlog/interlog/internal/faultdb"
)

// openSQLite opens a scratch SQLite database through in's wrapper, with a
// table t.
func openSQLite(t *testing.T, in *faultdb.Injector) *sql.DB {
	t.Helper()
	dsn := "file:" + filepath.Join(t.TempDir(), "f.db") + "?_pragma=journal_mode(WAL)"
	plain, err := sql.Open("sqlite", dsn)
	if err != nil {
		t.Fatal(err)
	}
	drv := plain.Driver()
	_ = plain.Close()
	db := sql.OpenDB(in.Wrap(sqliteConnector{drv: drv, dsn: dsn}))
	t.Cleanup(func() { _ = db.Close() })
	if _, err := db.Exec("CREATE TABLE t (n INTEGER)"); err != nil {
		t.Fatal(err)
	}
	return db
}

// sqliteConnector is the connector the SQLite driver does not have.
type sqliteConnector struct {
	drv driver.Driver
	dsn string
}

func (c sqliteConnector) Connect(context.Context) (driver.Conn, error) { return c.drv.Open(c.dsn) }
func (c sqliteConnector) Driver() driver.Driver                        { return c.drv }

func count(t *testing.T, db *sql.DB) int {
	t.Helper()
	var n int
	if err := db.QueryRow("SELECT COUNT(*) FROM t").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// insertInTx inserts a row in a transaction and returns the first error.
func insertInTx(db *sql.DB) error {
	tx, err := db.Begin()
	if err != nil {
		return err
	}
	if _, err := tx.Exec("INSERT INTO `t` (n) VALUES (1)"); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

func isBusy(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code() == 5
}

func TestRuleFiresOnItsNthMatchThenDisarms(t *testing.T) {
	in := faultdb.New()
	db := openSQLite(t, in)
	armed := in.Arm(faultdb.Rule{Match: "insert into t", Nth: 2, Times: 2, Fault: faultdb.Deadlock})
	var got []bool
	for range 4 {
		err := insertInTx(db)
		if err != nil && !isBusy(err) {
			t.Fatalf("want SQLITE_BUSY, got %T %v", err, err)
		}
		got = append(got, err == nil)
	}
	if want := []bool{true, false, false, true}; !slices.Equal(got, want) {
		t.Fatalf("inserts succeeded %v, want %v", got, want)
	}
	if armed.Fired() != 2 || count(t, db) != 2 {
		t.Fatalf("fired %d, %d rows; want 2 and 2", armed.Fired(), count(t, db))
	}
}

func TestCommitReplyLostIsApplied(t *testing.T) {
	in := faultdb.New()
	db := openSQLite(t, in)
	// The COMMIT of a transaction without the insert is not the rule's.
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	armed := in.Arm(faultdb.Rule{Match: "COMMIT", InTxWith: "INSERT INTO t", Fault: faultdb.ReplyLost})
	err = insertInTx(db)
	if !errors.Is(err, syscall.ECONNRESET) {
		t.Fatalf("want a connection reset, got %v", err)
	}
	if armed.Fired() != 1 || count(t, db) != 1 {
		t.Fatalf("fired %d, %d rows; want the commit applied once", armed.Fired(), count(t, db))
	}
}

func TestConnLostDiscardsTheConnection(t *testing.T) {
	in := faultdb.New()
	db := openSQLite(t, in)
	db.SetMaxOpenConns(1)
	in.Arm(faultdb.Rule{Match: "INSERT INTO t", Fault: faultdb.ConnLost})
	if err := insertInTx(db); !errors.Is(err, driver.ErrBadConn) {
		t.Fatalf("want driver.ErrBadConn, got %v", err)
	}
	if err := insertInTx(db); err != nil {
		t.Fatalf("the next transaction, on a new connection: %v", err)
	}
	if n := count(t, db); n != 1 {
		t.Fatalf("%d rows, want 1", n)
	}
}

func TestRandomFaultsHitEachDoomedTransactionOnce(t *testing.T) {
	in := faultdb.New()
	db := openSQLite(t, in)
	in.InjectRandomly(1, 7) // every transaction
	ctx := context.Background()
	for range 10 {
		if err := insertInTx(db); !isBusy(err) {
			t.Fatalf("want SQLITE_BUSY, got %v", err)
		}
	}
	if in.RandomFired() != 10 || count(t, db) != 0 {
		t.Fatalf("%d faults, %d rows; want 10 and none", in.RandomFired(), count(t, db))
	}
	if _, err := db.ExecContext(ctx, "INSERT INTO t (n) VALUES (1)"); err != nil {
		t.Fatalf("a statement outside a transaction is never doomed: %v", err)
	}
	in.DisarmAll()
	if err := insertInTx(db); err != nil {
		t.Fatal(err)
	}
}
