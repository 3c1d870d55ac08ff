package faultdb

import (
	"context"
	"database/sql/driver"
	"errors"

	"github.com/go-sql-driver/mysql"
)

// Wrap returns a connector whose connections obey the injector's rules; it
// has the signature of store.Options.WrapConnector. Connectors of the MySQL
// driver report faults as MySQL (and TiDB) does, any other as SQLite.
func (in *Injector) Wrap(c driver.Connector) driver.Connector {
	e := engineSQLite
	if _, ok := c.Driver().(*mysql.MySQLDriver); ok {
		e = engineMySQL
	}
	return &connector{inner: c, in: in, engine: e}
}

type connector struct {
	inner  driver.Connector
	in     *Injector
	engine engine
}

func (c *connector) Connect(ctx context.Context) (driver.Conn, error) {
	inner, err := c.inner.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return &conn{inner: inner, c: c}, nil
}

func (c *connector) Driver() driver.Driver { return c.inner.Driver() }

// conn is one connection. database/sql uses a connection from one goroutine
// at a time, so its own fields need no lock.
type conn struct {
	inner driver.Conn
	c     *connector
	// broken: a fault cut the link; every later use fails and the pool
	// discards the connection.
	broken bool
	// inTx and txStatements: the open transaction and what it ran, for
	// Rule.InTxWith.
	inTx         bool
	txStatements []string
	// doomed: the open transaction is to fail at random (InjectRandomly).
	doomed bool
	// onFire: the OnFire of a ReplyLost rule, run once the statement ran.
	onFire func()
}

// before decides the fate of a statement about to run. It returns the
// fault the statement gets (0: run it normally) and, for a fault that
// prevents the statement, the error to return now, once the database's own
// reaction (abort, run when the fault is a deadlock or a lock wait
// timeout) and the rule's OnFire are done.
func (c *conn) before(stmt string, abort func() error) (Fault, error) {
	if c.broken {
		return 0, driver.ErrBadConn
	}
	f, onFire := c.c.in.faultFor(stmt, c.txStatements, c.inTx && c.doomed)
	if c.inTx {
		c.txStatements = append(c.txStatements, normalize(stmt))
	}
	if f != 0 {
		c.doomed = false
	}
	switch f {
	case 0:
		return 0, nil
	case ReplyLost:
		c.onFire = onFire // when the statement has run
		return f, nil
	case ConnLost:
		c.broken = true
	case Deadlock, LockWaitTimeout:
		if abort != nil {
			_ = abort()
		}
	}
	runHook(onFire)
	return f, c.c.engine.errorOf(f)
}

// after turns the outcome of a statement that ran into what the fault
// makes of it.
func (c *conn) after(f Fault, err error) error {
	if f != ReplyLost || err != nil {
		return err
	}
	c.broken = true
	onFire := c.onFire
	c.onFire = nil
	runHook(onFire)
	return c.c.engine.errorOf(ReplyLost)
}

// afterQuery is after for a query, whose rows are closed when the fault
// turns its success into an error.
func (c *conn) afterQuery(f Fault, rows driver.Rows, err error) (driver.Rows, error) {
	if err = c.after(f, err); err != nil && rows != nil {
		_ = rows.Close()
		return nil, err
	}
	return rows, err
}

func runHook(hook func()) {
	if hook != nil {
		hook()
	}
}

func (c *conn) Prepare(query string) (driver.Stmt, error) {
	return c.PrepareContext(context.Background(), query)
}

func (c *conn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	if c.broken {
		return nil, driver.ErrBadConn
	}
	var s driver.Stmt
	var err error
	if p, ok := c.inner.(driver.ConnPrepareContext); ok {
		s, err = p.PrepareContext(ctx, query)
	} else {
		s, err = c.inner.Prepare(query)
	}
	if err != nil {
		return nil, err
	}
	return &stmt{inner: s, conn: c, query: query}, nil
}

func (c *conn) Close() error { return c.inner.Close() }

func (c *conn) Begin() (driver.Tx, error) {
	return c.BeginTx(context.Background(), driver.TxOptions{})
}

func (c *conn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	if _, err := c.before("BEGIN", nil); err != nil {
		return nil, err
	}
	b, ok := c.inner.(driver.ConnBeginTx)
	if !ok {
		return nil, errors.New("faultdb: the driver's connection has no BeginTx")
	}
	t, err := b.BeginTx(ctx, opts)
	if err != nil {
		return nil, err
	}
	c.inTx, c.txStatements, c.doomed = true, nil, c.c.in.doom()
	return &tx{inner: t, conn: c}, nil
}

func (c *conn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	e, ok := c.inner.(driver.ExecerContext)
	if !ok {
		return nil, driver.ErrSkip // database/sql prepares the statement instead
	}
	f, err := c.before(query, nil)
	if err != nil {
		return nil, err
	}
	res, err := e.ExecContext(ctx, query, args)
	return res, c.after(f, err)
}

func (c *conn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	q, ok := c.inner.(driver.QueryerContext)
	if !ok {
		return nil, driver.ErrSkip
	}
	f, err := c.before(query, nil)
	if err != nil {
		return nil, err
	}
	rows, err := q.QueryContext(ctx, query, args)
	return c.afterQuery(f, rows, err)
}

func (c *conn) Ping(ctx context.Context) error {
	if c.broken {
		return driver.ErrBadConn
	}
	if p, ok := c.inner.(driver.Pinger); ok {
		return p.Ping(ctx)
	}
	return nil
}

func (c *conn) ResetSession(ctx context.Context) error {
	if c.broken {
		return driver.ErrBadConn
	}
	if r, ok := c.inner.(driver.SessionResetter); ok {
		return r.ResetSession(ctx)
	}
	return nil
}

func (c *conn) IsValid() bool {
	if c.broken {
		return false
	}
	if v, ok := c.inner.(driver.Validator); ok {
		return v.IsValid()
	}
	return true
}

func (c *conn) CheckNamedValue(nv *driver.NamedValue) error {
	if ch, ok := c.inner.(driver.NamedValueChecker); ok {
		return ch.CheckNamedValue(nv)
	}
	return driver.ErrSkip
}

// tx is a transaction; its COMMIT and ROLLBACK are statements rules match.
type tx struct {
	inner driver.Tx
	conn  *conn
}

func (t *tx) Commit() error { return t.finish("COMMIT", t.inner.Commit) }

func (t *tx) Rollback() error { return t.finish("ROLLBACK", t.inner.Rollback) }

// finish ends the transaction with the statement (COMMIT or ROLLBACK) and
// the driver's method that runs it.
func (t *tx) finish(stmt string, run func() error) error {
	defer func() { t.conn.inTx, t.conn.txStatements, t.conn.doomed = false, nil, false }()
	// The database rolls a deadlock's victim back; the connection stays
	// usable.
	f, err := t.conn.before(stmt, t.inner.Rollback)
	if err != nil {
		return err
	}
	return t.conn.after(f, run())
}

// stmt is a prepared statement; each execution is a statement rules match.
type stmt struct {
	inner driver.Stmt
	conn  *conn
	query string
}

func (s *stmt) Close() error  { return s.inner.Close() }
func (s *stmt) NumInput() int { return s.inner.NumInput() }

func (s *stmt) Exec(args []driver.Value) (driver.Result, error) {
	return nil, errors.New("faultdb: Stmt.Exec without a context is not supported")
}

func (s *stmt) Query(args []driver.Value) (driver.Rows, error) {
	return nil, errors.New("faultdb: Stmt.Query without a context is not supported")
}

func (s *stmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	e, ok := s.inner.(driver.StmtExecContext)
	if !ok {
		return nil, errors.New("faultdb: the driver's statement has no ExecContext")
	}
	f, err := s.conn.before(s.query, nil)
	if err != nil {
		return nil, err
	}
	res, err := e.ExecContext(ctx, args)
	return res, s.conn.after(f, err)
}

func (s *stmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	q, ok := s.inner.(driver.StmtQueryContext)
	if !ok {
		return nil, errors.New("faultdb: the driver's statement has no QueryContext")
	}
	f, err := s.conn.before(s.query, nil)
	if err != nil {
		return nil, err
	}
	rows, err := q.QueryContext(ctx, args)
	return s.conn.afterQuery(f, rows, err)
}
