package testserver

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
)

// The interlogd binary run as a subprocess, for tests of what only a process
// shows: signals, exit, a crash (SIGKILL) and a restart.

var (
	buildOnce sync.Once
	binary    string
	buildErr  error
)

// daemonBinary builds interlogd once per test process.
func daemonBinary(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "interlogd-test-")
		if err != nil {
			buildErr = err
			return
		}
		binary = filepath.Join(dir, "interlogd")
		out, err := exec.Command("go", "build", "-o", binary, "github.com/interlog/interlog/cmd/interlogd").CombinedOutput()
		if err != nil {
			buildErr = err
			t.Logf("%s", out)
		}
	})
	if buildErr != nil {
		t.Fatalf("build interlogd: %v", buildErr)
	}
	return binary
}

// RemoveDaemonBinary deletes the binary StartDaemon built, if any. Call it
// from TestMain after m.Run.
func RemoveDaemonBinary() {
	if binary != "" {
		os.RemoveAll(filepath.Dir(binary))
	}
}

// Daemon is a running interlogd.
type Daemon struct {
	Addr   string    // the gRPC address it listens on
	Logs   *LogLines // its JSON log records
	cmd    *exec.Cmd
	exited chan struct{}
	err    error // the process's exit error, once exited is closed
}

// LogLines collects the JSON log records of a daemon.
type LogLines struct {
	mu    sync.Mutex
	lines []map[string]any
	added chan struct{}
}

func (l *LogLines) add(rec map[string]any) {
	l.mu.Lock()
	l.lines = append(l.lines, rec)
	l.mu.Unlock()
	select {
	case l.added <- struct{}{}:
	default:
	}
}

// Wait returns the first record whose msg is msg, waiting up to 30 seconds.
func (l *LogLines) Wait(t testing.TB, msg string) map[string]any {
	t.Helper()
	return l.WaitNth(t, msg, 1)
}

// WaitNth returns the nth record (counting from 1) whose msg is msg,
// waiting up to 30 seconds: the record of the nth time something happened.
func (l *LogLines) WaitNth(t testing.TB, msg string, n int) map[string]any {
	t.Helper()
	return l.waitNth(t, msg, n, 30*time.Second)
}

func (l *LogLines) waitNth(t testing.TB, msg string, n int, timeout time.Duration) map[string]any {
	t.Helper()
	deadline := time.After(timeout)
	for {
		if rec := l.find(msg, n); rec != nil {
			return rec
		}
		select {
		case <-l.added:
		case <-time.After(100 * time.Millisecond):
		case <-deadline:
			t.Fatalf("no log record %q (#%d) in %v", msg, n, timeout)
		}
	}
}

// Find returns the first record whose msg is msg, or nil, without waiting.
func (l *LogLines) Find(msg string) map[string]any { return l.find(msg, 1) }

// startTimeout bounds a daemon's start, migrations included: on TiDB each of
// the ~20 DDL statements of an empty database's migration takes from a tenth
// of a second to a second on a busy machine.
const startTimeout = 2 * time.Minute

// find returns the nth record whose msg is msg, or nil.
func (l *LogLines) find(msg string, n int) map[string]any {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, rec := range l.lines {
		if rec["msg"] == msg {
			if n--; n == 0 {
				return rec
			}
		}
	}
	return nil
}

// StartDaemon runs interlogd serve on a free loopback port with a fresh
// SQLite database (unless args name one) and the given extra flags, and
// waits until it serves. The process is killed when the test ends.
func StartDaemon(t testing.TB, args ...string) *Daemon {
	t.Helper()
	return StartDaemonWithEnv(t, nil, args...)
}

// StartDaemonWithEnv is StartDaemon with environment variables
// ("NAME=value") beside PATH, the only one StartDaemon passes on.
func StartDaemonWithEnv(t testing.TB, env []string, args ...string) *Daemon {
	t.Helper()
	if !slices.Contains(args, "--database") {
		args = append(args, "--database", "sqlite://"+filepath.Join(t.TempDir(), "interlog.db"))
	}
	args = append([]string{"serve", "--listen", "127.0.0.1:0"}, args...)
	cmd := exec.Command(daemonBinary(t), args...)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH")}, env...) // no INTERLOG_* or OTEL_* from the test's environment
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	d := &Daemon{cmd: cmd, Logs: &LogLines{added: make(chan struct{}, 1)}, exited: make(chan struct{})}
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			var rec map[string]any
			if json.Unmarshal(sc.Bytes(), &rec) == nil {
				d.Logs.add(rec)
			} else {
				d.Logs.add(map[string]any{"msg": "unstructured", "text": sc.Text()})
			}
		}
		d.err = cmd.Wait()
		close(d.exited)
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-d.exited
	})
	rec := d.Logs.waitNth(t, "interlogd serving", 1, startTimeout)
	d.Addr, _ = rec["address"].(string)
	return d
}

// Dial connects to the daemon without TLS; the connection is closed when
// the test ends.
func (d *Daemon) Dial(t testing.TB) *grpc.ClientConn {
	t.Helper()
	conn, err := grpc.NewClient(d.Addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return conn
}

// Signal sends sig to the daemon.
func (d *Daemon) Signal(t testing.TB, sig syscall.Signal) {
	t.Helper()
	if err := d.cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
}

// Kill ends the daemon with SIGKILL, as a crash would, and waits until it
// has exited.
func (d *Daemon) Kill(t testing.TB) {
	t.Helper()
	d.Signal(t, syscall.SIGKILL)
	<-d.exited
}

// WaitExit waits up to 30 seconds for the daemon to exit and returns its error.
func (d *Daemon) WaitExit(t testing.TB) error {
	t.Helper()
	select {
	case <-d.exited:
		return d.err
	case <-time.After(30 * time.Second):
		t.Fatal("interlogd did not exit within 30s")
		return nil
	}
}

// Pid is the daemon's process id.
func (d *Daemon) Pid() int { return d.cmd.Process.Pid }

// RunInterlogd runs the interlogd binary with args until it exits (at most
// a minute) and returns what it wrote to stdout and stderr, and its exit
// error.
func RunInterlogd(t testing.TB, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, daemonBinary(t), args...)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH")} // no INTERLOG_* from the test's environment
	var out, errOut strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err = cmd.Run()
	return out.String(), errOut.String(), err
}
