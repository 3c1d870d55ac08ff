package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	apiv1 "github.com/interlog/interlog/gen/interlog/v1"
	ts "github.com/interlog/interlog/internal/testserver"
	"github.com/interlog/interlog/server"
)

// These tests run the interlogd binary as a subprocess (ts.StartDaemon), to
// check what only a process shows: signals and exit.

func TestMain(m *testing.M) {
	code := m.Run()
	ts.RemoveDaemonBinary()
	os.Exit(code)
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
	d := ts.StartDaemon(t, "--token-file", path)
	groups := apiv1.NewInteractionGroupServiceClient(d.Dial(t))
	list := func(token string) error {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_, err := groups.ListInteractionGroups(ts.Bearer(ctx, token), &apiv1.ListInteractionGroupsRequest{})
		return err
	}
	ts.NoErr(t, list(alice))
	ts.WantCode(t, list(bob), codes.Unauthenticated, "CREDENTIALS_INVALID")

	ts.NoErr(t, os.WriteFile(path, []byte(bobLine+"\n"), 0o600))
	d.Signal(t, syscall.SIGHUP)
	d.Logs.Wait(t, "token file reloaded")
	ts.NoErr(t, list(bob))
	ts.WantCode(t, list(alice), codes.Unauthenticated, "CREDENTIALS_INVALID")

	// A broken file is not taken: bob keeps working.
	ts.NoErr(t, os.WriteFile(path, []byte(bobLine+"\nbroken\n"), 0o600))
	d.Signal(t, syscall.SIGHUP)
	rec := d.Logs.Wait(t, "token file not reloaded; the tokens loaded before stay in force")
	if !strings.Contains(rec["error"].(string), "line 2") {
		t.Errorf("reload error %v: want the line named", rec["error"])
	}
	ts.NoErr(t, list(bob))
	if code := status.Code(list(alice)); code != codes.Unauthenticated {
		t.Fatalf("alice after a failed reload: %v", code)
	}
}

// TestDaemonSurvivesSIGHUPWithNothingToReload: with no token file and no TLS
// a SIGHUP is logged, and the server goes on answering.
func TestDaemonSurvivesSIGHUPWithNothingToReload(t *testing.T) {
	d := ts.StartDaemon(t)
	groups := apiv1.NewInteractionGroupServiceClient(d.Dial(t))
	d.Signal(t, syscall.SIGHUP)
	d.Logs.Wait(t, "SIGHUP: nothing to reload (no token file, no TLS files)")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := groups.ListInteractionGroups(ctx, &apiv1.ListInteractionGroupsRequest{})
	ts.NoErr(t, err)
}

// TestDaemonFinishesInFlightCallOnSIGTERM blocks a write behind a lock held
// from the test, sends SIGTERM while the call is in flight, then releases
// the lock: the call must complete, and interlogd exit cleanly.
func TestDaemonFinishesInFlightCallOnSIGTERM(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "interlog.db")
	d := ts.StartDaemon(t, "--database", "sqlite://"+dbPath, "--metrics-listen", "127.0.0.1:0")
	metricsURL, _ := d.Logs.Wait(t, "metrics serving")["address"].(string)
	groups := apiv1.NewInteractionGroupServiceClient(d.Dial(t))

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

	d.Signal(t, syscall.SIGTERM)
	d.Logs.Wait(t, "shutting down: finishing in-flight calls")
	select {
	case err := <-done:
		t.Fatalf("the call ended before the lock was released: %v", err)
	default:
	}
	ts.NoErr(t, lock.Rollback())
	ts.NoErr(t, <-done)
	if err := d.WaitExit(t); err != nil {
		t.Fatalf("interlogd exited with %v, want a clean exit", err)
	}
	d.Logs.Wait(t, "shut down")
}
