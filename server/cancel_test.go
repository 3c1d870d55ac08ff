package server_test

import (
	"context"
	"database/sql"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	apiv1 "github.com/interlog/interlog/gen/interlog/v1"
	"github.com/interlog/interlog/internal/testdb"
	ts "github.com/interlog/interlog/internal/testserver"
	"github.com/interlog/interlog/server"
)

// holdWriteLock makes the server's creation of group WAITS wait: on SQLite
// by taking the database's write lock, on MySQL by inserting that group in
// a transaction left open.
func holdWriteLock(t *testing.T, env *ts.Env) {
	t.Helper()
	ctx := context.Background()
	if env.Engine == "sqlite" {
		db, err := sql.Open("sqlite", "file:"+strings.TrimPrefix(env.URL, "sqlite://")+"?_txlock=immediate")
		ts.NoErr(t, err)
		t.Cleanup(func() { _ = db.Close() })
		tx, err := db.BeginTx(ctx, nil)
		ts.NoErr(t, err)
		t.Cleanup(func() { _ = tx.Rollback() })
		return
	}
	tx, err := openRaw(t, env.URL).BeginTx(ctx, nil)
	ts.NoErr(t, err)
	t.Cleanup(func() { _ = tx.Rollback() })
	_, err = tx.ExecContext(ctx, "INSERT INTO interaction_groups (code, description, etag, create_time, update_time) VALUES ('WAITS', '', 'x', 0, 0)")
	ts.NoErr(t, err)
}

// TestCanceledWriteIsCanceled: a client that gives up while its write waits
// for the database is logged and counted as CANCELED, whatever the driver
// made of the interrupted statement or transaction, never INTERNAL.
func TestCanceledWriteIsCanceled(t *testing.T) {
	for _, engine := range testdb.Engines() {
		t.Run(engine, func(t *testing.T) { testCanceledWrite(t, engine) })
	}
}

func testCanceledWrite(t *testing.T, engine string) {
	logs := &syncBuffer{}
	reg := prometheus.NewRegistry()
	// Health pings every hour only, so that a connection in use is the call's.
	env := ts.Start(t, engine, ts.Options{Server: server.Options{
		Logger: slog.New(slog.NewJSONHandler(logs, nil)), Metrics: reg, HealthInterval: time.Hour,
	}})
	{
		holdWriteLock(t, env)
		requestID := "cancel-" + env.Engine
		ctx, cancel := context.WithCancel(metadata.AppendToOutgoingContext(context.Background(), "x-request-id", requestID))
		done := make(chan error, 1)
		go func() {
			_, err := env.Groups.CreateInteractionGroup(ctx, &apiv1.CreateInteractionGroupRequest{
				InteractionGroup: &apiv1.InteractionGroup{Code: "WAITS"},
			})
			done <- err
		}()
		for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(10 * time.Millisecond) {
			if _, inUse, _, _, _ := env.Store.PoolStats(); inUse > 0 && counted(t, reg, "grpc_server_started_total", "CreateInteractionGroup", "") {
				break // the call waits in the database
			}
			select {
			case err := <-done:
				t.Fatalf("the update ended without waiting: %v", err)
			default:
			}
			if time.Now().After(deadline) {
				t.Fatal("the update never reached the database")
			}
		}
		cancel()
		if err := <-done; status.Code(err) != codes.Canceled {
			t.Fatalf("client saw %v, want CANCELED", err)
		}
		// The server ends the call when the database gives up the statement
		// (SQLite's busy wait does not heed the context: 10 s).
		for deadline := time.Now().Add(30 * time.Second); !strings.Contains(logs.String(), requestID); time.Sleep(20 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatal("the canceled call was not logged within 30s")
			}
		}
		if code := accessLogLine(t, logs, requestID).get("grpc.code"); code != "Canceled" {
			t.Fatalf("access log code %s, want Canceled:\n%s", code, logs.String())
		}
		if strings.Contains(logs.String(), `"internal error"`) {
			t.Fatalf("the cancel was logged as an internal error:\n%s", logs.String())
		}
		if !counted(t, reg, "grpc_server_handled_total", "CreateInteractionGroup", "Canceled") {
			t.Fatal("grpc_server_handled_total did not count the call as Canceled")
		}
	}
}

// counted reports whether a per-RPC counter has counted a call of method
// (ending with code, unless code is "").
func counted(t *testing.T, reg *prometheus.Registry, counter, method, code string) bool {
	t.Helper()
	families, err := reg.Gather()
	ts.NoErr(t, err)
	for _, f := range families {
		if f.GetName() != counter {
			continue
		}
		for _, m := range f.GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			if labels["grpc_method"] == method && (code == "" || labels["grpc_code"] == code) && m.GetCounter().GetValue() >= 1 {
				return true
			}
		}
	}
	return false
}
