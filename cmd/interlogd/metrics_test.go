package main

import (
	"context"
	"database/sql"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	_ "github.com/glebarez/go-sqlite" // database/sql driver "sqlite"

	apiv1 "github.com/interlog/interlog/gen/interlog/v1"
	ts "github.com/interlog/interlog/internal/testserver"
)

// TestDaemonMetrics scrapes /metrics after a call: per-RPC counts by code,
// latency histograms and the database pool.
func TestDaemonMetrics(t *testing.T) {
	d := ts.StartDaemon(t, "--metrics-listen", "127.0.0.1:0")
	metricsURL, _ := d.Logs.Wait(t, "metrics serving")["address"].(string)
	groups := apiv1.NewInteractionGroupServiceClient(d.Dial(t))
	_, err := groups.ListInteractionGroups(context.Background(), &apiv1.ListInteractionGroupsRequest{})
	ts.NoErr(t, err)
	_, err = groups.GetInteractionGroup(context.Background(), &apiv1.GetInteractionGroupRequest{Name: "interactionGroups/NONE"})
	ts.WantCode(t, err, 5, "NOT_FOUND")

	body := scrape(t, metricsURL)
	for _, want := range []string{
		`grpc_server_handled_total{grpc_code="OK",grpc_method="ListInteractionGroups",grpc_service="interlog.v1.InteractionGroupService",grpc_type="unary"} 1`,
		`grpc_server_handled_total{grpc_code="NotFound",grpc_method="GetInteractionGroup",grpc_service="interlog.v1.InteractionGroupService",grpc_type="unary"} 1`,
		`grpc_server_handling_seconds_count{grpc_method="ListInteractionGroups",grpc_service="interlog.v1.InteractionGroupService",grpc_type="unary"} 1`,
		`interlog_db_connections_open 1`,
		`interlog_db_connections_in_use 0`,
		`go_goroutines `,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics has no %q", want)
		}
	}
}

func scrape(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	ts.NoErr(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	ts.NoErr(t, err)
	return string(b)
}

// waitMetric scrapes until the exposition contains line, for at most 30s.
func waitMetric(t *testing.T, url, line string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(scrape(t, url), line) {
		if time.Now().After(deadline) {
			t.Fatalf("/metrics did not show %q within 30s", line)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// holdSQLiteWriteLock takes SQLite's write lock on the database file, so
// that the server's writes wait, until the returned transaction ends.
func holdSQLiteWriteLock(t *testing.T, path string) *sql.Tx {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)&_txlock=immediate")
	ts.NoErr(t, err)
	t.Cleanup(func() { _ = db.Close() })
	tx, err := db.Begin()
	ts.NoErr(t, err)
	t.Cleanup(func() { _ = tx.Rollback() })
	return tx
}
