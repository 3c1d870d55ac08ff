package reliability

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	apiv1 "github.com/interlog/interlog/gen/interlog/v1"
)

// The workload: clients that log interactions and segments with request ids
// and retry every call until it is acknowledged, recording what was
// acknowledged (the ledger) and every answer they got (the tally), so that a
// test can compare the ledger with the database afterwards.

const (
	templateCode = "REL"
	groupCode    = "REL"
	attemptLimit = 5 * time.Second // deadline of one attempt
)

// client is one connection's worth of service clients.
type client struct {
	groups      apiv1.InteractionGroupServiceClient
	templates   apiv1.InteractionTemplateServiceClient
	contacts    apiv1.ContactServiceClient
	log         apiv1.InteractionLogServiceClient
	segments    apiv1.SegmentServiceClient
	attachments apiv1.AttachmentServiceClient
}

func newClient(conn grpc.ClientConnInterface) client {
	return client{
		groups:      apiv1.NewInteractionGroupServiceClient(conn),
		templates:   apiv1.NewInteractionTemplateServiceClient(conn),
		contacts:    apiv1.NewContactServiceClient(conn),
		log:         apiv1.NewInteractionLogServiceClient(conn),
		segments:    apiv1.NewSegmentServiceClient(conn),
		attachments: apiv1.NewAttachmentServiceClient(conn),
	}
}

// tally counts answers by code and keeps the latencies of successful calls.
type tally struct {
	mu        sync.Mutex
	codes     map[codes.Code]int
	latencies map[string][]time.Duration // per method, successful calls
	slowest   map[codes.Code]time.Duration
}

func newTally() *tally {
	return &tally{codes: map[codes.Code]int{}, latencies: map[string][]time.Duration{}, slowest: map[codes.Code]time.Duration{}}
}

func (t *tally) add(method string, err error, took time.Duration) {
	t.mu.Lock()
	defer t.mu.Unlock()
	c := status.Code(err)
	t.codes[c]++
	t.slowest[c] = max(t.slowest[c], took)
	if err == nil {
		t.latencies[method] = append(t.latencies[method], took)
	}
}

func (t *tally) count(c codes.Code) int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.codes[c]
}

func (t *tally) total() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	n := 0
	for _, v := range t.codes {
		n += v
	}
	return n
}

func (t *tally) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	var parts []string
	for c, n := range t.codes {
		parts = append(parts, fmt.Sprintf("%v=%d (slowest %v)", c, n, t.slowest[c].Round(time.Millisecond)))
	}
	sort.Strings(parts)
	return fmt.Sprint(parts)
}

// percentile returns the p-th percentile of the successful calls' latencies
// of every method given (all when none is given).
func (t *tally) percentile(p float64, methods ...string) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	var all []time.Duration
	for m, l := range t.latencies {
		if len(methods) == 0 || slices.Contains(methods, m) {
			all = append(all, l...)
		}
	}
	if len(all) == 0 {
		return 0
	}
	slices.Sort(all)
	return all[min(len(all)-1, int(float64(len(all))*p/100))]
}

// ledger is what the server acknowledged.
type ledger struct {
	mu       sync.Mutex
	logged   map[string]int64 // LogInteraction request id -> entry no.
	segments map[string]int64 // segment no. -> logged segment entry no.
	lines    map[string]int   // segment no. -> lines it was given (acknowledged)
}

func newLedger() *ledger {
	return &ledger{logged: map[string]int64{}, segments: map[string]int64{}, lines: map[string]int{}}
}

// retryable reports whether a call may be tried again with the same request
// id: the database was away, a concurrent transaction won, or the attempt's
// deadline passed.
func retryable(err error) bool {
	switch status.Code(err) {
	case codes.Unavailable, codes.Aborted, codes.DeadlineExceeded:
		return true
	}
	return false
}

// errGaveUp ends retries when the test's context is done.
var errGaveUp = errors.New("gave up retrying: the test's time is over")

// retry runs call with a fresh attempt deadline until it is acknowledged or
// fails for a reason a retry cannot fix, recording every answer.
func (t *tally) retry(ctx context.Context, method string, call func(ctx context.Context) error) error {
	for attempt := 0; ; attempt++ {
		actx, cancel := context.WithTimeout(ctx, attemptLimit)
		start := time.Now()
		err := call(actx)
		cancel()
		if ctx.Err() != nil {
			return errGaveUp
		}
		t.add(method, err, time.Since(start))
		if !retryable(err) {
			return err
		}
		select {
		case <-ctx.Done():
			return errGaveUp
		case <-time.After(time.Duration(min(attempt+1, 10)) * 20 * time.Millisecond):
		}
	}
}

// fixture makes the group and template the workload logs with, and n
// contacts, and returns their numbers.
func fixture(t testing.TB, c client, n int) []string {
	t.Helper()
	ctx := context.Background()
	_, err := c.groups.CreateInteractionGroup(ctx, &apiv1.CreateInteractionGroupRequest{
		InteractionGroup: &apiv1.InteractionGroup{Code: groupCode, Description: "Reliability"}})
	must(t, err)
	_, err = c.templates.CreateInteractionTemplate(ctx, &apiv1.CreateInteractionTemplateRequest{
		InteractionTemplate: &apiv1.InteractionTemplate{Code: templateCode, InteractionGroupCode: groupCode,
			Description: "Reliability", UnitCost: "1.25", InformationFlow: apiv1.InformationFlow_INFORMATION_FLOW_OUTBOUND}})
	must(t, err)
	var nos []string
	for i := range n {
		nos = append(nos, "RC"+strconv.Itoa(i))
	}
	for batch := range slices.Chunk(nos, 1000) {
		req := &apiv1.BatchUpsertContactsRequest{}
		for _, no := range batch {
			req.Contacts = append(req.Contacts, &apiv1.Contact{No: no, Type: apiv1.ContactType_CONTACT_TYPE_COMPANY,
				DisplayName: "Contact " + no, SalespersonCode: "SP"})
		}
		_, err = c.contacts.BatchUpsertContacts(ctx, req)
		must(t, err)
	}
	return nos
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// logOne logs one interaction with a comment, its request id as subject,
// retrying until acknowledged.
func (w *worker) logOne(ctx context.Context, contact string) error {
	id := uuid.NewString()
	var entry int64
	err := w.tally.retry(ctx, "LogInteraction", func(ctx context.Context) error {
		resp, err := w.client.log.LogInteraction(ctx, &apiv1.LogInteractionRequest{
			ContactNo: contact, InteractionTemplateCode: templateCode, RequestId: id,
			Overrides: &apiv1.InteractionOverrides{Subject: &id}, Comments: []string{"logged by " + id},
		})
		entry = resp.GetInteractionLogEntry().GetEntryNo()
		return err
	})
	if err != nil {
		return err
	}
	w.ledger.mu.Lock()
	w.ledger.logged[id] = entry
	w.ledger.mu.Unlock()
	return nil
}

// logSegment makes segment no with one line per contact and logs it, each
// step with a request id and retried until acknowledged.
func (w *worker) logSegment(ctx context.Context, no string, contacts []string) error {
	createID, linesID, logID := uuid.NewString(), uuid.NewString(), uuid.NewString()
	err := w.tally.retry(ctx, "CreateSegment", func(ctx context.Context) error {
		_, err := w.client.segments.CreateSegment(ctx, &apiv1.CreateSegmentRequest{RequestId: createID,
			Segment: &apiv1.Segment{No: no, Description: "Segment " + no, InteractionTemplateCode: templateCode, SalespersonCode: "SP"}})
		return err
	})
	if err != nil {
		return err
	}
	lines := make([]*apiv1.SegmentLine, len(contacts))
	for i, c := range contacts {
		lines[i] = &apiv1.SegmentLine{ContactNo: c}
	}
	err = w.tally.retry(ctx, "BatchCreateSegmentLines", func(ctx context.Context) error {
		_, err := w.client.segments.BatchCreateSegmentLines(ctx, &apiv1.BatchCreateSegmentLinesRequest{
			Parent: "segments/" + no, SegmentLines: lines, RequestId: linesID})
		return err
	})
	if err != nil {
		return err
	}
	w.ledger.mu.Lock()
	w.ledger.lines[no] = len(contacts)
	w.ledger.mu.Unlock()
	var logged int64
	err = w.tally.retry(ctx, "LogSegment", func(ctx context.Context) error {
		resp, err := w.client.segments.LogSegment(ctx, &apiv1.LogSegmentRequest{Name: "segments/" + no, RequestId: logID})
		logged = resp.GetLoggedSegment().GetEntryNo()
		return err
	})
	if err != nil {
		return err
	}
	w.ledger.mu.Lock()
	w.ledger.segments[no] = logged
	w.ledger.mu.Unlock()
	return nil
}

// worker is one client goroutine of the workload.
type worker struct {
	id     int
	client client
	tally  *tally
	ledger *ledger
}
