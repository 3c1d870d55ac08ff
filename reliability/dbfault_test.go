package reliability

import (
	"context"
	"database/sql"
	"log/slog"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"

	apiv1 "github.com/interlog/interlog/gen/interlog/v1"
	"github.com/interlog/interlog/internal/testdb"
	ts "github.com/interlog/interlog/internal/testserver"
	"github.com/interlog/interlog/server"
)

// faultEnv starts a private mariadbd for a test to harm, a server on it
// that checks health every 100 ms and fails the test on any internal error,
// and 50 contacts to log interactions for.
func faultEnv(t *testing.T) (*testdb.Server, *ts.Env, client, []string) {
	db := testdb.PrivateMariaDB(t)
	env := ts.Start(t, "mysql", ts.Options{URL: db.URL("interlog"),
		Server: server.Options{HealthInterval: 100 * time.Millisecond, Logger: internalErrors(t)}})
	c := newClient(env.Conn)
	return db, env, c, fixture(t, c, 50)
}

// TestDatabaseKilledUnderLoad runs an in-process server on a private
// mariadbd and kills the database (SIGKILL) several times while clients log
// interactions and segments with request ids, retrying until acknowledged.
// While the database is gone, calls are UNAVAILABLE well before their
// deadline, never INTERNAL, and health is NOT_SERVING; when it is back the
// server recovers by itself. Afterwards every acknowledged call is in the
// database exactly once and no segment is half logged.
func TestDatabaseKilledUnderLoad(t *testing.T) {
	const kills = 5
	db, env, c, contacts := faultEnv(t)
	var outages, recoveries []time.Duration
	tl, ld := underLoad(t, c, contacts, func() {
		for range kills {
			time.Sleep(300*time.Millisecond + rand.N(600*time.Millisecond))
			db.Kill()
			killed := time.Now()
			probeUnavailable(t, c, contacts[0])
			waitHealth(t, env.Conn, healthpb.HealthCheckResponse_NOT_SERVING)
			outages = append(outages, time.Since(killed))
			time.Sleep(200*time.Millisecond + rand.N(600*time.Millisecond))
			db.Start()
			started := time.Now()
			waitHealth(t, env.Conn, healthpb.HealthCheckResponse_SERVING)
			recoveries = append(recoveries, time.Since(started))
		}
	})
	t.Logf("%d kills; NOT_SERVING after %v; SERVING again %v after restart", kills, outages, recoveries)
	report(t, env.URL, tl, ld, codes.Internal, codes.Unknown, codes.DeadlineExceeded)
}

// TestDatabaseFrozenUnderLoad stops the database (SIGSTOP) for a few seconds,
// twice, under load: a hung database is not a lost one, so calls end at their
// deadline (DEADLINE_EXCEEDED), not later and never INTERNAL; health turns
// NOT_SERVING while it hangs, and everything recovers when it resumes, with
// nothing acknowledged lost or doubled.
func TestDatabaseFrozenUnderLoad(t *testing.T) {
	const freezes = 2
	db, env, c, contacts := faultEnv(t)
	tl, ld := underLoad(t, c, contacts, func() {
		for range freezes {
			time.Sleep(300*time.Millisecond + rand.N(600*time.Millisecond))
			db.Freeze()
			probeDeadline(t, c, contacts[0])
			waitHealth(t, env.Conn, healthpb.HealthCheckResponse_NOT_SERVING)
			db.Thaw()
			waitHealth(t, env.Conn, healthpb.HealthCheckResponse_SERVING)
		}
	})
	t.Logf("%d freezes", freezes)
	report(t, env.URL, tl, ld, codes.Internal, codes.Unknown)
}

// probeDeadline checks that a call made while the database hangs ends with
// DEADLINE_EXCEEDED at its deadline, not later.
func probeDeadline(t *testing.T, c client, contact string) {
	t.Helper()
	const deadline = time.Second
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	defer cancel()
	start := time.Now()
	_, err := c.log.LogInteraction(ctx, &apiv1.LogInteractionRequest{
		ContactNo: contact, InteractionTemplateCode: templateCode, RequestId: uuid.NewString()})
	took := time.Since(start)
	if status.Code(err) != codes.DeadlineExceeded {
		t.Errorf("with the database hung: %v (after %v), want DEADLINE_EXCEEDED", err, took)
	}
	if took > 2*deadline {
		t.Errorf("with the database hung the answer took %v of a %v deadline", took, deadline)
	}
}

// TestDatabaseDropsConnectionsUnderLoad has the database end the server's
// connections (KILL, as an administrator or a proxy would) again and again
// under load: the calls they break are retryable, never INTERNAL, and
// nothing acknowledged is lost.
func TestDatabaseDropsConnectionsUnderLoad(t *testing.T) {
	const rounds = 8
	db, env, c, contacts := faultEnv(t)
	admin, err := ts.OpenRaw(db.URL("mysql"))
	must(t, err)
	defer admin.Close()
	killed := 0
	tl, ld := underLoad(t, c, contacts, func() {
		for round := range rounds {
			time.Sleep(100*time.Millisecond + rand.N(300*time.Millisecond))
			killed += killConnections(t, admin, "interlog", round%2 == 0)
		}
	})
	t.Logf("%d rounds ended %d connections or queries", rounds, killed)
	report(t, env.URL, tl, ld, codes.Internal, codes.Unknown, codes.DeadlineExceeded)
}

// killConnections ends every connection to database db (or only its running
// queries) and returns how many it ended.
func killConnections(t *testing.T, admin *sql.DB, db string, wholeConnection bool) int {
	t.Helper()
	rows, err := admin.Query("SELECT id FROM information_schema.processlist WHERE db = ?", db)
	must(t, err)
	var ids []int64
	for rows.Next() {
		var id int64
		must(t, rows.Scan(&id))
		ids = append(ids, id)
	}
	must(t, rows.Close())
	stmt := "KILL QUERY "
	if wholeConnection {
		stmt = "KILL CONNECTION "
	}
	for _, id := range ids {
		_, _ = admin.Exec(stmt + strconv.FormatInt(id, 10)) // it may have gone already
	}
	return len(ids)
}

// underLoad runs the logging workload (interaction and segment workers) while
// faults runs, then lets every worker finish the operation it is in.
func underLoad(t *testing.T, c client, contacts []string, faults func()) (*tally, *ledger) {
	const (
		logWorkers     = 6
		segmentWorkers = 2
		segmentLines   = 25
	)
	tl, ld := newTally(), newLedger()
	var stop atomic.Bool
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var wg sync.WaitGroup
	errs := make(chan error, logWorkers+segmentWorkers)
	for i := range logWorkers + segmentWorkers {
		w := &worker{id: i, client: c, tally: tl, ledger: ld}
		wg.Go(func() {
			for n := 0; !stop.Load(); n++ {
				var err error
				if i < logWorkers {
					err = w.logOne(ctx, contacts[(i*7+n)%len(contacts)])
				} else {
					err = w.logSegment(ctx, "RS"+strconv.Itoa(i)+"-"+strconv.Itoa(n), contacts[:segmentLines])
				}
				if err != nil {
					errs <- err
					return
				}
			}
		})
	}
	faults()
	time.Sleep(500 * time.Millisecond)
	stop.Store(true)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("a worker stopped: %v", err)
	}
	return tl, ld
}

// report fails the test on answers that hide a fault (the bad codes) and on
// anything lost, and logs the figures.
func report(t *testing.T, url string, tl *tally, ld *ledger, bad ...codes.Code) {
	t.Helper()
	for _, bad := range bad {
		if n := tl.count(bad); n > 0 {
			t.Errorf("%d calls answered %v", n, bad)
		}
	}
	raw, err := ts.OpenRaw(url)
	must(t, err)
	defer raw.Close()
	l := verify(t, raw, ld)
	t.Logf("%d calls: %v", tl.total(), tl)
	t.Logf("acknowledged %d interactions and %d segments; missing %d, duplicated %d, half-logged %d, orphan comments %d, unacknowledged but stored %d",
		len(ld.logged), len(ld.segments), l.missing, l.duplicated, l.halfLogged, l.orphans, l.unacknowledged)
	if len(ld.logged) == 0 || len(ld.segments) == 0 {
		t.Errorf("the load acknowledged nothing")
	}
}

// probeUnavailable checks that a call made while the database is gone is
// UNAVAILABLE with reason DATABASE_UNAVAILABLE, well before its deadline.
func probeUnavailable(t *testing.T, c client, contact string) {
	t.Helper()
	const deadline = 3 * time.Second
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	defer cancel()
	start := time.Now()
	_, err := c.log.LogInteraction(ctx, &apiv1.LogInteractionRequest{
		ContactNo: contact, InteractionTemplateCode: templateCode, RequestId: uuid.NewString()})
	took := time.Since(start)
	if status.Code(err) != codes.Unavailable || ts.Reason(err) != "DATABASE_UNAVAILABLE" {
		t.Errorf("with the database gone: %v (after %v), want UNAVAILABLE DATABASE_UNAVAILABLE", err, took)
	}
	if took > deadline/2 {
		t.Errorf("with the database gone the answer took %v of a %v deadline", took, deadline)
	}
}

// waitHealth polls the server's overall health until it is want, for at most
// 30 seconds.
func waitHealth(t *testing.T, conn grpc.ClientConnInterface, want healthpb.HealthCheckResponse_ServingStatus) {
	t.Helper()
	c := healthpb.NewHealthClient(conn)
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := c.Check(context.Background(), &healthpb.HealthCheckRequest{})
		if err == nil && resp.GetStatus() == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("health is %v (%v) after 30s, want %v", resp.GetStatus(), err, want)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// internalErrors is a server logger that passes the errors it logs (internal
// errors and panics, with their causes) to the test log.
func internalErrors(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelError}))
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}
