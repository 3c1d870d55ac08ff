package testdb

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
)

// TiDB is found, in order, at:
//   - INTERLOG_TEST_TIDB_DSN (mysql://user:pass@host:port/anydb; only the server is used),
//   - a TiDB started once per test process on a free port by start-tidb.sh, from
//     INTERLOG_TEST_TIDB_TOOLS or else ../shared/tools/tidb beside the repository; Shutdown
//     stops it.
const (
	tidbDSNEnv   = "INTERLOG_TEST_TIDB_DSN"
	tidbToolsEnv = "INTERLOG_TEST_TIDB_TOOLS"

	// Prefix of the started TiDB's directory, followed by the owner's pid as for MariaDB.
	tidbDirPrefix = "interlog-testtidb-"
	tidbPIDFile   = "tidb.pid"
)

var (
	tidbOnce sync.Once
	tidbCfg  *mysql.Config
	tidbErr  error

	tidbMu      sync.Mutex
	tidbStarted *startedTiDB // the server TiDB started, if any
)

// startedTiDB is a tidb-server that start-tidb.sh left running in the background.
type startedTiDB struct {
	dir string
	pid int
}

// TiDB returns the URL (mysql://root@host:port/it_<hex>) of a fresh, empty database on TiDB,
// created for this test and dropped when it ends.
func TiDB(t testing.TB) string {
	t.Helper()
	return freshDatabase(t, serverOf(t, "tidb"))
}

func findTiDB() (*mysql.Config, error) {
	if os.Getenv(tidbDSNEnv) != "" {
		return serverFromEnv(tidbDSNEnv)
	}
	script, err := tidbScript()
	if err != nil {
		return nil, err
	}
	sweepStaleTiDBs()
	dir, err := os.MkdirTemp("", tidbDirPrefix+strconv.Itoa(os.Getpid())+"-")
	if err != nil {
		return nil, err
	}
	// Another process may take the free port (or the status port beside it) first.
	for range 3 {
		var s *startedTiDB
		port := freePort()
		if s, err = startTiDB(script, dir, port); err == nil {
			tidbMu.Lock()
			tidbStarted = s
			tidbMu.Unlock()
			return rootAt("127.0.0.1:" + strconv.Itoa(port)), nil
		}
	}
	os.RemoveAll(dir)
	return nil, err
}

// tidbScript finds start-tidb.sh.
func tidbScript() (string, error) {
	dir := os.Getenv(tidbToolsEnv)
	if dir == "" {
		root, err := moduleRoot()
		if err != nil {
			return "", err
		}
		dir = filepath.Join(root, "..", "shared", "tools", "tidb")
	}
	script := filepath.Join(dir, "start-tidb.sh")
	if !isExecutable(script) {
		return "", fmt.Errorf("no TiDB for tests: %s not found; set %s to the folder of "+
			"start-tidb.sh, or %s=mysql://root@host:port/db to use a running TiDB, or leave "+
			"tidb out of %s", script, tidbToolsEnv, tidbDSNEnv, enginesEnv)
	}
	return script, nil
}

// moduleRoot is the folder of go.mod above the working directory (a test's package).
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("testdb: go.mod not found above the working directory")
		}
		dir = parent
	}
}

// startTiDB runs start-tidb.sh, which returns once the server answers SQL and prints its PID.
func startTiDB(script, dir string, port int) (*startedTiDB, error) {
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(script, strconv.Itoa(port), dir)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.Dir = dir // tidb-server writes its slow-query log to its working directory
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("%s %d: %v\n%s%s", script, port, err, stderr.String(), tail(filepath.Join(dir, "tidb.log")))
	}
	pid, err := strconv.Atoi(strings.TrimSpace(stdout.String()))
	if err != nil {
		return nil, fmt.Errorf("%s printed %q, want the server's PID", script, stdout.String())
	}
	// The PID is kept for sweepStaleTiDBs: tidb-server is not our child, so it does not die
	// with the test process.
	if err := os.WriteFile(filepath.Join(dir, tidbPIDFile), []byte(strconv.Itoa(pid)), 0o644); err != nil {
		syscall.Kill(pid, syscall.SIGKILL)
		return nil, err
	}
	return &startedTiDB{dir: dir, pid: pid}, nil
}

// stopTiDB kills the TiDB that TiDB started and removes its files.
func stopTiDB() {
	tidbMu.Lock()
	defer tidbMu.Unlock()
	if tidbStarted != nil {
		killAndWait(tidbStarted.pid)
		os.RemoveAll(tidbStarted.dir)
		tidbStarted = nil
	}
}

// killAndWait kills a process that is not our child and waits a little for it to go.
func killAndWait(pid int) {
	if syscall.Kill(pid, syscall.SIGKILL) != nil {
		return
	}
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if syscall.Kill(pid, 0) == syscall.ESRCH {
			return
		}
	}
}

// sweepStaleTiDBs stops the TiDB servers of test processes that died without Shutdown,
// and removes their directories.
func sweepStaleTiDBs() {
	for _, d := range staleDirs(tidbDirPrefix) {
		if b, err := os.ReadFile(filepath.Join(d, tidbPIDFile)); err == nil {
			if pid, err := strconv.Atoi(string(b)); err == nil && isTiDBServer(pid) {
				killAndWait(pid)
			}
		}
		os.RemoveAll(d)
	}
}

// isTiDBServer guards against killing an unrelated process that reuses a stale PID.
func isTiDBServer(pid int) bool {
	exe, err := os.Readlink(fmt.Sprintf("/proc/%d/exe", pid))
	return err == nil && strings.Contains(filepath.Base(exe), "tidb-server")
}
