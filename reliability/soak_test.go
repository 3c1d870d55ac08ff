package reliability

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"flag"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/types/known/timestamppb"

	apiv1 "github.com/interlog/interlog/gen/interlog/v1"
	"github.com/interlog/interlog/internal/testdb"
	ts "github.com/interlog/interlog/internal/testserver"
)

var (
	soakFor      = flag.Duration("soak", 0, "run TestSoak this long (make soak); 0 runs the short variant of make test")
	soakRequests = flag.Int("soak-requests", 2_000_000, "stop TestSoak after this many requests")
)

const (
	soakConcurrency = 64
	shortSoak       = 3 * time.Second
	maxDBConns      = 32 // interlogd's --db-max-open-conns default
	feedDBConns     = 4  // interlogd's --db-feed-conns default
)

// TestSoak runs interlogd (a subprocess, with metrics) on MySQL and sends it
// mixed traffic from 64 clients for a bounded time and number of requests:
// logging with request ids, lists, cancel and restore, summaries and reads.
// No call may fail for a server-side reason; the server's goroutines and
// memory must not grow from the start of the load to its end, and it must
// keep within its database connection pool. Latencies and rates are logged
// (docs/reliability.md quotes a run); nothing here depends on timing.
func TestSoak(t *testing.T) {
	duration := *soakFor
	if duration == 0 {
		duration = shortSoak
	}
	url := testdb.MySQL(t)
	d := ts.StartDaemon(t, "--database", url, "--migrate", "--metrics-listen", "127.0.0.1:0",
		"--db-max-open-conns", strconv.Itoa(maxDBConns))
	metricsURL, _ := d.Logs.Wait(t, "metrics serving")["address"].(string)
	c := newClient(d.Dial(t))
	contacts := fixture(t, c, 200)
	raw, err := ts.OpenRaw(url)
	must(t, err)
	defer raw.Close()
	dbName := url[strings.LastIndex(url, "/")+1:]

	// A short warm-up fills the pools, so that the baseline is a server at work.
	pool := &entryPool{}
	runSoak(c, contacts, pool, newTally(), time.Second, 1000)
	before := scrapeMetrics(t, metricsURL)

	tl := newTally()
	var maxPool, maxSessions atomic.Int64
	stopSampling := sampleConnections(metricsURL, raw, dbName, &maxPool, &maxSessions)
	start := time.Now()
	runSoak(c, contacts, pool, tl, duration, *soakRequests)
	took := time.Since(start)
	stopSampling()
	time.Sleep(time.Second) // finished calls' goroutines exit
	after := scrapeMetrics(t, metricsURL)

	total := tl.total()
	failed := total - tl.count(codes.OK)
	t.Logf("%d clients for %v: %d requests (%.0f/s), %d failed (%.3f%%): %v",
		soakConcurrency, took.Round(time.Second), total, float64(total)/took.Seconds(), failed, 100*float64(failed)/float64(total), tl)
	for _, op := range soakOperations {
		t.Logf("%-9s p50 %v  p99 %v", op.name, tl.percentile(50, op.name).Round(10*time.Microsecond), tl.percentile(99, op.name).Round(10*time.Microsecond))
	}
	t.Logf("all       p50 %v  p99 %v", tl.percentile(50).Round(10*time.Microsecond), tl.percentile(99).Round(10*time.Microsecond))
	for _, m := range []string{"go_goroutines", "go_memstats_heap_inuse_bytes", "process_resident_memory_bytes", "interlog_db_connections_open"} {
		t.Logf("%-31s start %12.0f  end %12.0f", m, before[m], after[m])
	}
	t.Logf("database connections: at most %d open in the pool, %d sessions on the server (limit %d)", maxPool.Load(), maxSessions.Load(), maxDBConns)

	for _, bad := range []codes.Code{codes.Internal, codes.Unknown, codes.Unavailable, codes.DeadlineExceeded} {
		if n := tl.count(bad); n > 0 {
			t.Errorf("%d calls answered %v", n, bad)
		}
	}
	if grew := after["go_goroutines"] - before["go_goroutines"]; grew > 10 {
		t.Errorf("server goroutines grew from %.0f to %.0f", before["go_goroutines"], after["go_goroutines"])
	}
	if heap := after["go_memstats_heap_inuse_bytes"]; heap > 2*before["go_memstats_heap_inuse_bytes"]+64<<20 {
		t.Errorf("server heap grew from %.0f to %.0f bytes", before["go_memstats_heap_inuse_bytes"], heap)
	}
	// The server may hold sessions beyond its pool: the change feed's
	// sequencer keeps its advisory lock on a connection of its own, and the
	// feed's reads have their own pool (--db-feed-conns).
	if maxPool.Load() > maxDBConns || maxSessions.Load() > maxDBConns+1+feedDBConns {
		t.Errorf("database connections went beyond the pool's %d (and the sequencer's one, and the feed's %d)", maxDBConns, feedDBConns)
	}
	var stored int
	must(t, raw.QueryRow("SELECT COUNT(*) FROM interaction_log_entries").Scan(&stored))
	acknowledged := len(pool.names)
	t.Logf("%d interactions acknowledged, %d stored", acknowledged, stored)
	if stored < acknowledged || (failed == 0 && stored != acknowledged) {
		t.Errorf("%d interactions acknowledged, %d stored", acknowledged, stored)
	}
	checkConsistency(t, raw)
}

// entryPool holds the names of entries the soak logged, for the operations
// that need one.
type entryPool struct {
	mu    sync.Mutex
	names []string
}

func (p *entryPool) add(name string) {
	p.mu.Lock()
	p.names = append(p.names, name)
	p.mu.Unlock()
}

func (p *entryPool) pick(r *rand.Rand) (string, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.names) == 0 {
		return "", false
	}
	return p.names[r.IntN(len(p.names))], true
}

// soakOperation is one kind of call of the soak, with its share of the traffic.
type soakOperation struct {
	name   string
	weight int
	call   func(ctx context.Context, c client, r *rand.Rand, contacts []string, pool *entryPool) error
}

var soakOperations = []soakOperation{
	{"log", 40, func(ctx context.Context, c client, r *rand.Rand, contacts []string, pool *entryPool) error {
		resp, err := c.log.LogInteraction(ctx, &apiv1.LogInteractionRequest{ContactNo: contacts[r.IntN(len(contacts))],
			InteractionTemplateCode: templateCode, RequestId: uuid.NewString(), Comments: []string{"soak"}})
		if err == nil {
			pool.add(resp.GetInteractionLogEntry().GetName())
		}
		return err
	}},
	{"list", 25, func(ctx context.Context, c client, r *rand.Rand, contacts []string, _ *entryPool) error {
		req := &apiv1.ListInteractionLogEntriesRequest{PageSize: 50, Descending: true,
			OrderBy: apiv1.InteractionLogOrder_INTERACTION_LOG_ORDER_INTERACTION_TIME,
			Filter:  &apiv1.InteractionLogFilter{ContactNo: contacts[r.IntN(len(contacts))]}}
		resp, err := c.log.ListInteractionLogEntries(ctx, req)
		if err == nil && resp.GetNextPageToken() != "" {
			req.PageToken = resp.GetNextPageToken()
			_, err = c.log.ListInteractionLogEntries(ctx, req)
		}
		return err
	}},
	{"cancel", 15, func(ctx context.Context, c client, r *rand.Rand, _ []string, pool *entryPool) error {
		name, ok := pool.pick(r)
		if !ok {
			return nil
		}
		if r.IntN(2) == 0 {
			_, err := c.log.CancelInteractionLogEntries(ctx, &apiv1.CancelInteractionLogEntriesRequest{Names: []string{name}, RequestId: uuid.NewString()})
			return err
		}
		_, err := c.log.RestoreInteractionLogEntries(ctx, &apiv1.RestoreInteractionLogEntriesRequest{Names: []string{name}, RequestId: uuid.NewString()})
		return err
	}},
	{"summarize", 10, func(ctx context.Context, c client, r *rand.Rand, contacts []string, _ *entryPool) error {
		_, err := c.log.SummarizeInteractions(ctx, &apiv1.SummarizeInteractionsRequest{
			Filter:  &apiv1.InteractionLogFilter{StartTime: timestamppb.New(time.Now().Add(-time.Hour))},
			GroupBy: []apiv1.SummaryDimension{apiv1.SummaryDimension_SUMMARY_DIMENSION_CONTACT}})
		return err
	}},
	{"get", 10, func(ctx context.Context, c client, r *rand.Rand, _ []string, pool *entryPool) error {
		name, ok := pool.pick(r)
		if !ok {
			return nil
		}
		_, err := c.log.GetInteractionLogEntry(ctx, &apiv1.GetInteractionLogEntryRequest{Name: name})
		return err
	}},
}

// runSoak sends the mixed traffic from soakConcurrency clients until the
// duration has passed or maxRequests were sent.
func runSoak(c client, contacts []string, pool *entryPool, tl *tally, duration time.Duration, maxRequests int) {
	weights := 0
	for _, op := range soakOperations {
		weights += op.weight
	}
	deadline := time.Now().Add(duration)
	var sent atomic.Int64
	var wg sync.WaitGroup
	for i := range soakConcurrency {
		r := rand.New(rand.NewPCG(uint64(i), uint64(time.Now().UnixNano())))
		wg.Go(func() {
			for time.Now().Before(deadline) && sent.Add(1) <= int64(maxRequests) {
				op := pickOperation(r.IntN(weights))
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				start := time.Now()
				err := op.call(ctx, c, r, contacts, pool)
				tl.add(op.name, err, time.Since(start))
				cancel()
			}
		})
	}
	wg.Wait()
}

func pickOperation(n int) soakOperation {
	for _, op := range soakOperations {
		if n < op.weight {
			return op
		}
		n -= op.weight
	}
	return soakOperations[0]
}

// sampleConnections records, every 200 ms until stopped, the most database
// connections the server's pool had open and the most sessions MySQL had on
// the database.
func sampleConnections(metricsURL string, raw *sql.DB, db string, maxPool, maxSessions *atomic.Int64) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		tick := time.NewTicker(200 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
			}
			if m, err := readMetrics(metricsURL); err == nil {
				maxPool.Store(max(maxPool.Load(), int64(m["interlog_db_connections_open"])))
			}
			var sessions int64
			if err := raw.QueryRow("SELECT COUNT(*) FROM information_schema.processlist WHERE db = ?", db).Scan(&sessions); err == nil {
				maxSessions.Store(max(maxSessions.Load(), sessions-1)) // less this query's own session
			}
		}
	})
	return func() { close(done); wg.Wait() }
}

// scrapeMetrics reads the unlabelled samples of a Prometheus exposition.
func scrapeMetrics(t *testing.T, url string) map[string]float64 {
	t.Helper()
	m, err := readMetrics(url)
	must(t, err)
	return m
}

func readMetrics(url string) (map[string]float64, error) {
	resp, err := http.Get(url)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	out := map[string]float64{}
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		name, value, ok := strings.Cut(sc.Text(), " ")
		if !ok || strings.HasPrefix(name, "#") || strings.Contains(name, "{") {
			continue
		}
		if v, err := strconv.ParseFloat(value, 64); err == nil {
			out[name] = v
		}
	}
	if len(out) == 0 && sc.Err() == nil {
		return nil, errors.New("no metrics at " + url)
	}
	return out, sc.Err()
}
