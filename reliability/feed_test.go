package reliability

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	apiv1 "github.com/interlog/interlog/gen/interlog/v1"
	"github.com/interlog/interlog/internal/testdb"
	ts "github.com/interlog/interlog/internal/testserver"
)

// The change feed's consistency under concurrency (issue 15): writers mix
// mutations on two interlogd replicas over one database while watchers
// consume WatchChanges from the start, disconnecting and resuming at random
// after the last sequence they processed; then every watcher's changes are
// compared with the changes table and with the mutations the writers had
// acknowledged.

var feedRun = flag.Duration("feed-run", 0, "run the change feed consistency tests' writers this long (make feed-consistency: 60s); 0: a few seconds (make test)")

const (
	shortFeedRun = 4 * time.Second
	feedWriters  = 8
	feedContacts = 20
)

func feedRunTime() time.Duration {
	if *feedRun > 0 {
		return *feedRun
	}
	return shortFeedRun
}

// TestChangeFeedConsistency runs the feed workload on every engine.
func TestChangeFeedConsistency(t *testing.T) {
	for _, engine := range testdb.Engines() {
		t.Run(engine, func(t *testing.T) {
			runFeedConsistency(t, testdb.URL(t, engine), nil)
		})
	}
}

// TestChangeFeedConsistencyDatabaseKilled kills the database (SIGKILL) twice
// during the feed workload and starts it again.
func TestChangeFeedConsistencyDatabaseKilled(t *testing.T) {
	db := testdb.PrivateMariaDB(t)
	runFeedConsistency(t, db.URL("interlog"), func(_ *replicas, run time.Duration) string {
		const kills = 2
		for range kills {
			time.Sleep(run / (kills + 1))
			db.Kill()
			time.Sleep(500*time.Millisecond + rand.N(500*time.Millisecond))
			db.Start()
		}
		return fmt.Sprintf("database killed and restarted %d times", kills)
	})
}

// TestChangeFeedConsistencyReplicaKilled kills the second replica (SIGKILL)
// halfway through: its writers and watchers go on on the first.
func TestChangeFeedConsistencyReplicaKilled(t *testing.T) {
	runFeedConsistency(t, testdb.MySQL(t), func(r *replicas, run time.Duration) string {
		time.Sleep(run / 2)
		r.kill(t, 1)
		return "replica 1 killed halfway"
	})
}

// runFeedConsistency runs the writers and watchers on two replicas over the
// database at url while fault (if any) harms something, then checks.
func runFeedConsistency(t *testing.T, url string, fault func(r *replicas, run time.Duration) string) {
	reps := startReplicas(t, url, 2)
	c := newClient(reps.conn(0))
	contacts := fixture(t, c, feedContacts)
	run := feedRunTime()
	ld := &feedLedger{}
	tl := newTally()
	watchers := []*feedWatcher{{name: "A1", replica: 0}, {name: "A2", replica: 0}, {name: "B1", replica: 1}}

	ctx, cancel := context.WithTimeout(context.Background(), run+3*time.Minute)
	var wg sync.WaitGroup
	defer func() { cancel(); wg.Wait() }() // also when the test fails early
	for _, w := range watchers {
		wg.Go(func() { w.run(ctx, t, reps) })
	}
	var writers sync.WaitGroup
	deadline := time.Now().Add(run)
	for i := range feedWriters {
		w := &feedWriter{id: i, reps: reps, replica: i % 2, tally: tl, ledger: ld, contacts: contacts,
			rand: rand.New(rand.NewPCG(uint64(i), uint64(time.Now().UnixNano())))}
		writers.Go(func() { w.run(ctx, t, deadline) })
	}
	faults := "no faults"
	if fault != nil {
		faults = fault(reps, run)
	}
	writers.Wait()

	raw, err := ts.OpenRaw(url)
	must(t, err)
	defer raw.Close()
	high := waitAllSequenced(t, raw)
	for _, w := range watchers {
		w.target.Store(high)
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	stored := readChanges(t, raw)
	for _, w := range watchers {
		compareWithDatabase(t, w, stored)
	}
	checkAcknowledged(t, ld, watchers[0].seen)
	checkEntryHistories(t, watchers[0].seen)
	t.Logf("%s; %d writers for %v: %d calls %v", faults, feedWriters, run, tl.total(), tl)
	t.Logf("acknowledged: %s", ld.summary())
	t.Logf("changes table: %d changes, sequences 1..%d", len(stored), high)
	for _, w := range watchers {
		t.Logf("watcher %s: %d changes, %d connections, %d heartbeats, %d switches to the other replica", w.name, len(w.seen), w.connections, w.heartbeats, w.switches)
	}
}

// replicas are interlogd processes over one database.
type replicas struct {
	mu      sync.Mutex
	daemons []*ts.Daemon
	conns   []*grpc.ClientConn
	dead    []bool
}

func startReplicas(t *testing.T, url string, n int) *replicas {
	r := &replicas{}
	for range n {
		d := ts.StartDaemon(t, "--database", url, "--migrate", "--change-heartbeat", "200ms")
		r.daemons = append(r.daemons, d)
		r.conns = append(r.conns, d.Dial(t))
		r.dead = append(r.dead, false)
	}
	return r
}

// conn is replica i's connection, or the first live one's when i was killed.
func (r *replicas) conn(i int) grpc.ClientConnInterface {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.dead[i] {
		return r.conns[i]
	}
	return r.conns[slices.Index(r.dead, false)]
}

func (r *replicas) isDead(i int) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.dead[i]
}

func (r *replicas) kill(t *testing.T, i int) {
	r.daemons[i].Kill(t)
	r.mu.Lock()
	r.dead[i] = true
	r.mu.Unlock()
}

// expected is a change an acknowledged call must have made exactly once: of
// kind on resource, found by the call's request id or, for a call that takes
// none (the updates), by token, a value unique to the call in the changed
// resource.
type expected struct {
	kind       apiv1.ChangeKind
	resource   string
	requestID  string
	token      string
	start, ack time.Time
}

// feedLedger is what the writers had acknowledged.
type feedLedger struct {
	mu       sync.Mutex
	expected []expected
	// deletions: DeleteCanceledInteractionLogEntries calls by request id,
	// with their deleted count and times.
	deletions map[string]deletion
	entries   []string // entry names logged
}

type deletion struct {
	count      int64
	attempts   int // more than one: earlier attempts' committed batches carry the same request id
	start, ack time.Time
}

func (l *feedLedger) expect(e expected) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.expected = append(l.expected, e)
	if e.kind == apiv1.ChangeKind_CHANGE_KIND_ENTRY_LOGGED {
		l.entries = append(l.entries, e.resource)
	}
}

func (l *feedLedger) pickEntry(r *rand.Rand) (string, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.entries) == 0 {
		return "", false
	}
	// Mostly recent entries, so that calls meet on the same ones.
	return l.entries[len(l.entries)-1-r.IntN(min(len(l.entries), 30))], true
}

func (l *feedLedger) summary() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	byKind := map[string]int{}
	for _, e := range l.expected {
		byKind[strings.TrimPrefix(e.kind.String(), "CHANGE_KIND_")]++
	}
	deleted := int64(0)
	for _, d := range l.deletions {
		deleted += d.count
	}
	parts := []string{}
	for k, n := range byKind {
		parts = append(parts, k+"="+strconv.Itoa(n))
	}
	sort.Strings(parts)
	return fmt.Sprintf("%s; %d delete-canceled calls deleting %d entries", strings.Join(parts, " "), len(l.deletions), deleted)
}

// feedWriter is one writing client; it prefers one replica.
type feedWriter struct {
	id       int
	reps     *replicas
	replica  int
	tally    *tally
	ledger   *feedLedger
	contacts []string
	rand     *rand.Rand
}

func (w *feedWriter) client() client { return newClient(w.reps.conn(w.replica)) }

// run calls mutations picked at random until the deadline.
func (w *feedWriter) run(ctx context.Context, t *testing.T, deadline time.Time) {
	for time.Now().Before(deadline) {
		op := feedOperations[w.rand.IntN(len(feedOperations))]
		if err := op(ctx, w); err != nil && err != errGaveUp {
			switch status.Code(err) {
			case codes.NotFound, codes.FailedPrecondition, codes.Aborted, codes.Unavailable, codes.DeadlineExceeded:
				// the entry went, or the one attempt of an update met a fault
			default:
				t.Errorf("writer %d: %v", w.id, err)
			}
		}
	}
}

// withRequestID runs call with a fresh request id, retrying until
// acknowledged (the request id makes retries safe), and records what it
// must have changed.
func (w *feedWriter) withRequestID(ctx context.Context, method string, call func(ctx context.Context, id string) ([]expected, error)) error {
	id := uuid.NewString()
	start := time.Now()
	var want []expected
	err := w.tally.retry(ctx, method, func(ctx context.Context) error {
		var err error
		want, err = call(ctx, id)
		return err
	})
	if err != nil {
		return err
	}
	ack := time.Now()
	for _, e := range want {
		e.requestID, e.start, e.ack = id, start, ack
		w.ledger.expect(e)
	}
	return nil
}

// once runs an update (a call without a request id) once: a retry after a
// fault could apply it twice, so a failed one is left unacknowledged.
func (w *feedWriter) once(ctx context.Context, method string, kind apiv1.ChangeKind, call func(ctx context.Context, token string) (string, error)) error {
	token := "feed " + uuid.NewString()
	start := time.Now()
	actx, cancel := context.WithTimeout(ctx, attemptLimit)
	defer cancel()
	resource, err := call(actx, token)
	w.tally.add(method, err, time.Since(start))
	if err != nil {
		return err
	}
	w.ledger.expect(expected{kind: kind, resource: resource, token: token, start: start, ack: time.Now()})
	return nil
}

var feedOperations = []func(ctx context.Context, w *feedWriter) error{
	logFeedEntry, logFeedEntry, logFeedEntry, logFeedEntry,
	commentFeedEntry, commentFeedEntry,
	cancelFeedEntry, cancelFeedEntry, cancelFeedEntry,
	restoreFeedEntry, restoreFeedEntry,
	evaluateFeedEntry, updateFeedEntry,
	updateFeedContact, updateFeedTemplate,
	deleteCanceledFeedEntries,
}

func logFeedEntry(ctx context.Context, w *feedWriter) error {
	contact := w.contacts[w.rand.IntN(len(w.contacts))]
	return w.withRequestID(ctx, "LogInteraction", func(ctx context.Context, id string) ([]expected, error) {
		resp, err := w.client().log.LogInteraction(ctx, &apiv1.LogInteractionRequest{
			ContactNo: contact, InteractionTemplateCode: templateCode, RequestId: id})
		return []expected{{kind: apiv1.ChangeKind_CHANGE_KIND_ENTRY_LOGGED, resource: resp.GetInteractionLogEntry().GetName()}}, err
	})
}

func commentFeedEntry(ctx context.Context, w *feedWriter) error {
	entry, ok := w.ledger.pickEntry(w.rand)
	if !ok {
		return nil
	}
	return w.withRequestID(ctx, "CreateInteractionLogComment", func(ctx context.Context, id string) ([]expected, error) {
		resp, err := w.client().log.CreateInteractionLogComment(ctx, &apiv1.CreateInteractionLogCommentRequest{Parent: entry,
			InteractionLogComment: &apiv1.InteractionLogComment{Text: "feed comment"}, RequestId: id})
		return []expected{{kind: apiv1.ChangeKind_CHANGE_KIND_COMMENT_CREATED, resource: resp.GetInteractionLogComment().GetName()}}, err
	})
}

// entryCall calls a batch operation on one entry picked at random that
// changes it by kind.
func entryCall(ctx context.Context, w *feedWriter, method string, kind apiv1.ChangeKind, call func(ctx context.Context, c client, names []string, id string) error) error {
	entry, ok := w.ledger.pickEntry(w.rand)
	if !ok {
		return nil
	}
	return w.withRequestID(ctx, method, func(ctx context.Context, id string) ([]expected, error) {
		return []expected{{kind: kind, resource: entry}}, call(ctx, w.client(), []string{entry}, id)
	})
}

func cancelFeedEntry(ctx context.Context, w *feedWriter) error {
	return entryCall(ctx, w, "CancelInteractionLogEntries", apiv1.ChangeKind_CHANGE_KIND_ENTRY_CANCELED, func(ctx context.Context, c client, names []string, id string) error {
		_, err := c.log.CancelInteractionLogEntries(ctx, &apiv1.CancelInteractionLogEntriesRequest{Names: names, RequestId: id})
		return err
	})
}

func restoreFeedEntry(ctx context.Context, w *feedWriter) error {
	return entryCall(ctx, w, "RestoreInteractionLogEntries", apiv1.ChangeKind_CHANGE_KIND_ENTRY_RESTORED, func(ctx context.Context, c client, names []string, id string) error {
		_, err := c.log.RestoreInteractionLogEntries(ctx, &apiv1.RestoreInteractionLogEntriesRequest{Names: names, RequestId: id})
		return err
	})
}

func evaluateFeedEntry(ctx context.Context, w *feedWriter) error {
	evaluation := apiv1.Evaluation(1 + w.rand.IntN(5))
	return entryCall(ctx, w, "EvaluateInteractionLogEntries", apiv1.ChangeKind_CHANGE_KIND_ENTRY_EVALUATED, func(ctx context.Context, c client, names []string, id string) error {
		_, err := c.log.EvaluateInteractionLogEntries(ctx, &apiv1.EvaluateInteractionLogEntriesRequest{Names: names, Evaluation: evaluation, RequestId: id})
		return err
	})
}

func updateFeedEntry(ctx context.Context, w *feedWriter) error {
	entry, ok := w.ledger.pickEntry(w.rand)
	if !ok {
		return nil
	}
	return w.once(ctx, "UpdateInteractionLogEntry", apiv1.ChangeKind_CHANGE_KIND_ENTRY_UPDATED, func(ctx context.Context, token string) (string, error) {
		_, err := w.client().log.UpdateInteractionLogEntry(ctx, &apiv1.UpdateInteractionLogEntryRequest{
			UpdateMask:          &fieldmaskpb.FieldMask{Paths: []string{"description"}},
			InteractionLogEntry: &apiv1.InteractionLogEntry{Name: entry, Description: token}})
		return entry, err
	})
}

func updateFeedContact(ctx context.Context, w *feedWriter) error {
	name := "contacts/" + w.contacts[w.rand.IntN(len(w.contacts))]
	return w.once(ctx, "UpdateContact", apiv1.ChangeKind_CHANGE_KIND_CONTACT_UPDATED, func(ctx context.Context, token string) (string, error) {
		_, err := w.client().contacts.UpdateContact(ctx, &apiv1.UpdateContactRequest{
			UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"display_name"}},
			Contact:    &apiv1.Contact{Name: name, DisplayName: token}})
		return name, err
	})
}

func updateFeedTemplate(ctx context.Context, w *feedWriter) error {
	name := "interactionTemplates/" + templateCode
	return w.once(ctx, "UpdateInteractionTemplate", apiv1.ChangeKind_CHANGE_KIND_TEMPLATE_UPDATED, func(ctx context.Context, token string) (string, error) {
		_, err := w.client().templates.UpdateInteractionTemplate(ctx, &apiv1.UpdateInteractionTemplateRequest{
			UpdateMask:          &fieldmaskpb.FieldMask{Paths: []string{"description"}},
			InteractionTemplate: &apiv1.InteractionTemplate{Name: name, Description: token}})
		return name, err
	})
}

// deleteCanceledFeedEntries deletes every canceled entry; it must make one
// ENTRY_DELETED change per deleted entry.
func deleteCanceledFeedEntries(ctx context.Context, w *feedWriter) error {
	id := uuid.NewString()
	start := time.Now()
	var deleted int64
	attempts := 0
	err := w.tally.retry(ctx, "DeleteCanceledInteractionLogEntries", func(ctx context.Context) error {
		attempts++
		resp, err := w.client().log.DeleteCanceledInteractionLogEntries(ctx, &apiv1.DeleteCanceledInteractionLogEntriesRequest{RequestId: id})
		deleted = resp.GetDeletedCount()
		return err
	})
	if err != nil {
		return err
	}
	w.ledger.mu.Lock()
	defer w.ledger.mu.Unlock()
	if w.ledger.deletions == nil {
		w.ledger.deletions = map[string]deletion{}
	}
	w.ledger.deletions[id] = deletion{count: deleted, attempts: attempts, start: start, ack: time.Now()}
	return nil
}

// feedWatcher consumes WatchChanges from sequence 0 on its replica (the
// other when its own was killed), reconnecting at random moments and
// resuming after the last sequence it processed, until it has processed
// target (set when the writers are done).
type feedWatcher struct {
	name        string
	replica     int
	target      atomic.Int64
	seen        []*apiv1.Change
	last        int64
	connections int
	heartbeats  int
	switches    int
}

func (w *feedWatcher) run(ctx context.Context, t *testing.T, reps *replicas) {
	r := rand.New(rand.NewPCG(uint64(w.replica), uint64(time.Now().UnixNano())))
	switched := false
	for {
		if target := w.target.Load(); target > 0 && w.last >= target {
			return
		}
		if ctx.Err() != nil {
			if target := w.target.Load(); target > 0 {
				t.Errorf("watcher %s: at sequence %d of %d when the test's time ran out", w.name, w.last, target)
			}
			return
		}
		if reps.isDead(w.replica) && !switched {
			switched = true
			w.switches++
		}
		// A connection lasts a random while: the disconnects.
		sctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond+rand.N(time.Second))
		err := w.watchOnce(sctx, t, reps.conn(w.replica), r)
		cancel()
		if err != nil && ctx.Err() == nil && sctx.Err() == nil {
			switch status.Code(err) {
			case codes.Unavailable, codes.Canceled, codes.DeadlineExceeded:
				time.Sleep(50 * time.Millisecond) // its replica or the database is away
			default:
				t.Errorf("watcher %s after sequence %d: %v", w.name, w.last, err)
				time.Sleep(200 * time.Millisecond)
			}
		}
	}
}

// watchOnce is one WatchChanges call after w.last; it also ends, at random,
// after a number of changes.
func (w *feedWatcher) watchOnce(ctx context.Context, t *testing.T, conn grpc.ClientConnInterface, r *rand.Rand) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	w.connections++
	stream, err := apiv1.NewChangeServiceClient(conn).WatchChanges(ctx, &apiv1.WatchChangesRequest{
		Start: &apiv1.WatchChangesRequest_StartAfterSequence{StartAfterSequence: w.last}})
	if err != nil {
		return err
	}
	leaveAfter := 1 + r.IntN(2000)
	for n := 0; n < leaveAfter; {
		msg, err := stream.Recv()
		if err != nil {
			return err
		}
		if hb := msg.GetHeartbeat(); hb != nil {
			w.heartbeats++
			if hb.GetHighWaterSequence() < w.last {
				t.Errorf("watcher %s: heartbeat at sequence %d after it processed %d", w.name, hb.GetHighWaterSequence(), w.last)
			}
			continue
		}
		c := msg.GetChange()
		if c.GetSequence() != w.last+1 {
			t.Errorf("watcher %s: sequence %d after %d", w.name, c.GetSequence(), w.last)
		}
		w.seen = append(w.seen, c)
		w.last = c.GetSequence()
		n++
		if target := w.target.Load(); target > 0 && w.last >= target {
			return nil
		}
	}
	return nil
}

// waitAllSequenced waits until every committed change has its sequence and
// returns the highest.
func waitAllSequenced(t *testing.T, raw *sql.DB) int64 {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(50 * time.Millisecond) {
		var unsequenced int
		var high sql.NullInt64
		err := raw.QueryRow("SELECT (SELECT COUNT(*) FROM changes WHERE sequence IS NULL), (SELECT MAX(sequence) FROM changes)").Scan(&unsequenced, &high)
		if err == nil && unsequenced == 0 {
			if !high.Valid || high.Int64 == 0 {
				t.Fatal("the changes table is empty: the mutations wrote no changes")
			}
			return high.Int64
		}
		if time.Now().After(deadline) {
			t.Fatalf("changes still unsequenced after a minute: %d (%v)", unsequenced, err)
		}
	}
}

// storedChange is a change of the changes table.
type storedChange struct {
	sequence  int64
	kind      int32 // 0: the row's changes are of several kinds
	requestID string
	principal string
}

// readChanges reads the changes table, a change for each of a row's
// change_count changes, whose sequences end at the row's (store/change_rows.go);
// a row's changes share its request id and principal, and its kind when
// they are all of one kind (else the column is 0, and checkAcknowledged checks
// the kinds).
func readChanges(t *testing.T, raw *sql.DB) []storedChange {
	t.Helper()
	rows := query(t, raw, "SELECT sequence, change_count, kind, request_id, principal FROM changes ORDER BY sequence")
	var out []storedChange
	for rows.Next() {
		var c storedChange
		var count int64
		must(t, rows.Scan(&c.sequence, &count, &c.kind, &c.requestID, &c.principal))
		last := c.sequence
		for seq := last - count + 1; seq <= last; seq++ {
			c.sequence = seq
			out = append(out, c)
		}
	}
	must(t, rows.Err())
	return out
}

// compareWithDatabase checks that the watcher saw the changes table, in its
// order, from sequence 1 with no gap and nothing twice.
func compareWithDatabase(t *testing.T, w *feedWatcher, stored []storedChange) {
	t.Helper()
	if len(w.seen) != len(stored) {
		t.Errorf("watcher %s saw %d changes, the table holds %d", w.name, len(w.seen), len(stored))
	}
	for i := range min(len(w.seen), len(stored)) {
		got, want := w.seen[i], stored[i]
		if want.sequence != int64(i+1) {
			t.Errorf("the changes table's %d. change has sequence %d: a gap", i+1, want.sequence)
			return
		}
		kindDiffers := want.kind != 0 && int32(got.GetKind()) != want.kind
		if got.GetSequence() != want.sequence || kindDiffers || got.GetRequestId() != want.requestID || got.GetPrincipal() != want.principal {
			t.Errorf("watcher %s's %d. change is %d %v %q, the table's %d %d %q", w.name, i+1,
				got.GetSequence(), got.GetKind(), got.GetRequestId(), want.sequence, want.kind, want.requestID)
			return
		}
	}
}

// checkAcknowledged checks every acknowledged call against the feed (seen:
// a watcher's changes, already found equal to the table): each expected
// change is there exactly once, each delete-canceled call made one deletion
// per entry it deleted, and for each resource the order of its changes
// agrees with the order of the calls: a call acknowledged before another
// started comes first.
func checkAcknowledged(t *testing.T, ld *feedLedger, seen []*apiv1.Change) {
	t.Helper()
	ld.mu.Lock()
	defer ld.mu.Unlock()
	type call struct{ start, ack time.Time }
	byResource := map[string][]*apiv1.Change{}
	callOf := map[int64]call{} // sequence -> the acknowledged call that made it
	deletedBy := map[string]int64{}
	for _, c := range seen {
		byResource[c.GetResourceName()] = append(byResource[c.GetResourceName()], c)
		if d, ok := ld.deletions[c.GetRequestId()]; ok && c.GetKind() == apiv1.ChangeKind_CHANGE_KIND_ENTRY_DELETED {
			deletedBy[c.GetRequestId()]++
			callOf[c.GetSequence()] = call{d.start, d.ack}
		}
	}
	for _, e := range ld.expected {
		var found []*apiv1.Change
		for _, c := range byResource[e.resource] {
			if c.GetKind() == e.kind && matches(c, e) {
				found = append(found, c)
			}
		}
		if len(found) != 1 {
			t.Errorf("acknowledged %v of %s (request %q, token %q) is in the feed %d times", e.kind, e.resource, e.requestID, e.token, len(found))
			continue
		}
		callOf[found[0].GetSequence()] = call{e.start, e.ack}
	}
	// A retried call reports what its last attempt deleted; the batches an
	// attempt that failed had committed stay deleted, with their changes
	// under the same request id. No entry is deleted twice: the histories
	// below refuse any change after a deletion.
	for id, d := range ld.deletions {
		if deletedBy[id] < d.count || (d.attempts == 1 && deletedBy[id] != d.count) {
			t.Errorf("delete-canceled call %s deleted %d entries and made %d deletion changes", id, d.count, deletedBy[id])
		}
	}
	inversions := 0
	for resource, changes := range byResource {
		for i, earlier := range changes {
			a, ok := callOf[earlier.GetSequence()]
			if !ok {
				continue
			}
			for _, later := range changes[i+1:] {
				if b, ok := callOf[later.GetSequence()]; ok && b.ack.Before(a.start) {
					inversions++
					t.Errorf("%s: change %d (%v) precedes change %d (%v), whose call was acknowledged before the first one's began",
						resource, earlier.GetSequence(), earlier.GetKind(), later.GetSequence(), later.GetKind())
				}
			}
		}
	}
	t.Logf("%d acknowledged changes matched in the feed, over %d resources; %d order inversions", len(callOf), len(byResource), inversions)
}

// matches reports whether change c is the one e expects: by request id, or
// by the token the update wrote into the resource.
func matches(c *apiv1.Change, e expected) bool {
	if e.requestID != "" {
		return c.GetRequestId() == e.requestID
	}
	switch r := c.GetResource().(type) {
	case *apiv1.Change_InteractionLogEntry:
		return r.InteractionLogEntry.GetDescription() == e.token
	case *apiv1.Change_Contact:
		return r.Contact.GetDisplayName() == e.token
	case *apiv1.Change_InteractionTemplate:
		return r.InteractionTemplate.GetDescription() == e.token
	}
	return false
}

// checkEntryHistories checks each entry's changes on their own: the first
// is its logging, nothing follows its deletion, and a canceled or restored
// change carries the entry in that state.
func checkEntryHistories(t *testing.T, seen []*apiv1.Change) {
	t.Helper()
	deleted := map[string]bool{}
	logged := map[string]bool{}
	for _, c := range seen {
		if c.GetResourceType() != apiv1.ResourceType_RESOURCE_TYPE_INTERACTION_LOG_ENTRY {
			continue
		}
		name := c.GetResourceName()
		switch {
		case deleted[name]:
			t.Errorf("%s: change %d (%v) after its deletion", name, c.GetSequence(), c.GetKind())
		case !logged[name] && c.GetKind() != apiv1.ChangeKind_CHANGE_KIND_ENTRY_LOGGED:
			t.Errorf("%s: change %d (%v) before its logging", name, c.GetSequence(), c.GetKind())
		case c.GetKind() == apiv1.ChangeKind_CHANGE_KIND_ENTRY_CANCELED && !c.GetInteractionLogEntry().GetCanceled(),
			c.GetKind() == apiv1.ChangeKind_CHANGE_KIND_ENTRY_RESTORED && c.GetInteractionLogEntry().GetCanceled():
			t.Errorf("%s: change %d (%v) carries the entry with canceled %v", name, c.GetSequence(), c.GetKind(), c.GetInteractionLogEntry().GetCanceled())
		}
		logged[name] = true
		deleted[name] = deleted[name] || c.GetKind() == apiv1.ChangeKind_CHANGE_KIND_ENTRY_DELETED
	}
}
