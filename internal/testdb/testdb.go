// Package testdb gives tests a database to run against: a fresh SQLite file or a fresh,
// empty MySQL or TiDB database, and, for fault-injection tests, a private MariaDB server that
// can be killed and restarted. INTERLOG_TEST_ENGINES chooses the engines (see Engines); TiDB
// is found as tidb.go says.
//
// MySQL is found, in order, at:
//   - INTERLOG_TEST_MYSQL_DSN (mysql://user:pass@host:port/anydb; only the server is used),
//   - 127.0.0.1:3306 as root with an empty password, if it answers,
//   - a private mariadbd started once per test process in a temporary directory (needs the
//     mariadb-server package).
//
// If none can be had, MySQL tests fail with a message saying how to get one, or are skipped
// when INTERLOG_TEST_MYSQL=skip.
//
// A package whose tests use MySQL or TiDB should stop the private servers when its tests end:
//
//	func TestMain(m *testing.M) {
//		code := m.Run()
//		testdb.Shutdown()
//		os.Exit(code)
//	}
//
// Without it the server still dies with the test binary (Pdeathsig), but its temporary
// directory is left behind until the next test process that starts one sweeps it away.
package testdb

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/interlog/interlog/internal/dburl"
)

const (
	dsnEnv  = "INTERLOG_TEST_MYSQL_DSN"
	modeEnv = "INTERLOG_TEST_MYSQL"

	pingTimeout  = 2 * time.Second
	startTimeout = 30 * time.Second

	// Prefix of the shared private server's directory; the owner's pid follows it, so that
	// directories left by dead test processes can be recognised and removed.
	sharedDirPrefix = "interlog-testdb-"
)

const howToGetMySQL = "no MySQL server for tests: install mariadb-server (apt-get install " +
	"mariadb-server; the tests then start a private mariadbd themselves), or run one on " +
	"127.0.0.1:3306 with root and no password, or set " + dsnEnv +
	"=mysql://user:pass@host:port/db, or set " + modeEnv + "=skip to skip MySQL tests"

// enginesEnv chooses the engines tests run against, e.g. "sqlite,mysql,tidb".
const enginesEnv = "INTERLOG_TEST_ENGINES"

// defaultEngines are the engines when INTERLOG_TEST_ENGINES is not set.
var defaultEngines = []string{"sqlite", "mysql"}

// Engines lists the database engines tests that run against each engine use:
// INTERLOG_TEST_ENGINES (comma-separated: sqlite, mysql for MySQL or MariaDB,
// tidb), or sqlite and mysql when it is not set.
func Engines() []string {
	list := os.Getenv(enginesEnv)
	if list == "" {
		return defaultEngines
	}
	var engines []string
	for _, e := range strings.Split(list, ",") {
		if e = strings.TrimSpace(e); e != "" {
			engines = append(engines, e)
		}
	}
	return engines
}

// URL returns a fresh, empty database of the given engine (see Engines) as a store URL.
func URL(t testing.TB, engine string) string {
	t.Helper()
	switch engine {
	case "sqlite":
		return SQLite(t)
	case "mysql":
		return MySQL(t)
	case "tidb":
		return TiDB(t)
	}
	t.Fatalf("testdb: unknown engine %q in %s (want sqlite, mysql or tidb)", engine, enginesEnv)
	return ""
}

// SQLite returns the URL of a database file in a fresh temporary directory of the test.
func SQLite(t testing.TB) string {
	t.Helper()
	return "sqlite://" + filepath.ToSlash(filepath.Join(t.TempDir(), "interlog.db"))
}

// MySQL returns the URL (mysql://user:pass@host:port/it_<hex>) of a fresh, empty database
// created for this test and dropped when it ends.
func MySQL(t testing.TB) string {
	t.Helper()
	sharedOnce.Do(func() { sharedCfg, sharedErr = findServer() })
	if sharedErr != nil {
		fail(t, sharedErr)
	}
	return freshDatabase(t, sharedCfg)
}

// freshDatabase creates a database of a random name on the server of cfg, dropped when the
// test ends, and returns its URL.
func freshDatabase(t testing.TB, cfg *mysql.Config) string {
	t.Helper()
	name := "it_" + randomHex()
	if err := createDatabase(cfg, name); err != nil {
		t.Fatalf("testdb: %v", err)
	}
	t.Cleanup(func() {
		if err := execAdmin(cfg, "DROP DATABASE IF EXISTS `"+name+"`"); err != nil {
			t.Errorf("testdb: drop database %s: %v", name, err)
		}
	})
	return toURL(cfg, name)
}

// Shutdown stops the private MariaDB server that MySQL may have started and the TiDB
// server that TiDB may have started, and removes their files. Call it from TestMain after
// m.Run; it does nothing if no server was started.
func Shutdown() {
	sharedMu.Lock()
	defer sharedMu.Unlock()
	if shared != nil {
		shared.Kill()
		os.RemoveAll(shared.dir)
		shared = nil
	}
	stopTiDB()
}

var (
	sharedOnce sync.Once
	sharedCfg  *mysql.Config
	sharedErr  error

	sharedMu sync.Mutex
	shared   *Server // the private server started by MySQL, if any
)

// errNoMySQL and errNoMariaDB mark "nothing to run against", the failures that
// INTERLOG_TEST_MYSQL=skip turns into skips; any other failure is a real one.
var (
	errNoMySQL   = errors.New(howToGetMySQL)
	errNoMariaDB = errors.New("mariadbd not found: install mariadb-server " +
		"(apt-get install mariadb-server), or set " + modeEnv + "=skip to skip these tests")
)

// fail ends the test for err: a skip if err means there is no server to run against and
// INTERLOG_TEST_MYSQL=skip, a failure otherwise.
func fail(t testing.TB, err error) {
	t.Helper()
	if (errors.Is(err, errNoMySQL) || errors.Is(err, errNoMariaDB)) && os.Getenv(modeEnv) == "skip" {
		t.Skipf("testdb: skipped (%s=skip): %v", modeEnv, err)
	}
	t.Fatalf("testdb: %v", err)
}

// findServer picks the server for MySQL; see the package comment for the order.
func findServer() (*mysql.Config, error) {
	if os.Getenv(dsnEnv) != "" {
		return serverFromEnv(dsnEnv)
	}
	if cfg := rootAt("127.0.0.1:3306"); ping(cfg) == nil {
		return cfg, nil
	}
	sweepStaleDirs()
	dir, err := os.MkdirTemp("", sharedDirPrefix+strconv.Itoa(os.Getpid())+"-")
	if err != nil {
		return nil, err
	}
	s, err := newServer(dir)
	if err != nil {
		os.RemoveAll(dir)
		if errors.Is(err, errNoMariaDB) {
			return nil, errNoMySQL
		}
		return nil, err
	}
	sharedMu.Lock()
	shared = s
	sharedMu.Unlock()
	return rootAt(s.addr()), nil
}

// serverFromEnv is the server named by the URL in environment variable env. An explicit
// server that does not answer is an error, never a reason to fall back.
func serverFromEnv(env string) (*mysql.Config, error) {
	cfg, err := dburl.ParseMySQL(os.Getenv(env))
	if err != nil {
		return nil, fmt.Errorf("%s: %v", env, err)
	}
	if err := ping(cfg); err != nil {
		return nil, fmt.Errorf("%s: server does not answer: %v", env, err)
	}
	return cfg, nil
}

// sweepStaleDirs removes the directories of shared private servers whose test process has
// died without calling Shutdown. Their mariadbd died with them (Pdeathsig).
func sweepStaleDirs() {
	for _, d := range staleDirs(sharedDirPrefix) {
		os.RemoveAll(d)
	}
}

// staleDirs lists the temporary directories named prefix + owner's pid + "-..." whose owner
// has died.
func staleDirs(prefix string) []string {
	var stale []string
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), prefix+"*"))
	for _, d := range dirs {
		pidStr, _, _ := strings.Cut(strings.TrimPrefix(filepath.Base(d), prefix), "-")
		pid, err := strconv.Atoi(pidStr)
		if err == nil && pid > 0 && syscall.Kill(pid, 0) == syscall.ESRCH {
			stale = append(stale, d)
		}
	}
	return stale
}

// Server is a private mariadbd, for tests that kill and restart the database.
type Server struct {
	t    testing.TB // nil for the shared server
	dir  string
	port int

	mu   sync.Mutex
	cmd  *exec.Cmd
	done chan struct{} // closed when cmd has exited
}

// PrivateMariaDB starts a mariadbd of this test's own, stopped when the test ends. It is
// never the shared server, so the test may Kill and Start it.
func PrivateMariaDB(t testing.TB) *Server {
	t.Helper()
	s, err := newServer(t.TempDir())
	if err != nil {
		fail(t, err)
	}
	s.t = t
	t.Cleanup(s.Kill) // runs before t.TempDir's removal: cleanups run last-in first-out
	return s
}

// URL returns the URL of database db on the server, creating the database if needed.
func (s *Server) URL(db string) string {
	s.t.Helper()
	cfg := rootAt(s.addr())
	if err := createDatabase(cfg, db); err != nil {
		s.t.Fatalf("testdb: %v", err)
	}
	return toURL(cfg, db)
}

// Kill stops the server with SIGKILL, as a crash would, and waits until it has exited.
func (s *Server) Kill() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return
	}
	s.cmd.Process.Kill()
	<-s.done
	s.cmd = nil
}

// Freeze stops the server with SIGSTOP: it keeps its connections but answers
// nothing, as a hung or overloaded database would, until Thaw.
func (s *Server) Freeze() { s.signal(syscall.SIGSTOP) }

// Thaw resumes a frozen server (SIGCONT).
func (s *Server) Thaw() { s.signal(syscall.SIGCONT) }

func (s *Server) signal(sig syscall.Signal) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd != nil {
		s.cmd.Process.Signal(sig)
	}
}

// Start restarts a killed server on the same port and data, and waits until it answers.
// It does nothing if the server is running.
func (s *Server) Start() {
	s.t.Helper()
	if err := s.start(); err != nil {
		s.t.Fatalf("testdb: %v", err)
	}
}

func (s *Server) addr() string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(s.port)) }

// newServer initialises a data directory under dir and starts mariadbd on a free port.
func newServer(dir string) (*Server, error) {
	installDB, err := findBinary("mariadb-install-db")
	if err != nil {
		return nil, err
	}
	if _, err := findBinary("mariadbd"); err != nil {
		return nil, err
	}
	install := exec.Command(installDB, "--no-defaults", "--datadir="+filepath.Join(dir, "data"),
		"--auth-root-authentication-method=normal", "--skip-test-db", "--user="+osUser())
	if out, err := install.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("mariadb-install-db: %v\n%s", err, out)
	}
	// Another process may take the free port before mariadbd binds it; try another then.
	s := &Server{dir: dir}
	for range 3 {
		s.port = freePort()
		if err = s.start(); err == nil {
			return s, nil
		}
	}
	return nil, err
}

func (s *Server) start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd != nil {
		return nil
	}
	mariadbd, err := findBinary("mariadbd")
	if err != nil {
		return err
	}
	logPath := filepath.Join(s.dir, "mariadbd.log")
	log, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	defer log.Close() // the child has its own copy
	cmd := exec.Command(mariadbd, "--no-defaults", "--datadir="+filepath.Join(s.dir, "data"),
		"--port="+strconv.Itoa(s.port), "--bind-address=127.0.0.1",
		"--socket="+filepath.Join(s.dir, "sock"), "--user="+osUser(), "--skip-log-bin",
		"--pid-file="+filepath.Join(s.dir, "pid"))
	cmd.Stdout, cmd.Stderr = log, log
	// The kernel kills mariadbd when the test binary dies, however it dies, so a server
	// never outlives its tests.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	done := make(chan struct{})
	started := make(chan error, 1)
	go func() {
		// Pdeathsig fires when the *thread* that forked the child exits, not the process
		// (golang.org/issue/27505), and the Go runtime may end threads. Keep this goroutine
		// on its thread until the child has exited; a locked goroutine that returns takes
		// its thread with it, which no longer matters then.
		runtime.LockOSThread()
		err := cmd.Start()
		started <- err
		if err == nil {
			cmd.Wait()
		}
		close(done)
	}()
	if err := <-started; err != nil {
		return fmt.Errorf("start mariadbd: %v", err)
	}
	s.cmd, s.done = cmd, done

	cfg := rootAt(s.addr())
	deadline := time.Now().Add(startTimeout)
	for {
		err := ping(cfg)
		if err == nil {
			return nil
		}
		select {
		case <-done:
			s.cmd = nil
			return fmt.Errorf("mariadbd exited: %v\n%s", cmd.ProcessState, tail(logPath))
		default:
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			<-done
			s.cmd = nil
			return fmt.Errorf("mariadbd on %s did not answer in %v: %v\n%s",
				s.addr(), startTimeout, err, tail(logPath))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// findBinary looks in PATH and then in /usr/sbin, where Debian puts mariadbd but which is not
// in every user's PATH.
func findBinary(name string) (string, error) {
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	if p := filepath.Join("/usr/sbin", name); isExecutable(p) {
		return p, nil
	}
	return "", fmt.Errorf("%w (looked for %s in PATH and /usr/sbin)", errNoMariaDB, name)
}

func isExecutable(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0
}

// osUser is the user mariadbd runs as: root refuses to run it unless named explicitly, and
// anyone else cannot switch users, so it is always the current user.
func osUser() string {
	if u, err := user.Current(); err == nil {
		return u.Username
	}
	return "root"
}

// freePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func freePort() int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// tail returns the end of a log file, for error messages.
func tail(path string) string {
	b, _ := os.ReadFile(path)
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return string(b)
}

func randomHex() string {
	b := make([]byte, 8)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// rootAt is root with no password over TCP at addr.
func rootAt(addr string) *mysql.Config {
	cfg := mysql.NewConfig()
	cfg.User, cfg.Net, cfg.Addr = "root", "tcp", addr
	return cfg
}

// toURL is the URL of database db on the server of cfg.
func toURL(cfg *mysql.Config, db string) string {
	u := url.URL{Scheme: "mysql", Host: cfg.Addr, Path: "/" + db}
	if cfg.Passwd != "" {
		u.User = url.UserPassword(cfg.User, cfg.Passwd)
	} else {
		u.User = url.User(cfg.User)
	}
	return u.String()
}

// ping connects to the server of cfg (not to any database) and checks that it answers.
func ping(cfg *mysql.Config) error {
	c := *cfg
	c.DBName = ""
	c.Timeout = pingTimeout
	conn, err := mysql.NewConnector(&c)
	if err != nil {
		return err
	}
	db := sql.OpenDB(conn)
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), pingTimeout)
	defer cancel()
	return db.PingContext(ctx)
}

// createDatabase creates db if it does not exist. utf8mb4 is explicit because a server
// started with --no-defaults would otherwise use latin1.
func createDatabase(cfg *mysql.Config, db string) error {
	return execAdmin(cfg, "CREATE DATABASE IF NOT EXISTS `"+db+"` CHARACTER SET utf8mb4")
}

// execAdmin runs one statement on the server of cfg, outside any database.
func execAdmin(cfg *mysql.Config, stmt string) error {
	c := *cfg
	c.DBName = ""
	c.Timeout = 10 * time.Second
	conn, err := mysql.NewConnector(&c)
	if err != nil {
		return err
	}
	db := sql.OpenDB(conn)
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := db.ExecContext(ctx, stmt); err != nil {
		return fmt.Errorf("%s: %v", stmt, err)
	}
	return nil
}
