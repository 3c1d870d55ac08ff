package faultdb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	sqlite "github.com/glebarez/go-sqlite"
)

// sqliteBusy is a real SQLITE_BUSY error of the SQLite driver, whose
// error type cannot be built outside it: two connections to a scratch
// database both begin a write transaction, without a busy timeout, once
// per process.
var sqliteBusy = sync.OnceValue(func() error {
	err := provokeBusy()
	var se *sqlite.Error
	if !errors.As(err, &se) || se.Code()&0xff != 5 {
		panic(fmt.Sprintf("faultdb: provoking SQLITE_BUSY gave %v", err))
	}
	return se
})

func provokeBusy() error {
	dir, err := os.MkdirTemp("", "faultdb-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "busy.db")+"?_pragma=busy_timeout(0)")
	if err != nil {
		return err
	}
	defer db.Close()
	ctx := context.Background()
	first, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer first.Close()
	second, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer second.Close()
	if _, err := first.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		return err
	}
	defer first.ExecContext(ctx, "ROLLBACK") //nolint:errcheck // scratch database
	_, err = second.ExecContext(ctx, "BEGIN IMMEDIATE")
	return err
}
