package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"

	apiv1 "github.com/interlog/interlog/gen/interlog/v1"
	"github.com/interlog/interlog/server"
	"github.com/interlog/interlog/store"
)

// The change feed's benchmarks (issue 15). They run on their own database
// (-feed-db: by default the -mysql database's name with "_feed", or a
// sqlite:// file), served in-process twice: by a store with the change feed
// on and by one with it off (store.Options.DisableChangeFeed, interlogd's
// --change-feed=false), so that every ratio compares the same build in the
// same run.

// Targets of issue 15.
const (
	feedLogTarget     = 0.85 // LogInteraction at c=64, feed on / off
	feedSegmentTarget = 0.8  // LogSegment of 100 000 lines, feed on / off
	latencyP50Target  = 50 * time.Millisecond
	latencyP99Target  = 250 * time.Millisecond
	catchUpTarget     = 20_000 // changes/s
)

const (
	feedConcurrency   = 64
	feedSegmentLines  = 100_000
	feedSegmentRounds = 2
	latencyRate       = 1000   // logged interactions per second of the target
	backlogTx         = 10_000 // changes per transaction filling the backlog
	idleWatchers      = 1000
	watchersPerConn   = 100
)

// latencyRates are the rates feed-latency measures at: the target's, and
// one a loaded machine sustains, where queueing for the database does not
// hide the feed's own delay.
var latencyRates = []int{100, latencyRate}

// feedEnv is the feed database served with the change feed on and off.
type feedEnv struct {
	on, off *env
	// writes: mutations append changes (the server's write side); when not,
	// the latency is measured with changes appended through the store.
	writes bool
}

// feedURL is the feed benchmarks' database.
func (c config) feedURL() string {
	if c.feedDB != "" {
		return c.feedDB
	}
	return c.mysqlURL + "_feed"
}

func startFeedEnv(ctx context.Context, cfg config) (*feedEnv, error) {
	url := cfg.feedURL()
	if !strings.HasPrefix(url, "sqlite:") {
		dbCfg, err := mysqlConfig(url)
		if err != nil {
			return nil, err
		}
		if err := createDatabase(dbCfg); err != nil {
			return nil, err
		}
	}
	f := &feedEnv{}
	var err error
	if f.on, err = serveFeedSide(ctx, cfg, url, false); err != nil {
		return nil, err
	}
	if f.off, err = serveFeedSide(ctx, cfg, url, true); err != nil {
		f.on.close()
		return nil, err
	}
	if err := f.on.ensureMasterData(ctx); err != nil {
		f.close()
		return nil, err
	}
	if f.writes, err = f.mutationsWriteChanges(ctx); err != nil {
		f.close()
		return nil, err
	}
	fmt.Printf("Feed database: %s (%s); mutations append changes: %v\n\n", redactedEngine(url), feedEngine(f.on), f.writes)
	return f, nil
}

func redactedEngine(url string) string { return url[:strings.Index(url, ":")] }

func feedEngine(e *env) string {
	if strings.HasPrefix(e.cfg.feedURL(), "sqlite:") {
		return "SQLite"
	}
	return "MySQL protocol"
}

// serveFeedSide opens the database with the change feed on or off and serves
// it (the server runs the sequencer when the feed is on).
func serveFeedSide(ctx context.Context, cfg config, url string, feedOff bool) (*env, error) {
	st, err := store.Open(ctx, url, store.Options{MaxOpenConns: maxConns, DisableChangeFeed: feedOff})
	if err != nil {
		return nil, err
	}
	if err := st.Migrate(ctx); err != nil {
		_ = st.Close()
		return nil, err
	}
	e := &env{cfg: cfg, store: st}
	if e.serving, err = serve(st, server.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}); err != nil {
		_ = st.Close()
		return nil, err
	}
	e.connect()
	return e, nil
}

func (f *feedEnv) close() {
	f.on.close()
	f.off.close()
}

// mutationsWriteChanges logs one interaction and reports whether its change
// is sequenced within 30 seconds (the master data's changes may be
// sequenced first).
func (f *feedEnv) mutationsWriteChanges(ctx context.Context) (bool, error) {
	before, err := f.on.store.ChangeHighWater(ctx)
	if err != nil {
		return false, err
	}
	id := uuid.NewString()
	if err := f.on.logWithID(ctx, id); err != nil {
		return false, err
	}
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		high, err := f.on.store.ChangeHighWater(ctx)
		if err != nil {
			return false, err
		}
		changes, err := f.on.store.ListChanges(ctx, before, high, store.ChangeFilter{Kinds: []store.ChangeKind{store.ChangeEntryLogged}}, 1000)
		if err != nil {
			return false, err
		}
		for _, c := range changes {
			if c.RequestID == id {
				return true, nil
			}
		}
		if len(changes) > 0 {
			before = changes[len(changes)-1].Sequence
		}
	}
	return false, nil
}

// logWithID logs one interaction of a random person with request id id.
func (e *env) logWithID(ctx context.Context, id string) error {
	company, person, tmpl := randomIndexes()
	_, err := e.log.LogInteraction(ctx, &apiv1.LogInteractionRequest{
		ContactNo: personNo(company, person), InteractionTemplateCode: templateCode(tmpl), RequestId: id,
	})
	return err
}

// benchFeedCost compares LogInteraction at concurrency 64 and LogSegment of
// 100 000 lines with the change feed on and off.
func benchFeedCost(ctx context.Context, e *env) error {
	f, err := startFeedEnv(ctx, e.cfg)
	if err != nil {
		return err
	}
	defer f.close()
	r, err := alternatingRates(ctx, feedConcurrency, e.cfg.duration, f.on.logOne, f.off.logOne)
	if err != nil {
		return err
	}
	fmt.Print("| measure | feed on | feed off | ratio | |\n|---|---|---|---|---|\n")
	fmt.Printf("| LogInteraction calls/s, c=%d | %.0f | %.0f | %.2f | %s |\n", feedConcurrency, r[0], r[1], r[0]/r[1], verdict(r[0]/r[1], feedLogTarget, true))
	if err := f.on.ensureContacts(ctx, feedSegmentLines); err != nil {
		return err
	}
	var on, off []float64
	// Segment nos. of this run: a logged segment keeps its no., so a rerun
	// on the same database needs new ones.
	run := strconv.FormatInt(time.Now().Unix(), 36)
	for round := range feedSegmentRounds {
		for _, side := range []*env{f.on, f.off} {
			rate, err := side.timeLogSegment(ctx, "FEED-"+run+"-"+strconv.Itoa(round), feedSegmentLines)
			if err != nil {
				return err
			}
			if side == f.on {
				on = append(on, rate)
			} else {
				off = append(off, rate)
			}
		}
	}
	ratio := median(on) / median(off)
	fmt.Printf("| LogSegment of %d lines, entries/s (median of %d) | %.0f | %.0f | %.2f | %s |\n",
		feedSegmentLines, feedSegmentRounds, median(on), median(off), ratio, verdict(ratio, feedSegmentTarget, true))
	return nil
}

// ensureContacts writes the n segment contacts through the API once.
func (e *env) ensureContacts(ctx context.Context, n int) error {
	_, err := e.contacts.GetContact(ctx, &apiv1.GetContactRequest{Name: "contacts/" + segmentContact(n-1)})
	if status.Code(err) != codes.NotFound {
		return err
	}
	for start := 0; start < n; start += 1000 {
		req := &apiv1.BatchUpsertContactsRequest{}
		for i := start; i < min(start+1000, n); i++ {
			req.Contacts = append(req.Contacts, &apiv1.Contact{No: segmentContact(i), Type: apiv1.ContactType_CONTACT_TYPE_PERSON,
				DisplayName: "Segment contact", SalespersonCode: salesperson(i)})
		}
		if _, err := e.contacts.BatchUpsertContacts(ctx, req); err != nil {
			return err
		}
	}
	return nil
}

// timeLogSegment creates a segment of n lines (setup), logs it and returns
// entries per second, then waits until the sequencer has caught up, so that
// the next measurement does not pay for this one's sequencing.
func (e *env) timeLogSegment(ctx context.Context, no string, n int) (float64, error) {
	if !e.store.ChangeFeedEnabled() {
		no += "-OFF"
	}
	segments := apiv1.NewSegmentServiceClient(e.conn)
	if err := (&segmentBench{segments: segments}).prepare(ctx, no, n); err != nil {
		return 0, err
	}
	var resp *apiv1.LogSegmentResponse
	elapsed, err := timed(func() (err error) {
		resp, err = segments.LogSegment(ctx, &apiv1.LogSegmentRequest{Name: "segments/" + no})
		return err
	})
	if err != nil {
		return 0, err
	}
	if e.store.ChangeFeedEnabled() {
		if err := waitSequenced(ctx, e.store); err != nil {
			return 0, err
		}
	}
	return float64(resp.GetLoggedSegment().GetInteractionCount()) / elapsed.Seconds(), nil
}

// waitSequenced waits (up to 10 minutes) until the high-water sequence has
// stopped growing for a second: the sequencer has caught up.
func waitSequenced(ctx context.Context, st *store.Store) error {
	last, err := st.ChangeHighWater(ctx)
	for deadline := time.Now().Add(10 * time.Minute); err == nil && time.Now().Before(deadline); {
		time.Sleep(time.Second)
		var high int64
		if high, err = st.ChangeHighWater(ctx); err == nil && high == last {
			return nil
		}
		last = high
	}
	return err
}

// benchFeedLatency logs interactions at 1 000/s and measures, for each, the
// time from the call's acknowledgement to a watcher's receipt of its change,
// in this process. Without the write side (mutations append no changes) it
// appends one change per call through the store instead, and says so.
func benchFeedLatency(ctx context.Context, e *env) error {
	f, err := startFeedEnv(ctx, e.cfg)
	if err != nil {
		return err
	}
	defer f.close()
	call, what := f.on.logWithID, "LogInteraction"
	if !f.writes {
		call, what = f.on.appendOne, "store.AppendChanges of one entry change (mutations append none yet)"
	}
	fmt.Printf("%s calls started at a steady rate for %v, a watcher on the same server; from each call's answer to the watcher's receipt of its change:\n\n", what, e.cfg.duration)
	fmt.Print("| calls/s | started | changes received | missing | p50 | p99 | max | |\n|---|---|---|---|---|---|---|---|\n")
	for _, perSecond := range latencyRates {
		if err := f.measureLatency(ctx, strconv.Itoa(perSecond), perSecond, perSecond, e.cfg.duration, call); err != nil {
			return err
		}
	}
	if !f.writes {
		return nil
	}
	// The target's rate also in calls of latencyBatch interactions: fewer
	// calls than one engine here sustains one by one, so that the row shows
	// the feed's own delay at that rate.
	calls := latencyRate / latencyBatch
	label := fmt.Sprintf("%d BatchLogInteractions of %d (%d interactions/s; receipt of a call's first change)", calls, latencyBatch, latencyRate)
	return f.measureLatency(ctx, label, calls, latencyRate, e.cfg.duration, f.on.batchLogWithID)
}

// latencyBatch is the items of a BatchLogInteractions call in feed-latency.
const latencyBatch = 100

// batchLogWithID logs latencyBatch interactions in one BatchLogInteractions
// call with request id id, which every change of the call carries.
func (e *env) batchLogWithID(ctx context.Context, id string) error {
	_, err := e.log.BatchLogInteractions(ctx, &apiv1.BatchLogInteractionsRequest{
		Requests: batchItems()[:latencyBatch], Mode: apiv1.BatchLogMode_BATCH_LOG_MODE_ALL_OR_NOTHING, RequestId: id,
	})
	return err
}

// measureLatency is one row of benchFeedLatency: label, then calls started
// perSecond, which log interactionsPerSecond interactions a second.
func (f *feedEnv) measureLatency(ctx context.Context, label string, perSecond, interactionsPerSecond int, d time.Duration, call func(ctx context.Context, id string) error) error {
	w, err := startReceiptWatch(ctx, f.on.conn)
	if err != nil {
		return err
	}
	defer w.stop()
	acks, started, err := paced(ctx, perSecond, d, call)
	if err != nil {
		return err
	}
	lat, missing := w.latencies(acks, 30*time.Second)
	if len(lat) == 0 {
		return errors.New("the watcher received none of the changes")
	}
	slices.Sort(lat)
	p := func(q float64) time.Duration { return lat[min(len(lat)-1, int(float64(len(lat))*q))] }
	note := ""
	if interactionsPerSecond == latencyRate {
		note = "p50 " + verdictDuration(p(0.5), latencyP50Target) + "; p99 " + verdictDuration(p(0.99), latencyP99Target)
	}
	fmt.Printf("| %s | %d | %d | %d | %s | %s | %s | %s |\n", label, started, len(lat), missing, ms(p(0.5)), ms(p(0.99)), ms(lat[len(lat)-1]), note)
	return nil
}

func verdictDuration(d, target time.Duration) string {
	if d < target {
		return "met (target < " + target.String() + ")"
	}
	return "NOT met (target < " + target.String() + ")"
}

// appendOne appends one entry change with request id id through the store,
// as a mutation's transaction would.
func (e *env) appendOne(ctx context.Context, id string) error {
	return e.store.AppendChanges(ctx, "bench", id, entryChange(0))
}

// entryChange is an entry's logged change with a realistic entry as its
// resource.
func entryChange(n int64) store.Change {
	company, person, tmpl := randomIndexes()
	now := time.Now().UnixMicro()
	return store.Change{Kind: store.ChangeEntryLogged, ResourceType: store.ResourceEntry, Key: strconv.FormatInt(n, 10),
		ContactNo: personNo(company, person), ContactCompanyNo: companyNo(company), TemplateCode: templateCode(tmpl), GroupCode: groupCode(tmpl),
		Resource: store.InteractionLogEntry{EntryNo: n, ContactNo: personNo(company, person), ContactCompanyNo: companyNo(company),
			InteractionTime: now, Description: "bench " + templateCode(tmpl), InformationFlow: 1, InitiatedBy: 1,
			CostMicros: 1_250_000, DurationSeconds: 300, UserID: "bench", GroupCode: groupCode(tmpl), TemplateCode: templateCode(tmpl),
			SalespersonCode: salesperson(company + person), CorrespondenceType: 2, CreateTime: now, UpdateTime: now}}
}

// paced starts call (with a fresh request id) perSecond times a second for
// d, each in its own goroutine (calls due while the process was not
// scheduled start at once), and returns each acknowledged call's
// acknowledgement time by request id and how many calls it started.
func paced(ctx context.Context, perSecond int, d time.Duration, call func(ctx context.Context, id string) error) (map[string]time.Time, int, error) {
	acks := map[string]time.Time{}
	var mu sync.Mutex
	var firstErr error
	var wg sync.WaitGroup
	start := time.Now()
	started := 0
	for elapsed := time.Duration(0); elapsed < d; elapsed = time.Since(start) {
		for due := int(elapsed.Seconds() * float64(perSecond)); started < due; started++ {
			id := uuid.NewString()
			wg.Go(func() {
				err := call(ctx, id)
				acked := time.Now()
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					firstErr = cmpOr(firstErr, err)
					return
				}
				acks[id] = acked
			})
		}
		time.Sleep(time.Millisecond)
	}
	wg.Wait()
	return acks, started, firstErr
}

func cmpOr(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

// receiptWatch is a WatchChanges call from now on that notes when each
// change arrived, by request id.
type receiptWatch struct {
	mu       sync.Mutex
	received map[string]time.Time
	cancel   context.CancelFunc
	done     chan error
}

func startReceiptWatch(ctx context.Context, conn grpc.ClientConnInterface) (*receiptWatch, error) {
	ctx, cancel := context.WithCancel(ctx)
	stream, err := apiv1.NewChangeServiceClient(conn).WatchChanges(ctx, &apiv1.WatchChangesRequest{
		Start: &apiv1.WatchChangesRequest_StartAtNow{StartAtNow: true}})
	if err != nil {
		cancel()
		return nil, err
	}
	// The first message is the heartbeat that says where the watch starts:
	// calls made after it are all the watch's.
	if _, err := stream.Recv(); err != nil {
		cancel()
		return nil, err
	}
	w := &receiptWatch{received: map[string]time.Time{}, cancel: cancel, done: make(chan error, 1)}
	go func() {
		for {
			msg, err := stream.Recv()
			if err != nil {
				w.done <- err
				return
			}
			if c := msg.GetChange(); c != nil {
				now := time.Now()
				w.mu.Lock()
				if _, seen := w.received[c.GetRequestId()]; !seen {
					w.received[c.GetRequestId()] = now
				}
				w.mu.Unlock()
			}
		}
	}()
	return w, nil
}

// latencies waits up to wait for the changes of every acknowledged call and
// returns receipt minus acknowledgement for each (a change may arrive
// before the call's answer: then 0) and how many never arrived.
func (w *receiptWatch) latencies(acks map[string]time.Time, wait time.Duration) ([]time.Duration, int) {
	for deadline := time.Now().Add(wait); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		w.mu.Lock()
		n := 0
		for id := range acks {
			if _, ok := w.received[id]; ok {
				n++
			}
		}
		w.mu.Unlock()
		if n == len(acks) {
			break
		}
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []time.Duration
	missing := 0
	for id, acked := range acks {
		got, ok := w.received[id]
		if !ok {
			missing++
			continue
		}
		out = append(out, max(0, got.Sub(acked)))
	}
	return out, missing
}

func (w *receiptWatch) stop() {
	w.cancel()
	<-w.done
}

// benchFeedCatchUp times a watcher catching up on a backlog of -feed-backlog
// changes, twice: stored in packed rows of hundreds of changes (as LogSegment
// and batch operations write them) and in a row per change (as
// LogInteraction and other single mutations write them). Each backlog is
// filled through the store in transactions of 10 000 changes, sequenced, and
// then watched from before its first change until the watcher has received
// the last. The backlogs are pruned afterwards.
func benchFeedCatchUp(ctx context.Context, e *env) error {
	f, err := startFeedEnv(ctx, e.cfg)
	if err != nil {
		return err
	}
	defer f.close()
	st := f.on.store
	fmt.Print("| backlog | rows | filled in (changes/s) | sequenced in (changes/s) | caught up in | changes/s | |\n|---|---|---|---|---|---|---|\n")
	for _, shape := range []struct {
		rows   string
		append func(ctx context.Context, principal, requestID string, changes ...store.Change) error
	}{
		{"packed (as LogSegment writes)", st.AppendChanges},
		{"one change each (as LogInteraction writes)", st.AppendChangesUnpacked},
	} {
		if err := catchUpOn(ctx, f, e.cfg.feedBacklog, shape.rows, shape.append); err != nil {
			return err
		}
	}
	fmt.Println("\n(Sequenced in: from the last filling commit until the high-water sequence reached the backlog's last change.)")
	return nil
}

// catchUpOn fills a backlog of n changes with appendChanges and prints the
// times of a row of benchFeedCatchUp's table.
func catchUpOn(ctx context.Context, f *feedEnv, n int, rows string, appendChanges func(ctx context.Context, principal, requestID string, changes ...store.Change) error) error {
	st := f.on.store
	if err := pruneAll(ctx, st); err != nil {
		return err
	}
	base, err := st.ChangeHighWater(ctx)
	if err != nil {
		return err
	}
	fill, err := timed(func() error { return fillBacklog(ctx, n, appendChanges) })
	if err != nil {
		return err
	}
	sequencing, err := timed(func() error { return waitHighWater(ctx, st, base+int64(n)) })
	if err != nil {
		return err
	}
	var received int
	catchUp, err := timed(func() error {
		received, err = watchUntil(ctx, f.on.conn, base, base+int64(n))
		return err
	})
	if err != nil {
		return err
	}
	rate := float64(received) / catchUp.Seconds()
	fmt.Printf("| %d | %s | %v (%.0f) | %v (%.0f) | %v | %.0f | %s |\n", n, rows,
		fill.Round(100*time.Millisecond), float64(n)/fill.Seconds(), sequencing.Round(100*time.Millisecond), float64(n)/sequencing.Seconds(),
		catchUp.Round(100*time.Millisecond), rate, verdict(rate, catchUpTarget, true))
	return pruneAll(ctx, st)
}

// fillBacklog appends n entry changes with appendChanges in transactions of
// backlogTx.
func fillBacklog(ctx context.Context, n int, appendChanges func(ctx context.Context, principal, requestID string, changes ...store.Change) error) error {
	for done := 0; done < n; done += backlogTx {
		changes := make([]store.Change, min(backlogTx, n-done))
		for i := range changes {
			changes[i] = entryChange(int64(done + i + 1))
		}
		if err := appendChanges(ctx, "bench", "backlog", changes...); err != nil {
			return err
		}
	}
	return nil
}

// waitHighWater waits (up to 30 minutes) until the high-water sequence is at
// least want.
func waitHighWater(ctx context.Context, st *store.Store, want int64) error {
	for deadline := time.Now().Add(30 * time.Minute); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		high, err := st.ChangeHighWater(ctx)
		if err != nil || high >= want {
			return err
		}
	}
	return fmt.Errorf("the sequencer did not reach sequence %d in 30 minutes", want)
}

// watchUntil watches from after and returns how many changes it received
// until the one with sequence last.
func watchUntil(ctx context.Context, conn grpc.ClientConnInterface, after, last int64) (int, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stream, err := apiv1.NewChangeServiceClient(conn).WatchChanges(ctx, &apiv1.WatchChangesRequest{
		Start: &apiv1.WatchChangesRequest_StartAfterSequence{StartAfterSequence: after}})
	if err != nil {
		return 0, err
	}
	n := 0
	for {
		msg, err := stream.Recv()
		if err != nil {
			return n, err
		}
		if c := msg.GetChange(); c != nil {
			n++
			if c.GetSequence() >= last {
				return n, nil
			}
		}
	}
}

// pruneAll deletes every change but the newest (which PruneChanges keeps).
func pruneAll(ctx context.Context, st *store.Store) error {
	const batch = 10_000
	for {
		n, err := st.PruneChanges(ctx, math.MaxInt64, batch)
		if err != nil || n < batch {
			return err
		}
	}
}

// benchFeedWatchers opens 1 000 idle watchers (from now on, 100 per client
// connection) on the feed server and reports what each costs this process
// (server and client sides together): heap in use, resident memory and
// goroutines.
func benchFeedWatchers(ctx context.Context, e *env) error {
	f, err := startFeedEnv(ctx, e.cfg)
	if err != nil {
		return err
	}
	defer f.close()
	var conns []*grpc.ClientConn
	defer func() {
		for _, c := range conns {
			_ = c.Close()
		}
	}()
	for range idleWatchers / watchersPerConn {
		c, err := grpc.NewClient(f.on.conn.Target(), grpc.WithTransportCredentials(insecure.NewCredentials()))
		if err != nil {
			return err
		}
		conns = append(conns, c)
	}
	before := memorySample()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var streams []grpc.ServerStreamingClient[apiv1.WatchChangesResponse]
	for i := range idleWatchers {
		s, err := apiv1.NewChangeServiceClient(conns[i/watchersPerConn]).WatchChanges(ctx, &apiv1.WatchChangesRequest{
			Start: &apiv1.WatchChangesRequest_StartAtNow{StartAtNow: true}})
		if err != nil {
			return err
		}
		if _, err := s.Recv(); err != nil { // the heartbeat of its start
			return err
		}
		streams = append(streams, s)
	}
	after := memorySample()
	per := func(a, b int64) float64 { return float64(b-a) / idleWatchers / 1024 }
	fmt.Print("| watchers | heap in use per watcher | resident per watcher | goroutines per watcher |\n|---|---|---|---|\n")
	fmt.Printf("| %d | %.1f KiB | %.1f KiB | %.1f |\n", len(streams), per(before.heap, after.heap), per(before.rss, after.rss),
		float64(after.goroutines-before.goroutines)/idleWatchers)
	fmt.Printf("\nThe process (server and clients) before: heap %.1f MiB, resident %.1f MiB, %d goroutines; after: %.1f MiB, %.1f MiB, %d.\n",
		mib(before.heap), mib(before.rss), before.goroutines, mib(after.heap), mib(after.rss), after.goroutines)
	return nil
}

// memory is the process's heap in use (after a collection), resident set
// and goroutines.
type memory struct {
	heap, rss  int64
	goroutines int
}

func memorySample() memory {
	runtime.GC()
	debug.FreeOSMemory()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	selfResident, _ := procStatus(os.Getpid(), "VmRSS:")
	return memory{heap: int64(m.HeapInuse), rss: selfResident, goroutines: runtime.NumGoroutine()}
}
