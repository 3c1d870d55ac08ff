package reliability

import (
	"context"
	"database/sql"
	"math/rand/v2"
	"strconv"
	"testing"
	"time"

	"github.com/google/uuid"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	apiv1 "github.com/interlog/interlog/gen/interlog/v1"
	"github.com/interlog/interlog/internal/testdb"
	ts "github.com/interlog/interlog/internal/testserver"
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
			makeSegment(t, s.client, "CALIBRATE", contacts)
			start := time.Now()
			retryLogSegment(t, s.client, "CALIBRATE", uuid.NewString())
			took := time.Since(start)

			cut := 0
			for round := range rounds {
				no := "CRASH" + strconv.Itoa(round)
				makeSegment(t, s.client, no, contacts)
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

// makeSegment creates segment no with a line per contact.
func makeSegment(t *testing.T, c client, no string, contacts []string) {
	t.Helper()
	ctx := context.Background()
	_, err := c.segments.CreateSegment(ctx, &apiv1.CreateSegmentRequest{
		Segment: &apiv1.Segment{No: no, Description: "Segment " + no, InteractionTemplateCode: templateCode, SalespersonCode: "SP"}})
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
