package testdb

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
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

	mu    sync.Mutex
	free  map[string][]pooledDB // by engine
	conns map[string]*sql.DB    // by engine: the server, without foreign key checks
}

// pooledDB is a migrated database of a Pool.
type pooledDB struct {
	server *mysql.Config
	name   string
	tables []string // the tables that migrate left empty, as `db`.`table`
}

var (
	poolsMu sync.Mutex
	pools   []*Pool // for Shutdown
)

// NewPool returns a pool of databases that migrate(url) brings to the current schema.
func NewPool(migrate func(url string) error) *Pool {
	p := &Pool{migrate: migrate, free: map[string][]pooledDB{}, conns: map[string]*sql.DB{}}
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
	server := serverOf(t, engine)
	conn := p.conn(engine, server)
	db, ok := p.take(t, engine, conn)
	if !ok {
		db = p.create(t, server, conn)
	}
	t.Cleanup(func() { p.giveBack(t, engine, conn, db) })
	return toURL(server, db.name)
}

// conn is the pool's connections to the server of the engine. Foreign keys are not checked
// on them, so that tables can be emptied in any order.
func (p *Pool) conn(engine string, server *mysql.Config) *sql.DB {
	p.mu.Lock()
	defer p.mu.Unlock()
	if conn := p.conns[engine]; conn != nil {
		return conn
	}
	c := *server
	c.DBName = ""
	c.Params = map[string]string{"foreign_key_checks": "0"}
	connector, err := mysql.NewConnector(&c)
	if err != nil {
		panic(err) // NewConnector fails only on a malformed config, which serverOf never returns
	}
	p.conns[engine] = sql.OpenDB(connector)
	return p.conns[engine]
}

// create makes and migrates a new database for the pool on the server.
func (p *Pool) create(t testing.TB, server *mysql.Config, conn *sql.DB) pooledDB {
	t.Helper()
	db := pooledDB{server: server, name: "itpool_" + randomHex()}
	if err := createDatabase(server, db.name); err != nil {
		t.Fatalf("testdb: %v", err)
	}
	p.mustMigrate(t, toURL(server, db.name))
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	tables, err := queryStrings(ctx, conn, "SELECT table_name FROM information_schema.tables "+
		"WHERE table_schema = ? AND table_type = 'BASE TABLE'", db.name)
	for _, table := range tables {
		db.tables = append(db.tables, "`"+db.name+"`.`"+table+"`")
	}
	var withRows []string
	if err == nil {
		withRows, err = db.tablesWithRows(ctx, conn)
	}
	if err != nil {
		p.drop(t, db)
		t.Fatalf("testdb: list the tables of %s: %v", db.name, err)
	}
	db.tables = slices.DeleteFunc(db.tables, func(table string) bool { return slices.Contains(withRows, table) })
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
func (p *Pool) take(t testing.TB, engine string, conn *sql.DB) (pooledDB, bool) {
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

		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		withRows, err := db.tablesWithRows(ctx, conn)
		cancel()
		if err == nil && len(withRows) > 0 {
			err = fmt.Errorf("rows in %s", strings.Join(withRows, ", "))
		}
		if err == nil {
			return db, true
		}
		t.Logf("testdb: not reusing database %s: %v", db.name, err)
		p.drop(t, db)
	}
}

// giveBack empties the database of a test that passed and returns it to the pool; the
// database of a failed test, or one that cannot be emptied, is dropped.
func (p *Pool) giveBack(t testing.TB, engine string, conn *sql.DB, db pooledDB) {
	if t.Failed() {
		p.drop(t, db)
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := db.empty(ctx, conn); err != nil {
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
// TRUNCATE, and only of the tables that hold rows: on TiDB, TRUNCATE is a DDL statement
// that took ~0.15 s a table here, DELETE of a test's few rows ~0.02 s.
func (db pooledDB) empty(ctx context.Context, conn *sql.DB) error {
	withRows, err := db.tablesWithRows(ctx, conn)
	if err != nil {
		return err
	}
	for _, table := range withRows {
		if _, err := conn.ExecContext(ctx, "DELETE FROM "+table); err != nil {
			return fmt.Errorf("empty %s: %v", table, err)
		}
	}
	moved, err := queryStrings(ctx, conn, "SELECT table_name FROM information_schema.tables "+
		"WHERE table_schema = ? AND auto_increment > 1", db.name)
	if err != nil {
		return err
	}
	reset := "ALTER TABLE `%s`.`%s` AUTO_INCREMENT = 1"
	if isTiDB(ctx, conn) {
		reset = "ALTER TABLE `%s`.`%s` FORCE AUTO_INCREMENT = 1" // TiDB lowers it only when forced
	}
	for _, table := range moved {
		if _, err := conn.ExecContext(ctx, fmt.Sprintf(reset, db.name, table)); err != nil {
			return fmt.Errorf("reset AUTO_INCREMENT of %s: %v", table, err)
		}
	}
	return nil
}

// tablesWithRows lists db's tables that hold a row, in one query.
func (db pooledDB) tablesWithRows(ctx context.Context, conn *sql.DB) ([]string, error) {
	if len(db.tables) == 0 {
		return nil, nil
	}
	exists := make([]string, len(db.tables))
	hasRows := make([]any, len(db.tables))
	for i, table := range db.tables {
		exists[i] = "EXISTS (SELECT 1 FROM " + table + ")"
		hasRows[i] = new(bool)
	}
	if err := conn.QueryRowContext(ctx, "SELECT "+strings.Join(exists, ", ")).Scan(hasRows...); err != nil {
		return nil, err
	}
	var withRows []string
	for i, table := range db.tables {
		if *hasRows[i].(*bool) {
			withRows = append(withRows, table)
		}
	}
	return withRows, nil
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
		for engine, conn := range p.conns {
			conn.Close()
			delete(p.conns, engine)
		}
		p.mu.Unlock()
	}
}
