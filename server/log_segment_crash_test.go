package server_test

import (
	"context"
	"database/sql"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"
	"google.golang.org/grpc"

	apiv1 "github.com/interlog/interlog/gen/interlog/v1"
	"github.com/interlog/interlog/internal/testdb"
	ts "github.com/interlog/interlog/internal/testserver"
)

// crashLines is the size of the segment logged in the crash test: large
// enough that the kill lands well inside the transaction.
const crashLines = 40_000

// TestLogSegmentSurvivesServerKill kills interlogd (SIGKILL) while a large
// LogSegment writes its entries on MySQL or TiDB, restarts it, and checks that
// the segment is either fully logged or untouched, and that a retry with the
// same request id then converges to exactly one logged segment.
func TestLogSegmentSurvivesServerKill(t *testing.T) {
	if testing.Short() {
		t.Skip("builds interlogd and logs a large segment")
	}
	for _, engine := range testdb.Engines() {
		if engine != "sqlite" {
			t.Run(engine, func(t *testing.T) { logSegmentSurvivesServerKill(t, testdb.URL(t, engine)) })
		}
	}
}

func logSegmentSurvivesServerKill(t *testing.T, dbURL string) {
	raw, err := ts.OpenRaw(dbURL)
	ts.NoErr(t, err)
	defer raw.Close()
	raw.SetMaxOpenConns(1) // otherSessions tells the server's sessions from raw's by id

	daemon := ts.StartDaemon(t, "--database", dbURL, "--migrate")
	segments := prepareCrashSegment(t, daemon.Dial(t), raw)
	req := &apiv1.LogSegmentRequest{Name: "segments/CRASH", RequestId: uuid.NewString()}
	callDone := make(chan error, 1)
	go func() {
		_, err := segments.LogSegment(context.Background(), req)
		callDone <- err
	}()
	waitForEntriesWritten(t, raw, callDone)
	daemon.Kill(t)
	if err := <-callDone; err == nil {
		t.Fatal("LogSegment succeeded although the server was killed during it")
	}
	waitForRollback(t, raw)
	t.Logf("after the kill: logged completely = %v", crashOutcome(t, raw))

	daemon = ts.StartDaemon(t, "--database", dbURL, "--migrate")
	segments = apiv1.NewSegmentServiceClient(daemon.Dial(t))
	first, err := segments.LogSegment(context.Background(), req)
	ts.NoErr(t, err)
	if !crashOutcome(t, raw) {
		t.Fatal("the retry after the restart did not log the segment")
	}
	again, err := segments.LogSegment(context.Background(), req)
	ts.NoErr(t, err)
	if again.GetLoggedSegment().GetEntryNo() != first.GetLoggedSegment().GetEntryNo() || first.GetLoggedSegment().GetInteractionCount() != crashLines {
		t.Fatalf("retries answered %v and %v, want one logged segment of %d entries", first, again, crashLines)
	}
}

// prepareCrashSegment makes segment CRASH with crashLines lines through the
// API (contacts are written straight to the table).
func prepareCrashSegment(t *testing.T, conn *grpc.ClientConn, raw *sql.DB) apiv1.SegmentServiceClient {
	t.Helper()
	ctx := context.Background()
	_, err := apiv1.NewInteractionGroupServiceClient(conn).CreateInteractionGroup(ctx, &apiv1.CreateInteractionGroupRequest{
		InteractionGroup: &apiv1.InteractionGroup{Code: "G"}})
	ts.NoErr(t, err)
	_, err = apiv1.NewInteractionTemplateServiceClient(conn).CreateInteractionTemplate(ctx, &apiv1.CreateInteractionTemplateRequest{
		InteractionTemplate: &apiv1.InteractionTemplate{Code: "MAIL", InteractionGroupCode: "G", UnitCost: "1"}})
	ts.NoErr(t, err)
	contacts := make([]ts.SeedContact, crashLines)
	lines := make([]*apiv1.SegmentLine, crashLines)
	for i := range contacts {
		contacts[i] = ts.SeedContact{No: fmt.Sprintf("C%06d", i), SalespersonCode: "SP"}
		lines[i] = &apiv1.SegmentLine{ContactNo: contacts[i].No}
	}
	ts.NoErr(t, ts.InsertContacts(raw, contacts))
	segments := apiv1.NewSegmentServiceClient(conn)
	_, err = segments.CreateSegment(ctx, &apiv1.CreateSegmentRequest{Segment: &apiv1.Segment{No: "CRASH", Description: "d", InteractionTemplateCode: "MAIL"}})
	ts.NoErr(t, err)
	for start := 0; start < crashLines; start += 10_000 {
		_, err := segments.BatchCreateSegmentLines(ctx, &apiv1.BatchCreateSegmentLinesRequest{Parent: "segments/CRASH", SegmentLines: lines[start : start+10_000]})
		ts.NoErr(t, err)
	}
	return segments
}

// segmentState counts what is committed of segment CRASH and its logging.
type segmentState struct{ loggedSegments, entries, segments, lines int64 }

func readSegmentState(t *testing.T, raw *sql.DB) segmentState {
	t.Helper()
	var st segmentState
	ts.NoErr(t, raw.QueryRow(`SELECT
		(SELECT COUNT(*) FROM logged_segments WHERE segment_no = 'CRASH'),
		(SELECT COUNT(*) FROM interaction_log_entries WHERE segment_no = 'CRASH'),
		(SELECT COUNT(*) FROM segments WHERE no = 'CRASH'),
		(SELECT COUNT(*) FROM segment_lines WHERE segment_no = 'CRASH')`).Scan(&st.loggedSegments, &st.entries, &st.segments, &st.lines))
	return st
}

// waitForEntriesWritten waits until the server's LogSegment transaction
// writes entries (an INSERT into interaction_log_entries is running), failing
// if the call ends first or it takes too long. It asks the server's process
// list, which MySQL, MariaDB and TiDB have alike; uncommitted rows cannot be
// counted on every engine (TiDB has no READ UNCOMMITTED).
func waitForEntriesWritten(t *testing.T, raw *sql.DB, callDone <-chan error) {
	t.Helper()
	for deadline := time.Now().Add(2 * time.Minute); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		select {
		case err := <-callDone:
			t.Fatalf("LogSegment ended (%v) before the kill: make the segment larger", err)
		default:
		}
		if otherSessions(t, raw, "AND info LIKE 'INSERT INTO `interaction_log_entries`%'") > 0 {
			return
		}
	}
	t.Fatal("the LogSegment transaction wrote no entries in 2 minutes")
}

// waitForRollback waits until the killed server's sessions are gone from the
// database server, their transactions rolled back.
func waitForRollback(t *testing.T, raw *sql.DB) {
	t.Helper()
	for deadline := time.Now().Add(2 * time.Minute); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if otherSessions(t, raw, "") == 0 {
			return
		}
	}
	t.Fatal("the killed server's sessions did not end within 2 minutes")
}

// otherSessions counts the sessions on raw's database but raw's own (raw has
// one connection) that match the extra condition.
func otherSessions(t *testing.T, raw *sql.DB, and string) int {
	t.Helper()
	var n int
	ts.NoErr(t, raw.QueryRow("SELECT COUNT(*) FROM information_schema.processlist WHERE db = DATABASE() AND id <> CONNECTION_ID() "+and).Scan(&n))
	return n
}

// crashOutcome checks that segment CRASH is either fully logged (true) or
// untouched (false), and fails the test on anything in between.
func crashOutcome(t *testing.T, raw *sql.DB) bool {
	t.Helper()
	switch st := readSegmentState(t, raw); st {
	case segmentState{loggedSegments: 1, entries: crashLines}:
		return true
	case segmentState{segments: 1, lines: crashLines}:
		return false
	default:
		t.Fatalf("segment half logged: %+v", st)
		return false
	}
}
