package main

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"time"

	apiv1 "github.com/interlog/interlog/gen/interlog/v1"
	"github.com/interlog/interlog/internal/testdb"
	ts "github.com/interlog/interlog/internal/testserver"
)

// TestMySQLDriverMessagesAreJSON kills the connections interlogd keeps to
// MySQL, so that the driver reports the broken ones it drops: the report is
// a JSON log record like every other line on stderr, not the driver's own
// "[mysql] ..." line. On each engine spoken to with the MySQL driver (MySQL, TiDB).
func TestMySQLDriverMessagesAreJSON(t *testing.T) {
	for _, engine := range testdb.Engines() {
		if engine != "sqlite" {
			t.Run(engine, func(t *testing.T) { driverMessagesAreJSON(t, testdb.URL(t, engine)) })
		}
	}
}

func driverMessagesAreJSON(t *testing.T, url string) {
	d := ts.StartDaemon(t, "--database", url, "--migrate")
	groups := apiv1.NewInteractionGroupServiceClient(d.Dial(t))
	db, err := ts.OpenRaw(url)
	ts.NoErr(t, err)
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for deadline := time.Now().Add(30 * time.Second); d.Logs.Find("mysql driver") == nil; {
		if time.Now().After(deadline) {
			t.Fatal("the driver reported no dropped connection within 30s")
		}
		_, err := groups.ListInteractionGroups(ctx, &apiv1.ListInteractionGroupsRequest{})
		ts.NoErr(t, err) // the pool replaces a dropped connection
		killConnectionsTo(t, db)
		time.Sleep(50 * time.Millisecond)
	}
	// The first report depends on which connection was killed first: an
	// idle one ("closing bad idle connection") or one in use, such as the
	// change sequencer's ("unexpected EOF").
	rec := d.Logs.Find("mysql driver")
	if msg := fmt.Sprint(rec["message"]); rec["level"] != "WARN" || !strings.Contains(msg, "connection") && !strings.Contains(msg, "EOF") {
		t.Errorf("driver record %v: want a warning with the driver's message", rec)
	}
	if rec := d.Logs.Find("unstructured"); rec != nil {
		t.Fatalf("a line on stderr is not JSON: %q", rec["text"])
	}
}

// killConnectionsTo kills every other connection to db's database.
func killConnectionsTo(t *testing.T, db *sql.DB) {
	t.Helper()
	rows, err := db.Query("SELECT id FROM information_schema.processlist WHERE db = DATABASE() AND id <> CONNECTION_ID()")
	ts.NoErr(t, err)
	var ids []int64
	for rows.Next() {
		var id int64
		ts.NoErr(t, rows.Scan(&id))
		ids = append(ids, id)
	}
	ts.NoErr(t, rows.Err())
	for _, id := range ids {
		_, _ = db.Exec(fmt.Sprintf("KILL %d", id)) // it may have ended meanwhile
	}
}
