package testdb

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
)

// Pool hands out migrated databases and reuses them across the tests of one test binary:
// migrating a fresh database costs seconds of DDL on TiDB (and a fraction of one on
// MariaDB), emptying a used one a fraction of that. A test gets a database of its own, so
// parallel tests get different ones. When the test ends, its database is emptied and put
// back; a test that failed has its database dropped instead, so that nothing it left can
// reach the next test. Taking a database checks that it is still empty.
//
// Emptying restores what migrate left: the tables that held rows right after migrate (the
// schema version's) keep them, every other table is emptied and its AUTO_INCREMENT
// restarted. Only tests that want the schema as migrate leaves it should use a Pool; tests
// of migrations themselves need URL's fresh databases. Shutdown drops the pooled databases,
// so a package that uses a Pool on MySQL or TiDB needs the TestMain of the package comment.
type Pool struct {
	migrate func(url string) error

	mu   sync.Mutex
	free map[string][]pooledDB // by engine
}

// pooledDB is a migrated database of a Pool.
type pooledDB struct {
	server *mysql.Config
	name   string
	tables []string // the tables that migrate left empty
}

var (
	poolsMu sync.Mutex
	pools   []*Pool // for Shutdown
)

// NewPool returns a pool of databases that migrate(url) brings to the current schema.
func NewPool(migrate func(url string) error) *Pool {
	p := &Pool{migrate: migrate, free: map[string][]pooledDB{}}
	poolsMu.Lock()
	pools = append(pools, p)
	poolsMu.Unlock()
	return p
}

// URL returns a migrated database of the engine (see Engines), as migrate left it, for this
// test alone. SQLite is not pooled: it gets a fresh, migrated file, which is cheap.
func (p *Pool) URL(t testing.TB, engine string) string {
	t.Helper()
	if engine == "sqlite" {
		url := SQLite(t)
		p.mustMigrate(t, url)
		return url
	}
	db, ok := p.take(t, engine)
	if !ok {
		db = p.create(t, serverOf(t, engine))
	}
	t.Cleanup(func() { p.giveBack(t, engine, db) })
	return toURL(db.server, db.name)
}

// create makes and migrates a new database for the pool on the server.
func (p *Pool) create(t testing.TB, server *mysql.Config) pooledDB {
	t.Helper()
	db := pooledDB{server: server, name: "itpool_" + randomHex()}
	if err := createDatabase(server, db.name); err != nil {
		t.Fatalf("testdb: %v", err)
	}
	p.mustMigrate(t, toURL(server, db.name))
	err := db.withConn(nil, func(ctx context.Context, conn *sql.DB) (err error) {
		db.tables, err = emptyTables(ctx, conn, db.name)
		return err
	})
	if err != nil {
		p.drop(t, db)
		t.Fatalf("testdb: list the tables of %s: %v", db.name, err)
	}
	return db
}

func (p *Pool) mustMigrate(t testing.TB, url string) {
	t.Helper()
	if err := p.migrate(url); err != nil {
		t.Fatalf("testdb: migrate %s: %v", url, err)
	}
}

// take removes a free database of the engine from the pool and checks that it is empty;
// one that is not (something wrote to it after its test ended) is dropped.
func (p *Pool) take(t testing.TB, engine string) (pooledDB, bool) {
	for {
		p.mu.Lock()
		free := p.free[engine]
		if len(free) == 0 {
			p.mu.Unlock()
			return pooledDB{}, false
		}
		db := free[len(free)-1]
		p.free[engine] = free[:len(free)-1]
		p.mu.Unlock()

		err := db.withConn(nil, db.checkEmpty)
		if err == nil {
			return db, true
		}
		t.Logf("testdb: not reusing database %s: %v", db.name, err)
		p.drop(t, db)
	}
}

// giveBack empties the database of a test that passed and returns it to the pool; the
// database of a failed test, or one that cannot be emptied, is dropped.
func (p *Pool) giveBack(t testing.TB, engine string, db pooledDB) {
	if t.Failed() {
		p.drop(t, db)
		return
	}
	// Without foreign key checks the order of the tables does not matter.
	if err := db.withConn(map[string]string{"foreign_key_checks": "0"}, db.empty); err != nil {
		t.Logf("testdb: not reusing database %s: %v", db.name, err)
		p.drop(t, db)
		return
	}
	p.mu.Lock()
	p.free[engine] = append(p.free[engine], db)
	p.mu.Unlock()
}

func (p *Pool) drop(t testing.TB, db pooledDB) {
	if err := execAdmin(db.server, "DROP DATABASE IF EXISTS `"+db.name+"`"); err != nil {
		t.Errorf("testdb: %v", err)
	}
}

// empty deletes the rows of db's tables and restarts the AUTO_INCREMENT counters that
// moved, so that entry numbers start at 1 again as in a fresh database. DELETE rather than
// TRUNCATE: on TiDB, TRUNCATE is a DDL statement that took ~0.15 s a table here, DELETE of
// a test's few rows ~0.02 s.
func (db pooledDB) empty(ctx context.Context, conn *sql.DB) error {
	for _, table := range db.tables {
		if _, err := conn.ExecContext(ctx, "DELETE FROM `"+table+"`"); err != nil {
			return fmt.Errorf("empty %s: %v", table, err)
		}
	}
	moved, err := queryStrings(ctx, conn, "SELECT table_name FROM information_schema.tables "+
		"WHERE table_schema = ? AND auto_increment > 1", db.name)
	if err != nil {
		return err
	}
	reset := "ALTER TABLE `%s` AUTO_INCREMENT = 1"
	if isTiDB(ctx, conn) {
		reset = "ALTER TABLE `%s` FORCE AUTO_INCREMENT = 1" // TiDB lowers it only when forced
	}
	for _, table := range moved {
		if _, err := conn.ExecContext(ctx, fmt.Sprintf(reset, table)); err != nil {
			return fmt.Errorf("reset AUTO_INCREMENT of %s: %v", table, err)
		}
	}
	return nil
}

// checkEmpty fails if one of db's tables holds a row, in one query.
func (db pooledDB) checkEmpty(ctx context.Context, conn *sql.DB) error {
	if len(db.tables) == 0 {
		return nil
	}
	exists := make([]string, len(db.tables))
	for i, table := range db.tables {
		exists[i] = "EXISTS (SELECT 1 FROM `" + table + "`)"
	}
	var anyRows bool
	if err := conn.QueryRowContext(ctx, "SELECT "+strings.Join(exists, " OR ")).Scan(&anyRows); err != nil {
		return err
	}
	if anyRows {
		return fmt.Errorf("it holds rows")
	}
	return nil
}

// emptyTables lists the tables of database name that hold no rows.
func emptyTables(ctx context.Context, conn *sql.DB, name string) ([]string, error) {
	tables, err := queryStrings(ctx, conn, "SELECT table_name FROM information_schema.tables "+
		"WHERE table_schema = ? AND table_type = 'BASE TABLE'", name)
	if err != nil {
		return nil, err
	}
	var empty []string
	for _, table := range tables {
		var hasRows bool
		if err := conn.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM `"+table+"`)").Scan(&hasRows); err != nil {
			return nil, err
		}
		if !hasRows {
			empty = append(empty, table)
		}
	}
	return empty, nil
}

func queryStrings(ctx context.Context, conn *sql.DB, query string, args ...any) ([]string, error) {
	rows, err := conn.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// withConn runs fn over one connection to db with the session variables of params.
func (db pooledDB) withConn(params map[string]string, fn func(context.Context, *sql.DB) error) error {
	c := *db.server
	c.DBName = db.name
	c.Params = params
	connector, err := mysql.NewConnector(&c)
	if err != nil {
		return err
	}
	conn := sql.OpenDB(connector)
	defer conn.Close()
	conn.SetMaxOpenConns(1)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	return fn(ctx, conn)
}

func isTiDB(ctx context.Context, conn *sql.DB) bool {
	var version string
	return conn.QueryRowContext(ctx, "SELECT VERSION()").Scan(&version) == nil &&
		strings.Contains(version, "TiDB")
}

// dropPooled drops the databases waiting in every pool; Shutdown calls it.
func dropPooled() {
	poolsMu.Lock()
	defer poolsMu.Unlock()
	for _, p := range pools {
		p.mu.Lock()
		for engine, free := range p.free {
			for _, db := range free {
				execAdmin(db.server, "DROP DATABASE IF EXISTS `"+db.name+"`")
			}
			delete(p.free, engine)
		}
		p.mu.Unlock()
	}
}
