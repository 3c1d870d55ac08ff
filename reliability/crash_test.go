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

// TestServerKilledDuringLogSegment kills the server while it logs a segment
// of a few thousand lines, several times at different moments. After each
// restart the segment is either wholly logged or not at all; retrying with
// the same request id logs it exactly once, and a second retry gets the same
// answer.
func TestServerKilledDuringLogSegment(t *testing.T) {
	for _, engine := range testdb.Engines() {
		t.Run(engine, func(t *testing.T) {
			const rounds, lines = 5, 3000
			s := startCrashServer(t, engine)
			contacts := fixture(t, s.client, lines)
			raw, err := ts.OpenRaw(s.url)
			must(t, err)
			defer raw.Close()

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
				entries := segmentEntries(t, raw, no)
				if entries != 0 && entries != lines {
					t.Fatalf("round %d: after the crash segment %s has %d of its %d entries", round, no, entries, lines)
				}

				first, second := retryLogSegment(t, s.client, no, id), retryLogSegment(t, s.client, no, id)
				if !proto.Equal(first, second) {
					t.Fatalf("round %d: two retries with one request id answered %v and %v", round, first, second)
				}
				if n := segmentEntries(t, raw, no); n != lines || loggedSegments(t, raw, no) != 1 {
					t.Fatalf("round %d: after the retries segment %s has %d entries in %d logged segments", round, no, n, loggedSegments(t, raw, no))
				}
				t.Logf("round %d: killed after %v (LogSegment takes %v); %d entries after the restart", round, delay.Round(time.Millisecond), took.Round(time.Millisecond), entries)
			}
			t.Logf("%d kills, %d of them cut a LogSegment of %d lines short; no segment half logged or logged twice", rounds, cut, lines)
		})
	}
}

// makeSegment creates segment no of a template with a line per contact.
func makeSegment(t *testing.T, c client, no, template string, contacts []string) {
	t.Helper()
	ctx := context.Background()
	_, err := c.segments.CreateSegment(ctx, &apiv1.CreateSegmentRequest{
		Segment: &apiv1.Segment{No: no, Description: "Segment " + no, InteractionTemplateCode: template, SalespersonCode: "SP"}})
	must(t, err)
	lines := make([]*apiv1.SegmentLine, len(contacts))
	for i, contact := range contacts {
		lines[i] = &apiv1.SegmentLine{ContactNo: contact}
	}
	_, err = c.segments.BatchCreateSegmentLines(ctx, &apiv1.BatchCreateSegmentLinesRequest{Parent: "segments/" + no, SegmentLines: lines})
	must(t, err)
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

func segmentEntries(t *testing.T, db *sql.DB, no string) int {
	t.Helper()
	var n int
	must(t, db.QueryRow("SELECT COUNT(*) FROM interaction_log_entries WHERE segment_no = ?", no).Scan(&n))
	return n
}

func loggedSegments(t *testing.T, db *sql.DB, no string) int {
	t.Helper()
	var n int
	must(t, db.QueryRow("SELECT COUNT(*) FROM logged_segments WHERE segment_no = ?", no).Scan(&n))
	return n
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
