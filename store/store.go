// Package store persists interlog's resources through GORM on SQLite or
// MySQL. Each exported method of Store is one whole operation: it validates
// what needs the database, runs in one transaction (or in bounded batches for
// bulk work) and returns the package's sentinel errors.
package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"log/slog"
	"maps"
	"strings"
	"sync/atomic"
	"time"

	"github.com/glebarez/sqlite"
	mysqldriver "github.com/go-sql-driver/mysql"
	"go.opentelemetry.io/otel/trace"
	"gorm.io/driver/mysql"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/interlog/interlog/internal/dburl"
)

// Dialect names the database engine behind a Store.
type Dialect string

// The supported engines.
const (
	SQLite Dialect = "sqlite"
	MySQL  Dialect = "mysql"
)

// DefaultURL is the embedded database used when no URL is configured.
const DefaultURL = "sqlite://./interlog.db"

// DefaultFeedReadConns is Options.FeedReadConns's default.
const DefaultFeedReadConns = 4

// Options tune a Store. The zero value is usable.
type Options struct {
	// MaxOpenConns bounds the connection pool (MySQL). Default 32.
	MaxOpenConns int
	// ConnectTimeout bounds establishing one connection. Default 5s.
	ConnectTimeout time.Duration
	// TracerProvider, when set, gives every statement of a traced call a
	// span (see tracingPlugin). Nil: no tracing, no cost.
	TracerProvider trace.TracerProvider
	// DisableChangeFeed turns the change feed's outbox off: mutations append
	// no changes (interlogd --change-feed=false).
	DisableChangeFeed bool
	// WrapConnector, when set, wraps the driver's connector of every
	// connection pool the store opens: tests inject database faults with it
	// (internal/faultdb). Nil: the driver's own connections, no cost.
	WrapConnector func(driver.Connector) driver.Connector
	// FeedReadConns bounds the pool reserved for the change feed's reads
	// (ListChanges, the high-water and oldest sequences), beside the
	// writers' pool, so that watchers never queue behind writers for a
	// connection. On SQLite they are read-only connections that read beside
	// the writer (WAL). Default DefaultFeedReadConns.
	FeedReadConns int
}

// Store is the persistence layer. It is safe for concurrent use.
type Store struct {
	db      *gorm.DB
	dialect Dialect
	// feedOff: appendChanges does nothing (Options.DisableChangeFeed).
	feedOff bool
	// sequencerWake is signalled after every commit, so that the sequencer
	// (RunFeed) gives the commit's changes their sequence at once.
	sequencerWake chan struct{}
	// highWater is the high-water sequence RunFeed publishes to watchers.
	highWater *highWater
	// lock is the sequencer's connection pool (sequencer.go: lockPool).
	lock lockPool
	// encodeResource encodes the resources of changes (SetResourceEncoder);
	// nil: JSON of the model.
	encodeResource ResourceEncoder
	// feed is the pool of the change feed's reads (Options.FeedReadConns).
	feed *gorm.DB
	// turns orders the transactions of SQLite's one connection.
	turns writerTurns
	// sequencing is true while this process runs the sequencer, which then
	// publishes the high water as it commits (publishHighWater).
	sequencing atomic.Bool
}

// Open connects to the database named by rawURL ("sqlite:///path/file.db",
// "sqlite://./relative.db" or "mysql://user:pass@host:port/db"). It does not
// migrate; call Migrate or CheckSchema.
func Open(ctx context.Context, rawURL string, opts Options) (*Store, error) {
	if opts.MaxOpenConns <= 0 {
		opts.MaxOpenConns = 32
	}
	if opts.ConnectTimeout <= 0 {
		opts.ConnectTimeout = 5 * time.Second
	}
	if opts.FeedReadConns <= 0 {
		opts.FeedReadConns = DefaultFeedReadConns
	}
	var session map[string]string
	dialector, dialect, err := dialectorFor(rawURL, opts, session, false)
	if err != nil {
		return nil, err
	}
	db, err := openGorm(dialector, dialect)
	if err != nil {
		return nil, err
	}
	if isTiDB(db) {
		// The session settings must be on every connection of the pool, so the
		// pool that found out it is TiDB is replaced by one that sets them.
		if sqlDB, err := db.DB(); err == nil {
			_ = sqlDB.Close()
		}
		session = tidbSession
		if dialector, _, err = dialectorFor(rawURL, opts, session, false); err != nil {
			return nil, err
		}
		if db, err = openGorm(dialector, dialect); err != nil {
			return nil, err
		}
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, err
	}
	if err := useTracing(db, opts, dialect); err != nil {
		_ = sqlDB.Close()
		return nil, err
	}
	if dialect == SQLite {
		// One writer at a time is SQLite's model; a single connection turns
		// lock contention into queueing instead of SQLITE_BUSY errors.
		sqlDB.SetMaxOpenConns(1)
	} else {
		sqlDB.SetMaxOpenConns(opts.MaxOpenConns)
		sqlDB.SetMaxIdleConns(opts.MaxOpenConns)
		sqlDB.SetConnMaxLifetime(30 * time.Minute)
	}
	s := &Store{db: db, dialect: dialect, feedOff: opts.DisableChangeFeed, sequencerWake: make(chan struct{}, 1), highWater: newHighWater(), turns: newWriterTurns()}
	// Another pool on the same database, with the same session settings.
	openAnother := func(readOnly bool) (*gorm.DB, error) {
		d, _, err := dialectorFor(rawURL, opts, session, readOnly)
		if err != nil {
			return nil, err
		}
		return openGorm(d, dialect)
	}
	s.lock.open = func() (*gorm.DB, error) { return openAnother(false) }
	pingCtx, cancel := context.WithTimeout(ctx, opts.ConnectTimeout)
	defer cancel()
	if err := s.Ping(pingCtx); err != nil {
		_ = sqlDB.Close()
		return nil, err
	}
	// Opened after the writer's first connection, which made the SQLite file
	// and put it in WAL mode.
	if s.feed, err = openFeedPool(func() (*gorm.DB, error) { return openAnother(true) }, opts, dialect); err != nil {
		_ = sqlDB.Close()
		return nil, err
	}
	return s, nil
}

// openFeedPool opens the pool of the change feed's reads.
func openFeedPool(open func() (*gorm.DB, error), opts Options, dialect Dialect) (*gorm.DB, error) {
	db, err := open()
	if err != nil {
		return nil, err
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, err
	}
	sqlDB.SetMaxOpenConns(opts.FeedReadConns)
	sqlDB.SetMaxIdleConns(opts.FeedReadConns)
	sqlDB.SetConnMaxLifetime(30 * time.Minute)
	if err := useTracing(db, opts, dialect); err != nil {
		_ = sqlDB.Close()
		return nil, err
	}
	return db, nil
}

// useTracing installs the tracing plugin when opts asks for traces.
func useTracing(db *gorm.DB, opts Options, dialect Dialect) error {
	if opts.TracerProvider == nil {
		return nil
	}
	return db.Use(newTracingPlugin(opts.TracerProvider, dialect))
}

func openGorm(dialector gorm.Dialector, dialect Dialect) (*gorm.DB, error) {
	db, err := gorm.Open(dialector, &gorm.Config{
		Logger:                 logger.Discard,
		SkipDefaultTransaction: true,
		NowFunc:                func() time.Time { return time.Now().UTC() },
		TranslateError:         false,
	})
	if err != nil {
		return nil, fmt.Errorf("open %s database: %w", dialect, err)
	}
	return db, nil
}

// tidbSession is what every connection to TiDB sets, as the MySQL driver's
// connection parameters (one SET when a connection opens):
//   - SELECT ... FOR SHARE (LOCK IN SHARE MODE), which the store takes to keep
//     references valid, is refused by TiDB unless shared locks may be promoted
//     to exclusive ones: stricter than a shared lock, so still sound, but two
//     readers of one row now wait for each other.
//   - pessimistic transactions: under optimistic ones a conflict shows only at
//     commit, after the checks the store made under its locks.
//   - READ COMMITTED, as inTx asks of MySQL per transaction, for the
//     statements outside transactions too.
//
// tidb_enable_noop_functions would also let FOR SHARE through, but as a lock
// that locks nothing; it stays off.
var tidbSession = map[string]string{
	"tidb_enable_shared_lock_promotion": "ON",
	"tidb_txn_mode":                     "'pessimistic'",
	"transaction_isolation":             "'READ-COMMITTED'",
}

// TiDBSession returns the session variables interlog sets on every connection
// to TiDB, for tools that open their own (the benchmarks' raw statements).
func TiDBSession() map[string]string { return maps.Clone(tidbSession) }

// isTiDB reports whether db is a MySQL connection to TiDB. GORM's MySQL
// dialector reads the server's VERSION() when it opens; TiDB's contains "TiDB".
func isTiDB(db *gorm.DB) bool {
	d, ok := db.Dialector.(*mysql.Dialector)
	return ok && strings.Contains(d.ServerVersion, "TiDB")
}

// dialectorFor turns a database URL into a GORM dialector; session holds
// variables every MySQL connection sets when it opens (nil for none).
// readOnly makes SQLite connections refuse writes (query_only), for the
// feed's readers; MySQL connections are not marked.
func dialectorFor(rawURL string, opts Options, session map[string]string, readOnly bool) (gorm.Dialector, Dialect, error) {
	scheme, rest, ok := strings.Cut(rawURL, "://")
	if !ok {
		return nil, "", fmt.Errorf("database URL %q: want sqlite:///path/file.db or mysql://user:pass@host:port/db", RedactURL(rawURL))
	}
	switch scheme {
	case "sqlite":
		if rest == "" {
			return nil, "", fmt.Errorf("database URL %q: missing file path", RedactURL(rawURL))
		}
		// WAL lets readers run beside the writer; foreign keys are off by default in SQLite.
		dsn := "file:" + rest + "?_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)"
		if readOnly {
			dsn += "&_pragma=query_only(1)"
		}
		if opts.WrapConnector == nil {
			return sqlite.Open(dsn), SQLite, nil
		}
		c, err := sqliteConnector(dsn)
		if err != nil {
			return nil, "", err
		}
		return &sqlite.Dialector{DSN: dsn, Conn: sql.OpenDB(opts.WrapConnector(c))}, SQLite, nil
	case "mysql":
		cfg, err := mysqlConfig(rawURL, opts)
		if err != nil {
			return nil, "", err
		}
		for name, value := range session {
			cfg.Params[name] = value
		}
		mc := mysql.Config{DSNConfig: cfg, DSN: cfg.FormatDSN()}
		if opts.WrapConnector != nil {
			c, err := mysqldriver.NewConnector(cfg)
			if err != nil {
				return nil, "", err
			}
			mc.Conn = sql.OpenDB(opts.WrapConnector(c))
		}
		return mysql.New(mc), MySQL, nil
	default:
		return nil, "", fmt.Errorf("database URL %q: unknown scheme %q (want sqlite or mysql)", RedactURL(rawURL), scheme)
	}
}

// sqliteConnector is a connector of the SQLite driver for dsn, for
// Options.WrapConnector to wrap: the driver has no connector of its own.
func sqliteConnector(dsn string) (driver.Connector, error) {
	db, err := sql.Open(sqlite.DriverName, dsn) // opens no connection
	if err != nil {
		return nil, err
	}
	defer db.Close()
	return dsnConnector{drv: db.Driver(), dsn: dsn}, nil
}

// dsnConnector opens connections of a driver that has no connector.
type dsnConnector struct {
	drv driver.Driver
	dsn string
}

func (c dsnConnector) Connect(context.Context) (driver.Conn, error) { return c.drv.Open(c.dsn) }
func (c dsnConnector) Driver() driver.Driver                        { return c.drv }

// mysqlConfig builds the driver configuration from a mysql:// URL.
func mysqlConfig(rawURL string, opts Options) (*mysqldriver.Config, error) {
	cfg, err := dburl.ParseMySQL(rawURL)
	if err != nil {
		return nil, err
	}
	if cfg.DBName == "" {
		return nil, fmt.Errorf("database URL %q: want mysql://user:pass@host:port/db", RedactURL(rawURL))
	}
	cfg.ParseTime = true
	cfg.Loc = time.UTC
	cfg.Collation = "utf8mb4_bin"
	cfg.Timeout = opts.ConnectTimeout
	cfg.ReadTimeout = 60 * time.Second
	cfg.WriteTimeout = 60 * time.Second
	cfg.InterpolateParams = true
	// READ COMMITTED is set per transaction (see inTx): the session variable
	// is spelled differently by MySQL 8 and MariaDB 10.
	cfg.Params = map[string]string{"time_zone": "'+00:00'"}
	return cfg, nil
}

// LogDriverTo sends the MySQL driver's own messages (a connection it found
// broken and dropped, say) to log as warnings, instead of the driver's
// "[mysql] ..." lines on stderr. The driver has one logger for the whole
// process, which each connection configuration copies when it is made: call
// this once, before Open.
func LogDriverTo(log *slog.Logger) {
	_ = mysqldriver.SetLogger(driverLogger{log}) // fails only for a nil logger
}

// driverLogger writes the MySQL driver's messages to a structured logger.
type driverLogger struct{ log *slog.Logger }

func (l driverLogger) Print(v ...any) {
	l.log.Warn("mysql driver", "message", fmt.Sprint(v...))
}

// RedactURL hides the password of a database URL, for logging configuration.
func RedactURL(rawURL string) string { return dburl.Redact(rawURL) }

// Dialect reports the engine behind the store.
func (s *Store) Dialect() Dialect { return s.dialect }

// IsTiDB reports whether the MySQL server behind the store is TiDB.
func (s *Store) IsTiDB() bool { return isTiDB(s.db) }

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	sqlDB, err := s.db.DB()
	if err != nil {
		return err
	}
	return classify(sqlDB.PingContext(ctx))
}

// Close releases the connection pools.
func (s *Store) Close() error {
	s.lock.close()
	if feed, err := s.feed.DB(); err == nil {
		_ = feed.Close()
	}
	sqlDB, err := s.db.DB()
	if err != nil {
		return err
	}
	return sqlDB.Close()
}

// PoolStats exposes the connection pool's counters for metrics.
func (s *Store) PoolStats() (open, inUse, idle int, waitCount int64, waitDuration time.Duration) {
	sqlDB, err := s.db.DB()
	if err != nil {
		return
	}
	st := sqlDB.Stats()
	return st.OpenConnections, st.InUse, st.Idle, st.WaitCount, st.WaitDuration
}
