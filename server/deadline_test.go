package server_test

import (
	"context"
	"database/sql"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	apiv1 "github.com/interlog/interlog/gen/interlog/v1"
	"github.com/interlog/interlog/internal/testdb"
	ts "github.com/interlog/interlog/internal/testserver"
)

// TestClientDeadlineCancelsTheQuery holds a row lock from another connection
// so that an update blocks in MySQL, and calls with a 500 ms deadline. The
// call must end DEADLINE_EXCEEDED and the server must give its connection
// back while the lock is still held: the query was cancelled by the
// deadline, not ended by MySQL's 50 s lock wait timeout. On MySQL and TiDB.
func TestClientDeadlineCancelsTheQuery(t *testing.T) {
	for _, engine := range testdb.Engines() {
		if engine != "sqlite" {
			t.Run(engine, func(t *testing.T) { clientDeadlineCancelsTheQuery(t, ts.Start(t, engine, ts.Options{})) })
		}
	}
}

func clientDeadlineCancelsTheQuery(t *testing.T, env *ts.Env) {
	ctx := context.Background()
	_, err := env.Groups.CreateInteractionGroup(ctx, &apiv1.CreateInteractionGroupRequest{
		InteractionGroup: &apiv1.InteractionGroup{Code: "LOCKED"},
	})
	ts.NoErr(t, err)

	blocker := openRaw(t, env.URL)
	tx, err := blocker.BeginTx(ctx, nil)
	ts.NoErr(t, err)
	defer tx.Rollback()
	_, err = tx.ExecContext(ctx, "UPDATE interaction_groups SET description = 'held' WHERE code = 'LOCKED'")
	ts.NoErr(t, err)

	callCtx, cancel := context.WithTimeout(ctx, 500*time.Millisecond)
	defer cancel()
	_, err = env.Groups.UpdateInteractionGroup(callCtx, &apiv1.UpdateInteractionGroupRequest{
		InteractionGroup: &apiv1.InteractionGroup{Name: "interactionGroups/LOCKED", Description: "blocked"},
		UpdateMask:       &fieldmaskpb.FieldMask{Paths: []string{"description"}},
	})
	ts.WantCode(t, err, codes.DeadlineExceeded, "")
	returned := time.Now()

	// The lock is still held; the server's pool must nonetheless be free,
	// but for the session the change feed's sequencer keeps (it holds the
	// database's sequencer lock).
	sequencer := 0
	if env.Store.ChangeFeedEnabled() {
		sequencer = 1
	}
	deadline := returned.Add(10 * time.Second)
	for {
		_, inUse, _, _, _ := env.Store.PoolStats()
		if inUse <= sequencer {
			t.Logf("pool free %v after the call returned", time.Since(returned))
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d connections still in use 10s after the deadline: the query was not cancelled", inUse)
		}
		time.Sleep(20 * time.Millisecond)
	}
	ts.NoErr(t, tx.Rollback())

	// Nothing was written, and the server works on.
	g, err := env.Store.GetGroup(ctx, "LOCKED")
	ts.NoErr(t, err)
	if g.Description != "" {
		t.Fatalf("description %q: the cancelled update was applied", g.Description)
	}
}

// openRaw opens a plain connection pool to the test database of a
// mysql:// store URL.
func openRaw(t *testing.T, storeURL string) *sql.DB {
	t.Helper()
	u, err := url.Parse(storeURL)
	ts.NoErr(t, err)
	cfg := mysql.NewConfig()
	cfg.Net, cfg.Addr, cfg.DBName = "tcp", u.Host, strings.TrimPrefix(u.Path, "/")
	cfg.User = u.User.Username()
	cfg.Passwd, _ = u.User.Password()
	conn, err := mysql.NewConnector(cfg)
	ts.NoErr(t, err)
	db := sql.OpenDB(conn)
	t.Cleanup(func() { _ = db.Close() })
	return db
}
