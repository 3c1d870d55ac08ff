package reliability

import (
	"context"
	"database/sql"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	apiv1 "github.com/interlog/interlog/gen/interlog/v1"
	"github.com/interlog/interlog/internal/attachclient"
	"github.com/interlog/interlog/internal/testdb"
	ts "github.com/interlog/interlog/internal/testserver"
	"github.com/interlog/interlog/store"
)

// The server process is killed (SIGKILL) in the middle of bulk work and
// started again on the same database; the work is all or nothing (LogSegment)
// or consistent batch by batch (DeleteCanceledInteractionLogEntries), and
// retrying the call with the same request id converges to one result.

// crashServer is an interlogd subprocess on a database that outlives it.
type crashServer struct {
	t      *testing.T
	url    string
	daemon *ts.Daemon
	client client
}

func startCrashServer(t *testing.T, engine string) *crashServer {
	s := &crashServer{t: t, url: testdb.URL(t, engine)}
	s.restart()
	return s
}

// restart starts interlogd (again) on the database and connects to it.
func (s *crashServer) restart() {
	s.daemon = ts.StartDaemon(s.t, "--database", s.url, "--migrate")
	s.client = newClient(s.daemon.Dial(s.t))
}

// killDuring starts call, kills the server after delay, and reports whether
// the call was acknowledged before the kill.
func (s *crashServer) killDuring(delay time.Duration, call func(ctx context.Context) error) (acknowledged bool) {
	done := make(chan error, 1)
	go func() { done <- call(context.Background()) }()
	select {
	case err := <-done:
		must(s.t, err)
		acknowledged = true
	case <-time.After(delay):
	}
	s.daemon.Kill(s.t)
	if !acknowledged {
		if err := <-done; status.Code(err) != codes.Unavailable && err != nil {
			s.t.Logf("the call cut by the kill ended with %v", err)
		}
	}
	return acknowledged
}

// TestServerKilledDuringLogSegment kills the server while it logs a segment:
// on MySQL and TiDB first while its transaction is known to be writing the
// entries of a large segment, then, on every engine, several times at moments
// spread over the call of a smaller one and a little beyond. After each
// restart the segment is either wholly logged or untouched (its entries, its
// logged segment, its header and its lines); retrying with the same request
// id logs it exactly once, and a second retry gets the same answer.
func TestServerKilledDuringLogSegment(t *testing.T) {
	for _, engine := range testdb.Engines() {
		t.Run(engine, func(t *testing.T) {
			const rounds, lines = 5, 3000
			s := startCrashServer(t, engine)
			contacts := fixture(t, s.client, lines)
			raw, err := ts.OpenRaw(s.url)
			must(t, err)
			defer raw.Close()
			raw.SetMaxOpenConns(1) // otherSessions tells the server's sessions from raw's by id

			if engine != "sqlite" { // SQLite has no process list to watch
				killWhileWritingEntries(t, s, raw, contacts)
			}

			// How long one LogSegment takes here sets when to kill: spread over
			// the call and a little beyond it.
			makeSegment(t, s.client, "CALIBRATE", templateCode, contacts)
			start := time.Now()
			retryLogSegment(t, s.client, "CALIBRATE", uuid.NewString())
			took := time.Since(start)

			cut := 0
			for round := range rounds {
				no := "CRASH" + strconv.Itoa(round)
				makeSegment(t, s.client, no, templateCode, contacts)
				id := uuid.NewString()
				logIt := func(ctx context.Context) error {
					_, err := s.client.segments.LogSegment(ctx, &apiv1.LogSegmentRequest{Name: "segments/" + no, RequestId: id})
					return err
				}
				delay := time.Duration(float64(took) * 1.2 * (float64(round) + rand.Float64()) / rounds)
				if !s.killDuring(delay, logIt) {
					cut++
				}
				s.restart()
				logged := wholeOrUntouched(t, raw, no, lines)
				wantLoggedOnceByRetries(t, s.client, raw, no, id, lines)
				t.Logf("round %d: killed after %v (LogSegment takes %v); logged before the restart: %v", round, delay.Round(time.Millisecond), took.Round(time.Millisecond), logged)
			}
			t.Logf("%d kills, %d of them cut a LogSegment of %d lines short; no segment half logged or logged twice", rounds, cut, lines)
		})
	}
}

// midWriteLines is the size of the segment killed while its entries are
// written: large enough that its INSERTs run long enough to be seen in the
// process list (ten batches of entries), small enough for the quick tier.
const midWriteLines = 10_000

// killWhileWritingEntries kills the server while a LogSegment of
// midWriteLines lines is writing its entries (an INSERT into
// interaction_log_entries is running), so that the kill certainly lands
// inside the transaction; contacts beyond the fixture's are written straight
// to the table.
func killWhileWritingEntries(t *testing.T, s *crashServer, raw *sql.DB, fixtureContacts []string) {
	t.Helper()
	contacts := slices.Clone(fixtureContacts)
	var seeds []ts.SeedContact
	for i := len(contacts); i < midWriteLines; i++ {
		seed := ts.SeedContact{No: "RW" + strconv.Itoa(i), SalespersonCode: "SP"}
		seeds = append(seeds, seed)
		contacts = append(contacts, seed.No)
	}
	must(t, ts.InsertContacts(raw, seeds))
	const no = "MIDWRITE"
	makeSegment(t, s.client, no, templateCode, contacts)
	req := &apiv1.LogSegmentRequest{Name: "segments/" + no, RequestId: uuid.NewString()}
	callDone := make(chan error, 1)
	go func() {
		_, err := s.client.segments.LogSegment(context.Background(), req)
		callDone <- err
	}()
	waitForEntriesWritten(t, raw, callDone)
	s.daemon.Kill(t)
	if err := <-callDone; err == nil {
		t.Fatal("LogSegment succeeded although the server was killed during it")
	}
	waitForRollback(t, raw)
	if wholeOrUntouched(t, raw, no, midWriteLines) {
		t.Fatal("the segment was logged although the server was killed while it wrote the entries")
	}
	s.restart()
	wantLoggedOnceByRetries(t, s.client, raw, no, req.GetRequestId(), midWriteLines)
}

// wantLoggedOnceByRetries retries LogSegment of segment no twice with request
// id id: both answer the same, and the segment is logged exactly once.
func wantLoggedOnceByRetries(t *testing.T, c client, raw *sql.DB, no, id string, lines int) {
	t.Helper()
	first, second := retryLogSegment(t, c, no, id), retryLogSegment(t, c, no, id)
	if !proto.Equal(first, second) {
		t.Fatalf("two retries of segment %s with one request id answered %v and %v", no, first, second)
	}
	if !wholeOrUntouched(t, raw, no, lines) || first.GetLoggedSegment().GetInteractionCount() != int64(lines) {
		t.Fatalf("the retries did not log segment %s: %v", no, first)
	}
}

// segmentState counts what is committed of a segment and its logging.
type segmentState struct{ loggedSegments, entries, segments, lines int }

// wholeOrUntouched checks that segment no (of lines lines) is either wholly
// logged (true) or untouched (false), and fails the test on anything between.
func wholeOrUntouched(t *testing.T, raw *sql.DB, no string, lines int) bool {
	t.Helper()
	var st segmentState
	must(t, raw.QueryRow(`SELECT
		(SELECT COUNT(*) FROM logged_segments WHERE segment_no = ?),
		(SELECT COUNT(*) FROM interaction_log_entries WHERE segment_no = ?),
		(SELECT COUNT(*) FROM segments WHERE no = ?),
		(SELECT COUNT(*) FROM segment_lines WHERE segment_no = ?)`, no, no, no, no).Scan(&st.loggedSegments, &st.entries, &st.segments, &st.lines))
	switch st {
	case segmentState{loggedSegments: 1, entries: lines}:
		return true
	case segmentState{segments: 1, lines: lines}:
		return false
	}
	t.Fatalf("segment %s half logged: %+v", no, st)
	return false
}

// waitForEntriesWritten waits until the server's LogSegment transaction
// writes entries (an INSERT into interaction_log_entries is running), failing
// if the call ends first or it takes too long. It asks the server's process
// list, which MySQL, MariaDB and TiDB have alike; uncommitted rows cannot be
// counted on every engine (TiDB has no READ UNCOMMITTED).
func waitForEntriesWritten(t *testing.T, raw *sql.DB, callDone <-chan error) {
	t.Helper()
	for deadline := time.Now().Add(2 * time.Minute); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
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
	must(t, raw.QueryRow("SELECT COUNT(*) FROM information_schema.processlist WHERE db = DATABASE() AND id <> CONNECTION_ID() "+and).Scan(&n))
	return n
}

// makeSegment creates segment no of a template with a line per contact.
func makeSegment(t *testing.T, c client, no, template string, contacts []string) {
	t.Helper()
	ctx := context.Background()
	_, err := c.segments.CreateSegment(ctx, &apiv1.CreateSegmentRequest{
		Segment: &apiv1.Segment{No: no, Description: "Segment " + no, InteractionTemplateCode: template, SalespersonCode: "SP"}})
	must(t, err)
	ts.AddSegmentLines(t, c.segments, no, contacts)
}

// retryLogSegment logs segment no with request id id and returns the answer.
func retryLogSegment(t *testing.T, c client, no, id string) *apiv1.LogSegmentResponse {
	t.Helper()
	var resp *apiv1.LogSegmentResponse
	err := newTally().retry(context.Background(), "LogSegment", func(ctx context.Context) error {
		var err error
		resp, err = c.segments.LogSegment(ctx, &apiv1.LogSegmentRequest{Name: "segments/" + no, RequestId: id})
		return err
	})
	must(t, err)
	return resp
}

// TestServerKilledDuringDeleteCanceled kills the server several times while
// it deletes thousands of canceled entries (with comments, and attachments
// that only they use) in batches, each time retrying with the same request
// id. After every restart no active entry is gone, no comment or attachment
// chunk is left without its owner, and the storage checks out; the retries
// finish the work, and one more retry answers the same.
func TestServerKilledDuringDeleteCanceled(t *testing.T) {
	for _, engine := range testdb.Engines() {
		t.Run(engine, func(t *testing.T) {
			const kills = 3
			s := startCrashServer(t, engine)
			raw, err := ts.OpenRaw(s.url)
			must(t, err)
			defer raw.Close()
			attachments := canceledWithAttachments(t, s.client)
			active := activeEntries(t, raw)
			canceled := canceledEntries(t, raw)

			id := uuid.NewString()
			deleteCanceled := func(ctx context.Context) (*apiv1.DeleteCanceledInteractionLogEntriesResponse, error) {
				return s.client.log.DeleteCanceledInteractionLogEntries(ctx, &apiv1.DeleteCanceledInteractionLogEntriesRequest{RequestId: id})
			}
			for round := range kills {
				delay := time.Duration(30+round*60+rand.IntN(40)) * time.Millisecond
				finished := s.killDuring(delay, func(ctx context.Context) error { _, err := deleteCanceled(ctx); return err })
				s.restart()
				left := canceledEntries(t, raw)
				t.Logf("round %d: killed after %v; %d of %d canceled entries left (finished before the kill: %v)", round, delay, left, canceled, finished)
				if got := activeEntries(t, raw); !slices.Equal(got, active) {
					t.Fatalf("round %d: %d active entries before, %d after the crash", round, len(active), len(got))
				}
				checkConsistency(t, raw)
				checkAttachmentStorage(t, s.url)
			}
			first, err := deleteCanceled(context.Background())
			must(t, err)
			second, err := deleteCanceled(context.Background())
			must(t, err)
			if !proto.Equal(first, second) || canceledEntries(t, raw) != 0 {
				t.Fatalf("retries answered %v then %v, %d canceled entries left", first, second, canceledEntries(t, raw))
			}
			for i, a := range attachments {
				_, err := s.client.attachments.GetAttachment(context.Background(), &apiv1.GetAttachmentRequest{Name: a})
				if used := i == len(attachments)-1; used != (err == nil) {
					t.Errorf("attachment %s (still used: %v) after the deletion: %v", a, used, err)
				}
			}
		})
	}
}

// canceledWithAttachments logs four segments of 1500 lines, each with its own
// template and attachment, and 100 interactions with a comment each; then
// takes the attachments off the templates, so that only the entries use them,
// and cancels three of the logged segments and half of the interactions. It
// returns the attachments' names; the last one is still used by active
// entries.
func canceledWithAttachments(t *testing.T, c client) []string {
	t.Helper()
	ctx := context.Background()
	contacts := fixture(t, c, 1500)
	var attachments, logged []string
	for i := range 4 {
		code := "DC" + strconv.Itoa(i)
		a, err := attachclient.Upload(ctx, c.attachments, code+".pdf", "application/pdf", "", strings.NewReader("attachment of "+code))
		must(t, err)
		attachments = append(attachments, a.GetName())
		_, err = c.templates.CreateInteractionTemplate(ctx, &apiv1.CreateInteractionTemplateRequest{InteractionTemplate: &apiv1.InteractionTemplate{
			Code: code, InteractionGroupCode: groupCode, Description: "With attachment", UnitCost: "2", Attachment: a.GetName()}})
		must(t, err)
		makeSegment(t, c, code, code, contacts)
		resp, err := c.segments.LogSegment(ctx, &apiv1.LogSegmentRequest{Name: "segments/" + code})
		must(t, err)
		logged = append(logged, resp.GetLoggedSegment().GetName())
		_, err = c.templates.UpdateInteractionTemplate(ctx, &apiv1.UpdateInteractionTemplateRequest{
			InteractionTemplate: &apiv1.InteractionTemplate{Name: "interactionTemplates/" + code},
			UpdateMask:          &fieldmaskpb.FieldMask{Paths: []string{"attachment"}}})
		must(t, err)
	}
	for _, ls := range logged[:3] {
		_, err := c.segments.CancelLoggedSegment(ctx, &apiv1.CancelLoggedSegmentRequest{Name: ls})
		must(t, err)
	}
	var toCancel []string
	for i := range 100 {
		resp, err := c.log.LogInteraction(ctx, &apiv1.LogInteractionRequest{ContactNo: contacts[i], InteractionTemplateCode: templateCode,
			Comments: []string{"first comment", "second comment"}})
		must(t, err)
		if i%2 == 0 {
			toCancel = append(toCancel, resp.GetInteractionLogEntry().GetName())
		}
	}
	_, err := c.log.CancelInteractionLogEntries(ctx, &apiv1.CancelInteractionLogEntriesRequest{Names: toCancel})
	must(t, err)
	return attachments
}

func activeEntries(t *testing.T, db *sql.DB) []int64 {
	t.Helper()
	var nos []int64
	rows := query(t, db, "SELECT entry_no FROM interaction_log_entries WHERE NOT canceled ORDER BY entry_no")
	for rows.Next() {
		var n int64
		must(t, rows.Scan(&n))
		nos = append(nos, n)
	}
	must(t, rows.Err())
	return nos
}

func canceledEntries(t *testing.T, db *sql.DB) int {
	t.Helper()
	var n int
	must(t, db.QueryRow("SELECT COUNT(*) FROM interaction_log_entries WHERE canceled").Scan(&n))
	return n
}

// checkAttachmentStorage runs the store's own check of the attachment tables.
func checkAttachmentStorage(t *testing.T, url string) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, url, store.Options{})
	must(t, err)
	defer st.Close()
	report, err := st.CheckAttachments(ctx)
	must(t, err)
	for _, p := range report.Problems {
		t.Errorf("attachment storage: %s", p)
	}
}
