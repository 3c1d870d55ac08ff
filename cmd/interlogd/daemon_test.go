package main

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
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"

	apiv1 "github.com/interlog/interlog/gen/interlog/v1"
	ts "github.com/interlog/interlog/internal/testserver"
	"github.com/interlog/interlog/server"
)

// These tests run the interlogd binary as a subprocess, to check what only
// a process shows: signals and exit.

var (
	buildOnce sync.Once
	binary    string
	buildErr  error
)

// daemonBinary builds interlogd once per test run.
func daemonBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "interlogd-test-")
		if err != nil {
			buildErr = err
			return
		}
		binary = filepath.Join(dir, "interlogd")
		out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput()
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

func TestMain(m *testing.M) {
	code := m.Run()
	if binary != "" {
		os.RemoveAll(filepath.Dir(binary))
	}
	os.Exit(code)
}

// daemon is a running interlogd.
type daemon struct {
	cmd    *exec.Cmd
	addr   string
	logs   *logLines
	exited chan struct{}
	err    error // the process's exit error, once exited is closed
}

// logLines collects the JSON log records of a daemon.
type logLines struct {
	mu    sync.Mutex
	lines []map[string]any
	added chan struct{}
}

func (l *logLines) add(rec map[string]any) {
	l.mu.Lock()
	l.lines = append(l.lines, rec)
	l.mu.Unlock()
	select {
	case l.added <- struct{}{}:
	default:
	}
}

// wait returns the first record whose msg is msg, waiting up to 30 seconds.
func (l *logLines) wait(t *testing.T, msg string) map[string]any {
	t.Helper()
	deadline := time.After(30 * time.Second)
	for {
		l.mu.Lock()
		for _, rec := range l.lines {
			if rec["msg"] == msg {
				l.mu.Unlock()
				return rec
			}
		}
		l.mu.Unlock()
		select {
		case <-l.added:
		case <-time.After(100 * time.Millisecond):
		case <-deadline:
			t.Fatalf("no log record %q in 30s", msg)
		}
	}
}

// startDaemon runs interlogd serve on a free loopback port with a fresh
// SQLite database (unless args name one) and the given extra flags, and waits until it serves.
func startDaemon(t *testing.T, args ...string) *daemon {
	t.Helper()
	if !slices.Contains(args, "--database") {
		args = append(args, "--database", "sqlite://"+filepath.Join(t.TempDir(), "interlog.db"))
	}
	args = append([]string{"serve", "--listen", "127.0.0.1:0"}, args...)
	cmd := exec.Command(daemonBinary(t), args...)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH")} // no INTERLOG_* from the test's environment
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	d := &daemon{cmd: cmd, logs: &logLines{added: make(chan struct{}, 1)}, exited: make(chan struct{})}
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			var rec map[string]any
			if json.Unmarshal(sc.Bytes(), &rec) == nil {
				d.logs.add(rec)
			} else {
				d.logs.add(map[string]any{"msg": "unstructured", "text": sc.Text()})
			}
		}
		d.err = cmd.Wait()
		close(d.exited)
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-d.exited
	})
	rec := d.logs.wait(t, "interlogd serving")
	d.addr, _ = rec["address"].(string)
	return d
}

// dial connects to the daemon without TLS.
func (d *daemon) dial(t *testing.T) *grpc.ClientConn {
	t.Helper()
	conn, err := grpc.NewClient(d.addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return conn
}

// signal sends sig to the daemon.
func (d *daemon) signal(t *testing.T, sig syscall.Signal) {
	t.Helper()
	if err := d.cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
}

// waitExit waits up to 30 seconds for the daemon to exit and returns its error.
func (d *daemon) waitExit(t *testing.T) error {
	t.Helper()
	select {
	case <-d.exited:
		return d.err
	case <-time.After(30 * time.Second):
		t.Fatal("interlogd did not exit within 30s")
		return nil
	}
}

func tokenLine(t *testing.T, principal string, role server.Role) (token, line string) {
	t.Helper()
	token, line, err := server.NewToken(principal, role)
	ts.NoErr(t, err)
	return token, line
}

func TestDaemonReloadsTokensOnSIGHUP(t *testing.T) {
	alice, aliceLine := tokenLine(t, "alice", server.RoleViewer)
	bob, bobLine := tokenLine(t, "bob", server.RoleViewer)
	path := filepath.Join(t.TempDir(), "tokens")
	ts.NoErr(t, os.WriteFile(path, []byte(aliceLine+"\n"), 0o600))
	d := startDaemon(t, "--token-file", path)
	groups := apiv1.NewInteractionGroupServiceClient(d.dial(t))
	list := func(token string) error {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_, err := groups.ListInteractionGroups(ts.Bearer(ctx, token), &apiv1.ListInteractionGroupsRequest{})
		return err
	}
	ts.NoErr(t, list(alice))
	ts.WantCode(t, list(bob), codes.Unauthenticated, "CREDENTIALS_INVALID")

	ts.NoErr(t, os.WriteFile(path, []byte(bobLine+"\n"), 0o600))
	d.signal(t, syscall.SIGHUP)
	d.logs.wait(t, "token file reloaded")
	ts.NoErr(t, list(bob))
	ts.WantCode(t, list(alice), codes.Unauthenticated, "CREDENTIALS_INVALID")

	// A broken file is not taken: bob keeps working.
	ts.NoErr(t, os.WriteFile(path, []byte(bobLine+"\nbroken\n"), 0o600))
	d.signal(t, syscall.SIGHUP)
	rec := d.logs.wait(t, "token file not reloaded; the tokens loaded before stay in force")
	if !strings.Contains(rec["error"].(string), "line 2") {
		t.Errorf("reload error %v: want the line named", rec["error"])
	}
	ts.NoErr(t, list(bob))
	if code := status.Code(list(alice)); code != codes.Unauthenticated {
		t.Fatalf("alice after a failed reload: %v", code)
	}
}

// TestDaemonFinishesInFlightCallOnSIGTERM blocks a write behind a lock held
// from the test, sends SIGTERM while the call is in flight, then releases
// the lock: the call must complete, and interlogd exit cleanly.
func TestDaemonFinishesInFlightCallOnSIGTERM(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "interlog.db")
	d := startDaemon(t, "--database", "sqlite://"+dbPath, "--metrics-listen", "127.0.0.1:0")
	metricsURL, _ := d.logs.wait(t, "metrics serving")["address"].(string)
	groups := apiv1.NewInteractionGroupServiceClient(d.dial(t))

	lock := holdSQLiteWriteLock(t, dbPath)
	done := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_, err := groups.CreateInteractionGroup(ctx, &apiv1.CreateInteractionGroupRequest{
			InteractionGroup: &apiv1.InteractionGroup{Code: "INFLIGHT"},
		})
		done <- err
	}()
	waitMetric(t, metricsURL, `grpc_server_started_total{grpc_method="CreateInteractionGroup",grpc_service="interlog.v1.InteractionGroupService",grpc_type="unary"} 1`)

	d.signal(t, syscall.SIGTERM)
	d.logs.wait(t, "shutting down: finishing in-flight calls")
	select {
	case err := <-done:
		t.Fatalf("the call ended before the lock was released: %v", err)
	default:
	}
	ts.NoErr(t, lock.Rollback())
	ts.NoErr(t, <-done)
	if err := d.waitExit(t); err != nil {
		t.Fatalf("interlogd exited with %v, want a clean exit", err)
	}
	d.logs.wait(t, "shut down")
}
