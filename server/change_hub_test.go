package server_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	apiv1 "github.com/interlog/interlog/gen/interlog/v1"
	ts "github.com/interlog/interlog/internal/testserver"
	"github.com/interlog/interlog/server"
	"github.com/interlog/interlog/store"
)

// TestWatchersShareTheFanOut: watchers with different filters, some from
// the start, some from now, one that stops and resumes after the last
// sequence it saw, all on one server while writers commit: each receives
// exactly the changes ListChanges returns for its filter after its start, in
// order, once each (the fan-out filters in memory what the store filters in
// SQL; a watcher behind it reads from the database).
func TestWatchersShareTheFanOut(t *testing.T) {
	opts := ts.Options{Server: server.Options{ChangeHeartbeat: 20 * time.Millisecond}}
	ts.ForEachEngineWith(t, opts, func(t *testing.T, env *ts.Env) {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		filters := []*apiv1.ChangeFilter{
			nil,
			{ContactNo: "C1", IncludeCompanyPersons: true},
			{ContactNo: "C1"},
			{InteractionTemplateCode: "VISIT"},
			{Kinds: []apiv1.ChangeKind{apiv1.ChangeKind_CHANGE_KIND_CONTACT_DELETED}},
			{ResourceTypes: []apiv1.ResourceType{apiv1.ResourceType_RESOURCE_TYPE_INTERACTION_LOG_ENTRY}, InteractionGroupCode: "PHONE", ContactNo: "P2"},
		}
		appendMixed(t, env, 0, 20) // a backlog before every watcher
		var watchers []*collector
		for _, f := range filters {
			watchers = append(watchers, startCollector(ctx, t, env, f, 0), startCollector(ctx, t, env, f, -1))
		}
		resumed := startCollector(ctx, t, env, nil, 0)
		var wg sync.WaitGroup
		for w := range 4 {
			wg.Go(func() { appendMixed(t, env, (w+1)*1000, 40) })
		}
		// Meanwhile the resumed watcher stops after some changes and watches
		// again after the last one it received.
		for resumed.count() < 30 {
			time.Sleep(time.Millisecond)
		}
		resumed.cancel()
		resumed = resumeCollector(ctx, t, env, resumed)
		wg.Wait()
		high := listedHighWater(t, env)
		for _, c := range append(watchers, resumed) {
			got := c.waitUntil(t, high)
			want := listSequences(t, env, c.filter, c.start)
			if !slices.Equal(got, want) {
				t.Errorf("filter %v after %d: got %d changes %v, want %d %v", c.filter, c.start, len(got), got, len(want), want)
			}
		}
	})
}

// appendMixed appends n changes in n transactions: entries of persons of
// companies C1 and C2 by two templates, and contact deletions.
func appendMixed(t *testing.T, env *ts.Env, base, n int) {
	for i := range n {
		no := int64(base + i + 1)
		person, company := fmt.Sprintf("P%d", i%3+1), fmt.Sprintf("C%d", i%2+1)
		var c store.Change
		switch i % 4 {
		case 0, 1:
			c = entryChange(no, person, company, "CALL")
		case 2:
			c = entryChange(no, company, "", "VISIT")
		case 3:
			c = store.Change{Kind: store.ChangeContactDeleted, ResourceType: store.ResourceContact, Key: person, ContactNo: person, ContactCompanyNo: company}
		}
		appendChanges(t, env, c)
	}
}

// collector is a watch that records the sequences it receives, and the
// high water of its heartbeats.
type collector struct {
	filter *apiv1.ChangeFilter
	start  int64 // the sequence it started after
	cancel context.CancelFunc

	mu        sync.Mutex
	sequences []int64
	heartbeat int64
	err       error
}

// startCollector watches after start, or from now when start is -1.
func startCollector(ctx context.Context, t *testing.T, env *ts.Env, filter *apiv1.ChangeFilter, start int64) *collector {
	t.Helper()
	if start < 0 {
		start = listedHighWater(t, env) // from now: no change up to it is sent
	}
	ctx, cancel := context.WithCancel(ctx)
	stream, err := env.Changes.WatchChanges(ctx, &apiv1.WatchChangesRequest{Filter: filter,
		Start: &apiv1.WatchChangesRequest_StartAfterSequence{StartAfterSequence: start}})
	ts.NoErr(t, err)
	c := &collector{filter: filter, start: start, cancel: cancel}
	go func() {
		for {
			msg, err := stream.Recv()
			c.mu.Lock()
			switch {
			case err != nil:
				c.err = err
			case msg.GetChange() != nil:
				c.sequences = append(c.sequences, msg.GetChange().GetSequence())
			default:
				c.heartbeat = msg.GetHeartbeat().GetHighWaterSequence()
			}
			c.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	return c
}

// resumeCollector watches again after the last change c received (c was
// canceled), keeping what c received.
func resumeCollector(ctx context.Context, t *testing.T, env *ts.Env, c *collector) *collector {
	c.mu.Lock()
	for c.err == nil {
		c.mu.Unlock()
		time.Sleep(time.Millisecond)
		c.mu.Lock()
	}
	seen := slices.Clone(c.sequences)
	c.mu.Unlock()
	next := startCollector(ctx, t, env, c.filter, seen[len(seen)-1])
	next.mu.Lock()
	next.start, next.sequences = c.start, append(seen, next.sequences...)
	next.mu.Unlock()
	return next
}

func (c *collector) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.sequences)
}

// waitUntil waits until a heartbeat says the watch has gone up to high,
// then stops it and returns what it received.
func (c *collector) waitUntil(t *testing.T, high int64) []int64 {
	t.Helper()
	defer c.cancel()
	deadline := time.Now().Add(30 * time.Second)
	for {
		c.mu.Lock()
		done, err, got := c.heartbeat >= high, c.err, slices.Clone(c.sequences)
		c.mu.Unlock()
		if err != nil {
			t.Fatalf("filter %v: %v", c.filter, err)
		}
		if done {
			return got
		}
		if time.Now().After(deadline) {
			t.Fatalf("filter %v: heartbeats reached %d, waiting for %d", c.filter, c.heartbeat, high)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// listedHighWater waits until every committed change is sequenced and
// returns the high water.
func listedHighWater(t *testing.T, env *ts.Env) int64 {
	t.Helper()
	for {
		resp, err := env.Changes.ListChanges(context.Background(), &apiv1.ListChangesRequest{PageSize: 1})
		ts.NoErr(t, err)
		time.Sleep(100 * time.Millisecond) // longer than the sequencer's poll
		again, err := env.Changes.ListChanges(context.Background(), &apiv1.ListChangesRequest{PageSize: 1})
		ts.NoErr(t, err)
		if again.GetHighWaterSequence() == resp.GetHighWaterSequence() {
			return resp.GetHighWaterSequence()
		}
	}
}

// listSequences lists the sequences of the changes matching filter after
// start.
func listSequences(t *testing.T, env *ts.Env, filter *apiv1.ChangeFilter, start int64) []int64 {
	t.Helper()
	var out []int64
	req := &apiv1.ListChangesRequest{Filter: filter, StartAfterSequence: start, PageSize: 1000}
	for {
		resp, err := env.Changes.ListChanges(context.Background(), req)
		ts.NoErr(t, err)
		out = append(out, sequences(resp.GetChanges())...)
		if resp.GetNextPageToken() == "" {
			return out
		}
		req.PageToken = resp.GetNextPageToken()
	}
}
