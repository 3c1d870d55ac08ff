package server_test

// Database faults injected under a real server (internal/faultdb): the
// store's retries, UNAVAILABLE and request ids, tested without harming a
// database process (reliability/dbfault_test.go does that, on MariaDB).

import (
	"context"
	"fmt"
	"maps"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/google/uuid"
	"google.golang.org/grpc/codes"

	apiv1 "github.com/interlog/interlog/gen/interlog/v1"
	"github.com/interlog/interlog/internal/faultdb"
	"github.com/interlog/interlog/internal/testdb"
	ts "github.com/interlog/interlog/internal/testserver"
	"github.com/interlog/interlog/store"
)

// maxAttempts is how often the store runs a transaction that keeps hitting
// deadlocks (store/tx.go).
const maxAttempts = 5

// forEachEngineWithFaults runs fn on each engine against a server whose
// store's connections obey in's rules.
func forEachEngineWithFaults(t *testing.T, fn func(t *testing.T, env *ts.Env, in *faultdb.Injector)) {
	for _, engine := range testdb.Engines() {
		t.Run(engine, func(t *testing.T) {
			in := faultdb.New()
			env := ts.Start(t, engine, ts.Options{Store: store.Options{WrapConnector: in.Wrap}})
			fn(t, env, in)
		})
	}
}

// faultTables are the tables whose row counts tell what a call wrote.
var faultTables = []string{"interaction_log_entries", "logged_segments", "changes", "request_ids"}

// rowCounts counts the rows of faultTables.
func rowCounts(t *testing.T, env *ts.Env) map[string]int {
	t.Helper()
	counts := map[string]int{}
	for _, table := range faultTables {
		counts[table] = countRows(t, env, table, "1 = 1")
	}
	return counts
}

// written is what a call wrote: the change of each table's row count.
func written(before, after map[string]int) map[string]int {
	d := map[string]int{}
	for table, n := range after {
		if n != before[table] {
			d[table] = n - before[table]
		}
	}
	return d
}

// faultCall is a mutating call whose transaction the tests make fail.
type faultCall struct {
	name string
	// statement is one of the statements of the call's transaction.
	statement string
	// fixture makes what every call needs, once.
	fixture func(t *testing.T, env *ts.Env)
	// prepare makes what one call needs and returns its argument.
	prepare func(t *testing.T, env *ts.Env) string
	// call makes the call with request id rid (none when empty) and returns
	// what identifies its response (an entry no.).
	call func(ctx context.Context, env *ts.Env, arg, rid string) (string, error)
	// newest is the query of what identifies the resource the call made (as
	// call returns it); empty for a batched call, which commits in several
	// transactions and records its request id after them.
	newest string
}

func faultCalls() []faultCall {
	return []faultCall{{
		name: "LogInteraction", statement: "INSERT INTO interaction_log_entries", fixture: logFixture,
		prepare: func(*testing.T, *ts.Env) string { return "ANN" },
		call: func(ctx context.Context, env *ts.Env, contact, rid string) (string, error) {
			resp, err := env.Log.LogInteraction(ctx, &apiv1.LogInteractionRequest{ContactNo: contact, InteractionTemplateCode: "CALL", RequestId: rid})
			return fmt.Sprint(resp.GetInteractionLogEntry().GetEntryNo()), err
		},
		newest: "SELECT MAX(entry_no) FROM interaction_log_entries",
	}, {
		name: "LogSegment", statement: "INSERT INTO logged_segments", fixture: segmentFaultFixture,
		prepare: func(t *testing.T, env *ts.Env) string {
			no := fmt.Sprintf("S%d", segmentSerial.Add(1)) // logging deletes the segment: count
			createSegment(t, env, no, "CALL")
			ts.AddSegmentLines(t, env.Segments, no, []string{"C1", "C2"})
			return no
		},
		call: func(ctx context.Context, env *ts.Env, no, rid string) (string, error) {
			resp, err := env.Segments.LogSegment(ctx, &apiv1.LogSegmentRequest{Name: "segments/" + no, RequestId: rid})
			return fmt.Sprint(resp.GetLoggedSegment().GetEntryNo()), err
		},
		newest: "SELECT MAX(entry_no) FROM logged_segments",
	}, {
		name: "DeleteCanceledInteractionLogEntries", statement: "DELETE FROM interaction_log_entries", fixture: logFixture,
		// Two canceled entries, and the call deletes from the first on: those
		// of earlier calls that failed are left out.
		prepare: func(t *testing.T, env *ts.Env) string {
			first := logCall(t, env, "ANN", nil)
			cancelEntries(t, env, first, logCall(t, env, "ANN", nil))
			return fmt.Sprint(first.GetEntryNo())
		},
		call: func(ctx context.Context, env *ts.Env, from, rid string) (string, error) {
			min, _ := strconv.ParseInt(from, 10, 64)
			resp, err := env.Log.DeleteCanceledInteractionLogEntries(ctx, &apiv1.DeleteCanceledInteractionLogEntriesRequest{MinEntryNo: min, RequestId: rid})
			return fmt.Sprint(resp.GetDeletedCount()), err
		},
	}}
}

// segmentSerial numbers the segments of segmentFaultFixture.
var segmentSerial atomic.Int64

// segmentFaultFixture is logFixture with contacts C1 and C2 for segment
// lines.
func segmentFaultFixture(t *testing.T, env *ts.Env) {
	logFixture(t, env)
	contactNos(t, env, "C", 2)
}

// runFaultCalls runs check for each call on each engine. want is what the
// call writes when no fault hits it (measured first).
func runFaultCalls(t *testing.T, check func(t *testing.T, env *ts.Env, in *faultdb.Injector, c faultCall, want map[string]int)) {
	for _, c := range faultCalls() {
		t.Run(c.name, func(t *testing.T) {
			forEachEngineWithFaults(t, func(t *testing.T, env *ts.Env, in *faultdb.Injector) {
				c.fixture(t, env)
				arg := c.prepare(t, env)
				before := rowCounts(t, env)
				_, err := c.call(context.Background(), env, arg, "")
				ts.NoErr(t, err)
				check(t, env, in, c, written(before, rowCounts(t, env)))
			})
		})
	}
}

// callWithFault prepares and makes the call with rule armed and returns
// its result, its error and what it wrote. The rule must have fired
// wantFired times.
func callWithFault(t *testing.T, env *ts.Env, in *faultdb.Injector, c faultCall, rule faultdb.Rule, rid string, wantFired int) (string, error, map[string]int) {
	t.Helper()
	return callWithFaultOn(t, env, in, c, c.prepare(t, env), rule, rid, wantFired)
}

// callWithFaultOn is callWithFault with the call's argument prepared.
func callWithFaultOn(t *testing.T, env *ts.Env, in *faultdb.Injector, c faultCall, arg string, rule faultdb.Rule, rid string, wantFired int) (string, error, map[string]int) {
	t.Helper()
	before := rowCounts(t, env)
	armed := in.Arm(rule)
	got, err := c.call(context.Background(), env, arg, rid)
	armed.Disarm()
	if n := armed.Fired(); n != wantFired {
		t.Fatalf("the %v rule fired %d times, want %d", rule.Fault, n, wantFired)
	}
	return got, err, written(before, rowCounts(t, env))
}

// wantWritten fails the test unless a call wrote what want says.
func wantWritten(t *testing.T, what string, got, want map[string]int) {
	t.Helper()
	if !maps.Equal(got, want) {
		t.Fatalf("%s wrote %v, want %v", what, got, want)
	}
}

// TestRetryableFaultIsRetried: one deadlock (or lock wait timeout) in a
// call's transaction, at a statement or at its COMMIT, is retried by the
// store: the call succeeds and writes what it writes without a fault, its
// changes once, nothing of the failed attempt.
func TestRetryableFaultIsRetried(t *testing.T) {
	runFaultCalls(t, func(t *testing.T, env *ts.Env, in *faultdb.Injector, c faultCall, want map[string]int) {
		for _, rule := range []faultdb.Rule{
			{Match: c.statement, Fault: faultdb.Deadlock},
			{Match: c.statement, Fault: faultdb.LockWaitTimeout},
			{Match: "COMMIT", InTxWith: c.statement, Fault: faultdb.Deadlock},
		} {
			_, err, got := callWithFault(t, env, in, c, rule, "", 1)
			ts.NoErr(t, err)
			wantWritten(t, fmt.Sprintf("a call retried after a %v at %q", rule.Fault, rule.Match), got, want)
		}
	})
}

// TestDeadlockOnEveryAttemptIsAborted: a transaction that deadlocks on
// every attempt is given up after the store's attempts; the caller gets
// ABORTED with reason CONCURRENT_MODIFICATION and nothing is written.
func TestDeadlockOnEveryAttemptIsAborted(t *testing.T) {
	runFaultCalls(t, func(t *testing.T, env *ts.Env, in *faultdb.Injector, c faultCall, want map[string]int) {
		_, err, got := callWithFault(t, env, in, c, faultdb.Rule{Match: c.statement, Times: -1, Fault: faultdb.Deadlock}, uuid.NewString(), maxAttempts)
		ts.WantCode(t, err, codes.Aborted, "CONCURRENT_MODIFICATION")
		wantWritten(t, "an aborted call", got, nil)
	})
}

// TestLostConnectionIsUnavailable: a connection lost in a call's
// transaction is UNAVAILABLE with reason DATABASE_UNAVAILABLE, is not
// retried by the store (the rule fires once) and writes nothing; the next
// call, on another connection, succeeds. A connection lost at BEGIN is
// retried by database/sql on new connections, and UNAVAILABLE when they
// are all lost.
func TestLostConnectionIsUnavailable(t *testing.T) {
	runFaultCalls(t, func(t *testing.T, env *ts.Env, in *faultdb.Injector, c faultCall, want map[string]int) {
		for _, rule := range []faultdb.Rule{
			{Match: c.statement, Fault: faultdb.ConnLost},
			{Match: "COMMIT", InTxWith: c.statement, Fault: faultdb.ConnLost},
			// Every BEGIN, the change sequencer's too: database/sql's first try
			// and its two retries fail. The rule is disarmed after the call.
			{Match: "BEGIN", Times: -1, Fault: faultdb.ConnLost},
		} {
			arg := c.prepare(t, env)
			before := rowCounts(t, env)
			armed := in.Arm(rule)
			_, err := c.call(context.Background(), env, arg, uuid.NewString())
			armed.Disarm()
			if n := armed.Fired(); n < 1 || (n > 1 && rule.Times != -1) {
				t.Fatalf("the rule at %q fired %d times", rule.Match, n)
			}
			ts.WantCode(t, err, codes.Unavailable, "DATABASE_UNAVAILABLE")
			wantWritten(t, fmt.Sprintf("a call that lost its connection at %q", rule.Match), written(before, rowCounts(t, env)), nil)

			before = rowCounts(t, env)
			_, err = c.call(context.Background(), env, arg, "")
			ts.NoErr(t, err)
			wantWritten(t, "the next call", written(before, rowCounts(t, env)), want)
		}
	})
}

// TestCommitReplyLost: the COMMIT is applied but its reply is lost. The
// call fails UNAVAILABLE, the store does not run the transaction again (the
// rule fires once, and the work is there once). A retry with the same
// request id gets the first response back and writes nothing more; without
// a request id, the caller cannot tell that its call took effect.
func TestCommitReplyLost(t *testing.T) {
	runFaultCalls(t, func(t *testing.T, env *ts.Env, in *faultdb.Injector, c faultCall, want map[string]int) {
		lost := faultdb.Rule{Match: "COMMIT", InTxWith: c.statement, Fault: faultdb.ReplyLost}

		_, err, got := callWithFault(t, env, in, c, lost, "", 1)
		ts.WantCode(t, err, codes.Unavailable, "DATABASE_UNAVAILABLE")
		wantWritten(t, "a call without request id whose commit reply was lost", got, want)

		arg, rid := c.prepare(t, env), uuid.NewString()
		_, err, got = callWithFaultOn(t, env, in, c, arg, lost, rid, 1)
		ts.WantCode(t, err, codes.Unavailable, "DATABASE_UNAVAILABLE")
		recorded := maps.Clone(want)
		if c.newest != "" {
			recorded["request_ids"] = 1 // committed with the work
		}
		wantWritten(t, "a call with a request id whose commit reply was lost", got, recorded)
		made := queryString(t, env, c.newest)

		before := rowCounts(t, env)
		again, err := c.call(context.Background(), env, arg, rid)
		ts.NoErr(t, err)
		switch {
		case c.newest != "":
			wantWritten(t, "the retry with the same request id", written(before, rowCounts(t, env)), nil)
			if again != made {
				t.Fatalf("the retry with the same request id answered %s, want the first call's %s", again, made)
			}
		default:
			// The batches that committed stay done; the retry does the rest
			// (none here) and records its answer.
			wantWritten(t, "the retry with the same request id", written(before, rowCounts(t, env)), map[string]int{"request_ids": 1})
		}
	})
}

// queryString is the single value a query returns, as text; "" for no
// query.
func queryString(t *testing.T, env *ts.Env, query string) string {
	t.Helper()
	if query == "" {
		return ""
	}
	var v string
	ts.NoErr(t, rawDB(t, env).QueryRow(query).Scan(&v))
	return v
}

// batchedCall is a call that commits in several transactions.
type batchedCall struct {
	name string
	// table is what it deletes from, a statement of each batch.
	table   string
	fixture func(t *testing.T, env *ts.Env)
	// prepare makes canceled resources for three batches or more.
	prepare func(t *testing.T, env *ts.Env)
	// call deletes them and returns the count the response reports.
	call func(ctx context.Context, env *ts.Env, rid string) (int64, error)
}

func batchedCalls() []batchedCall {
	return []batchedCall{{
		name: "DeleteCanceledInteractionLogEntries", table: "interaction_log_entries", fixture: logFixture,
		prepare: func(t *testing.T, env *ts.Env) {
			// Three batches, the last of one entry.
			for _, n := range []int{store.DeleteCanceledBatchSize, store.DeleteCanceledBatchSize + 1} {
				items := make([]*apiv1.LogInteractionRequest, n)
				for i := range items {
					items[i] = &apiv1.LogInteractionRequest{ContactNo: "ANN", InteractionTemplateCode: "CALL"}
				}
				_, err := env.Log.BatchLogInteractions(context.Background(), &apiv1.BatchLogInteractionsRequest{
					Requests: items, Mode: apiv1.BatchLogMode_BATCH_LOG_MODE_ALL_OR_NOTHING,
				})
				ts.NoErr(t, err)
			}
			_, err := rawDB(t, env).Exec(`UPDATE interaction_log_entries SET canceled = TRUE`)
			ts.NoErr(t, err)
		},
		call: func(ctx context.Context, env *ts.Env, rid string) (int64, error) {
			resp, err := env.Log.DeleteCanceledInteractionLogEntries(ctx, &apiv1.DeleteCanceledInteractionLogEntriesRequest{RequestId: rid})
			return resp.GetDeletedCount(), err
		},
	}, {
		// One transaction per logged segment.
		name: "DeleteCanceledLoggedSegments", table: "logged_segments", fixture: segmentFaultFixture,
		prepare: func(t *testing.T, env *ts.Env) {
			for range 3 {
				no := fmt.Sprintf("S%d", segmentSerial.Add(1))
				createSegment(t, env, no, "CALL")
				ts.AddSegmentLines(t, env.Segments, no, []string{"C1"})
				logged, err := env.Segments.LogSegment(context.Background(), &apiv1.LogSegmentRequest{Name: "segments/" + no})
				ts.NoErr(t, err)
				_, err = env.Segments.CancelLoggedSegment(context.Background(), &apiv1.CancelLoggedSegmentRequest{Name: logged.GetLoggedSegment().GetName()})
				ts.NoErr(t, err)
			}
		},
		call: func(ctx context.Context, env *ts.Env, rid string) (int64, error) {
			resp, err := env.Segments.DeleteCanceledLoggedSegments(ctx, &apiv1.DeleteCanceledLoggedSegmentsRequest{RequestId: rid})
			return resp.GetDeletedCount(), err
		},
	}}
}

// TestBatchedCallFailsMidway: a call that commits batch by batch loses its
// connection in its second batch (before a statement, or after the COMMIT
// was applied). The caller gets UNAVAILABLE; the batches that committed stay
// done. A retry with the same request id does the rest and answers what it
// deleted itself, not the call's total; altogether the resources are deleted
// once, with one change each, as a call without a fault deletes them. Once
// answered, the request id replays that answer.
func TestBatchedCallFailsMidway(t *testing.T) {
	for _, c := range batchedCalls() {
		t.Run(c.name, func(t *testing.T) {
			forEachEngineWithFaults(t, func(t *testing.T, env *ts.Env, in *faultdb.Injector) {
				ctx := context.Background()
				c.fixture(t, env)
				c.prepare(t, env)
				before := rowCounts(t, env)
				total, err := c.call(ctx, env, "")
				ts.NoErr(t, err)
				want := written(before, rowCounts(t, env))
				want["request_ids"] = 1
				statement := "DELETE FROM " + c.table
				for _, rule := range []faultdb.Rule{
					{Match: statement, Nth: 2, Fault: faultdb.ConnLost},
					{Match: "COMMIT", InTxWith: statement, Nth: 2, Fault: faultdb.ReplyLost},
				} {
					c.prepare(t, env)
					rid := uuid.NewString()
					before := rowCounts(t, env)
					armed := in.Arm(rule)
					_, err := c.call(ctx, env, rid)
					armed.Disarm()
					if armed.Fired() != 1 {
						t.Fatalf("the %v rule fired %d times, want 1", rule.Fault, armed.Fired())
					}
					ts.WantCode(t, err, codes.Unavailable, "DATABASE_UNAVAILABLE")
					done := written(before, rowCounts(t, env))
					if done["changes"] == 0 || done["changes"] >= want["changes"] {
						t.Fatalf("a call that failed in its second batch wrote %v, want its first batch of %v", done, want)
					}

					rest, err := c.call(ctx, env, rid)
					ts.NoErr(t, err)
					wantWritten(t, fmt.Sprintf("a call that failed (%v) and its retry", rule.Fault), written(before, rowCounts(t, env)), want)
					if deletedFirst := int64(-done[c.table]); rest+deletedFirst != total {
						t.Fatalf("the retry answered %d deleted, the failed call deleted %d: want %d in all", rest, deletedFirst, total)
					}
					again, err := c.call(ctx, env, rid)
					ts.NoErr(t, err)
					if again != rest {
						t.Fatalf("a replay answered %d, want the recorded %d", again, rest)
					}
				}
			})
		})
	}
}

// insertOnFire returns an OnFire that runs an INSERT on a connection of its
// own: another client taking the row id that the failed attempt had taken
// and rolled back (SQLite hands the highest rowid + 1 out again).
func insertOnFire(t *testing.T, env *ts.Env, query string) func() {
	db := rawDB(t, env)
	return func() {
		if _, err := db.Exec(query); err != nil {
			t.Errorf("the other client's insert: %v", err)
		}
	}
}

// TestRetriedUploadBeginsWithANewBlob: the transaction that creates an
// upload's blob deadlocks at its COMMIT, and another client inserts a blob
// meanwhile. The retried transaction inserts a blob of its own: it does not
// reuse the id its failed attempt was given (that was ALREADY_EXISTS on
// SQLite, where the other blob took that id).
func TestRetriedUploadBeginsWithANewBlob(t *testing.T) {
	forEachEngineWithFaults(t, func(t *testing.T, env *ts.Env, in *faultdb.Injector) {
		armed := in.Arm(faultdb.Rule{Match: "COMMIT", InTxWith: "INSERT INTO attachment_blobs", Fault: faultdb.Deadlock,
			OnFire: insertOnFire(t, env, "INSERT INTO attachment_blobs (size_bytes, complete, create_time) VALUES (0, FALSE, 0)")})
		data := []byte("an upload whose blob was retried")
		if a := upload(t, env, "retried.txt", data); a.GetSizeBytes() != int64(len(data)) {
			t.Fatalf("uploaded %d bytes, want %d", a.GetSizeBytes(), len(data))
		}
		if armed.Fired() != 1 {
			t.Fatalf("the deadlock rule fired %d times, want 1", armed.Fired())
		}
		if n := countRows(t, env, "attachment_blobs", "1 = 1"); n != 2 {
			t.Fatalf("%d blobs, want the upload's and the other client's", n)
		}
	})
}

// TestRetriedSegmentLinesGetNewLineNos: BatchCreateSegmentLines deadlocks at
// its COMMIT and another client adds a line meanwhile. The retried
// transaction inserts the lines afresh: it does not reuse the line nos. its
// failed attempt was given (ALREADY_EXISTS on SQLite).
func TestRetriedSegmentLinesGetNewLineNos(t *testing.T) {
	forEachEngineWithFaults(t, func(t *testing.T, env *ts.Env, in *faultdb.Injector) {
		segmentFaultFixture(t, env)
		createSegment(t, env, "S", "CALL")
		armed := in.Arm(faultdb.Rule{Match: "COMMIT", InTxWith: "INSERT INTO segment_lines", Fault: faultdb.Deadlock,
			OnFire: insertOnFire(t, env, `INSERT INTO segment_lines (segment_no, contact_no, overrides, user_id, create_time, update_time)
				VALUES ('S', 'C1', '{}', 'other', 0, 0)`)})
		resp, err := env.Segments.BatchCreateSegmentLines(context.Background(), &apiv1.BatchCreateSegmentLinesRequest{
			Parent: "segments/S", SegmentLines: []*apiv1.SegmentLine{{ContactNo: "C1"}, {ContactNo: "C2"}},
		})
		ts.NoErr(t, err)
		if armed.Fired() != 1 {
			t.Fatalf("the deadlock rule fired %d times, want 1", armed.Fired())
		}
		if n := countRows(t, env, "segment_lines", "segment_no = 'S' AND user_id <> 'other' AND line_no >= ?", resp.GetFirstLineNo()); n != 2 {
			t.Fatalf("%d of the call's lines from its first line no. %d on, want 2", n, resp.GetFirstLineNo())
		}
	})
}
