package server_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	apiv1 "github.com/interlog/interlog/gen/interlog/v1"
	ts "github.com/interlog/interlog/internal/testserver"
	"github.com/interlog/interlog/server"
	"github.com/interlog/interlog/store"
)

// The mutating RPCs do not record changes yet; these tests append them
// through the store, as a mutation's transaction will.

func entryChange(no int64, contact, company, template string) store.Change {
	e := store.InteractionLogEntry{EntryNo: no, ContactNo: contact, ContactCompanyNo: company,
		TemplateCode: template, GroupCode: "PHONE", Description: "call " + contact, CostMicros: 12_500_000}
	return store.Change{Kind: store.ChangeEntryLogged, ResourceType: store.ResourceEntry, Key: strconv.FormatInt(no, 10),
		ContactNo: contact, ContactCompanyNo: company, TemplateCode: template, GroupCode: "PHONE", Resource: e}
}

func appendChanges(t *testing.T, env *ts.Env, changes ...store.Change) {
	t.Helper()
	ts.NoErr(t, env.Store.AppendChanges(context.Background(), "alice", "6f1c2b1e-8f63-4d6e-9f3b-2b7d0a4c5e11", changes...))
}

// appendEntries appends n entry changes (entry nos. 1..n), each in its own
// transaction, and waits until they are sequenced.
func appendEntries(t *testing.T, env *ts.Env, n int) {
	t.Helper()
	for i := range n {
		appendChanges(t, env, entryChange(int64(i+1), "P1", "", "CALL"))
	}
	waitSequenced(t, env, int64(n))
}

// waitSequenced waits until the feed's high-water sequence reaches n.
func waitSequenced(t *testing.T, env *ts.Env, n int64) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := env.Changes.ListChanges(context.Background(), &apiv1.ListChangesRequest{PageSize: 1})
		ts.NoErr(t, err)
		if resp.GetHighWaterSequence() >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("high water %d, waiting for %d", resp.GetHighWaterSequence(), n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func sequences(changes []*apiv1.Change) []int64 {
	var out []int64
	for _, c := range changes {
		out = append(out, c.GetSequence())
	}
	return out
}

func TestListChanges(t *testing.T) {
	ts.ForEachEngine(t, func(t *testing.T, env *ts.Env) {
		ctx := context.Background()
		appendChanges(t, env,
			entryChange(10000, "P1", "C1", "CALL"),
			store.Change{Kind: store.ChangeContactDeleted, ResourceType: store.ResourceContact, Key: "GONE/1", ContactNo: "GONE/1"},
			store.Change{Kind: store.ChangeCommentCreated, ResourceType: store.ResourceComment, Key: store.ChangeKey("10000", "7"),
				ContactNo: "P1", Resource: store.InteractionLogComment{ID: 7, EntryNo: 10000, Text: "hello", CommentDate: "2026-12-02"}},
			entryChange(10001, "P2", "", "MAIL"),
			entryChange(10002, "C1", "C1", "MAIL"),
		)
		waitSequenced(t, env, 5)

		resp, err := env.Changes.ListChanges(ctx, &apiv1.ListChangesRequest{})
		ts.NoErr(t, err)
		if got := sequences(resp.GetChanges()); fmt.Sprint(got) != "[1 2 3 4 5]" || resp.GetNextPageToken() != "" || resp.GetHighWaterSequence() != 5 {
			t.Fatalf("sequences %v, token %q, high water %d", got, resp.GetNextPageToken(), resp.GetHighWaterSequence())
		}
		entry, deleted, comment := resp.GetChanges()[0], resp.GetChanges()[1], resp.GetChanges()[2]
		if entry.GetKind() != apiv1.ChangeKind_CHANGE_KIND_ENTRY_LOGGED || entry.GetResourceType() != apiv1.ResourceType_RESOURCE_TYPE_INTERACTION_LOG_ENTRY ||
			entry.GetResourceName() != "interactionLogEntries/10000" || entry.GetPrincipal() != "alice" ||
			entry.GetRequestId() != "6f1c2b1e-8f63-4d6e-9f3b-2b7d0a4c5e11" || entry.GetChangeTime().AsTime().IsZero() {
			t.Errorf("entry change %v", entry)
		}
		if e := entry.GetInteractionLogEntry(); e.GetName() != "interactionLogEntries/10000" || e.GetContactNo() != "P1" || e.GetCost() != "12.5" {
			t.Errorf("entry %v", e)
		}
		if deleted.GetKind() != apiv1.ChangeKind_CHANGE_KIND_CONTACT_DELETED || deleted.GetResourceName() != "contacts/GONE%2F1" || deleted.GetResource() != nil {
			t.Errorf("deletion %v", deleted)
		}
		if c := comment.GetInteractionLogComment(); c.GetName() != "interactionLogEntries/10000/comments/7" || c.GetText() != "hello" {
			t.Errorf("comment %v", comment)
		}

		// Pages of two, each token continuing the same query.
		var all []int64
		req := &apiv1.ListChangesRequest{StartAfterSequence: 1, PageSize: 2}
		for {
			page, err := env.Changes.ListChanges(ctx, req)
			ts.NoErr(t, err)
			all = append(all, sequences(page.GetChanges())...)
			if page.GetNextPageToken() == "" {
				break
			}
			req.PageToken = page.GetNextPageToken()
		}
		if fmt.Sprint(all) != "[2 3 4 5]" {
			t.Errorf("paged: %v", all)
		}
		first, err := env.Changes.ListChanges(ctx, &apiv1.ListChangesRequest{PageSize: 1})
		ts.NoErr(t, err)
		_, err = env.Changes.ListChanges(ctx, &apiv1.ListChangesRequest{PageSize: 1, PageToken: first.GetNextPageToken(),
			Filter: &apiv1.ChangeFilter{ContactNo: "P1"}})
		ts.WantInvalid(t, err, "page_token")

		_, err = env.Changes.ListChanges(ctx, &apiv1.ListChangesRequest{StartAfterSequence: 6})
		ts.WantInvalid(t, err, "start_after_sequence")
		_, err = env.Changes.ListChanges(ctx, &apiv1.ListChangesRequest{StartAfterSequence: -1})
		ts.WantInvalid(t, err, "start_after_sequence")
	})
}

func TestListChangesFilters(t *testing.T) {
	ts.ForEachEngine(t, func(t *testing.T, env *ts.Env) {
		ctx := context.Background()
		appendChanges(t, env,
			entryChange(1, "C1", "C1", "CALL"),
			entryChange(2, "P1", "C1", "CALL"),
			entryChange(3, "P2", "", "MAIL"),
			store.Change{Kind: store.ChangeContactUpdated, ResourceType: store.ResourceContact, Key: "P1", ContactNo: "P1", ContactCompanyNo: "C1",
				Resource: store.Contact{No: "P1", CompanyNo: "C1", Type: 2}},
			store.Change{Kind: store.ChangeTemplateUpdated, ResourceType: store.ResourceTemplate, Key: "MAIL", TemplateCode: "MAIL", GroupCode: "LETTERS",
				Resource: store.InteractionTemplate{Code: "MAIL", GroupCode: "LETTERS"}},
		)
		waitSequenced(t, env, 5)
		for _, tc := range []struct {
			name   string
			filter *apiv1.ChangeFilter
			want   string
		}{
			{"contact", &apiv1.ChangeFilter{ContactNo: "c1"}, "[1]"},
			{"company and its persons", &apiv1.ChangeFilter{ContactNo: " C1 ", IncludeCompanyPersons: true}, "[1 2 4]"},
			{"template", &apiv1.ChangeFilter{InteractionTemplateCode: "mail"}, "[3 5]"},
			{"group", &apiv1.ChangeFilter{InteractionGroupCode: "LETTERS"}, "[5]"},
			{"kinds", &apiv1.ChangeFilter{Kinds: []apiv1.ChangeKind{apiv1.ChangeKind_CHANGE_KIND_CONTACT_UPDATED, apiv1.ChangeKind_CHANGE_KIND_TEMPLATE_UPDATED}}, "[4 5]"},
			{"resource types", &apiv1.ChangeFilter{ResourceTypes: []apiv1.ResourceType{apiv1.ResourceType_RESOURCE_TYPE_CONTACT}}, "[4]"},
		} {
			resp, err := env.Changes.ListChanges(ctx, &apiv1.ListChangesRequest{Filter: tc.filter})
			ts.NoErr(t, err)
			if got := fmt.Sprint(sequences(resp.GetChanges())); got != tc.want {
				t.Errorf("%s: %s, want %s", tc.name, got, tc.want)
			}
			if resp.GetHighWaterSequence() != 5 {
				t.Errorf("%s: high water %d", tc.name, resp.GetHighWaterSequence())
			}
		}
		_, err := env.Changes.ListChanges(ctx, &apiv1.ListChangesRequest{Filter: &apiv1.ChangeFilter{ContactNo: "NOT?A CODE"}})
		ts.WantInvalid(t, err, "filter.contact_no")
		_, err = env.Changes.ListChanges(ctx, &apiv1.ListChangesRequest{Filter: &apiv1.ChangeFilter{Kinds: []apiv1.ChangeKind{0}}})
		ts.WantInvalid(t, err, "filter.kinds[0]")
		_, err = env.Changes.ListChanges(ctx, &apiv1.ListChangesRequest{Filter: &apiv1.ChangeFilter{ResourceTypes: []apiv1.ResourceType{99}}})
		ts.WantInvalid(t, err, "filter.resource_types[0]")
		// include_company_persons needs the company, as in the entries' filter.
		persons := &apiv1.ChangeFilter{IncludeCompanyPersons: true}
		_, err = env.Changes.ListChanges(ctx, &apiv1.ListChangesRequest{Filter: persons})
		ts.WantInvalid(t, err, "filter.include_company_persons")
		_, err = recvErr(ctx, env, &apiv1.WatchChangesRequest{Filter: persons, Start: &apiv1.WatchChangesRequest_StartAtNow{StartAtNow: true}})
		ts.WantInvalid(t, err, "filter.include_company_persons")
	})
}

// recvChange receives the next change of a watch, skipping heartbeats.
func recvChange(t *testing.T, stream apiv1.ChangeService_WatchChangesClient) *apiv1.Change {
	t.Helper()
	for {
		msg, err := stream.Recv()
		ts.NoErr(t, err)
		if c := msg.GetChange(); c != nil {
			return c
		}
	}
}

func TestWatchChangesBacklogThenLive(t *testing.T) {
	ts.ForEachEngine(t, func(t *testing.T, env *ts.Env) {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		appendEntries(t, env, 3)
		from1, err := env.Changes.WatchChanges(ctx, &apiv1.WatchChangesRequest{Start: &apiv1.WatchChangesRequest_StartAfterSequence{StartAfterSequence: 1}})
		ts.NoErr(t, err)
		now, err := env.Changes.WatchChanges(ctx, &apiv1.WatchChangesRequest{Start: &apiv1.WatchChangesRequest_StartAtNow{StartAtNow: true}})
		ts.NoErr(t, err)
		// Each watch first says where it starts.
		for stream, want := range map[apiv1.ChangeService_WatchChangesClient]int64{from1: 1, now: 3} {
			msg, err := stream.Recv()
			ts.NoErr(t, err)
			if got := msg.GetHeartbeat(); got == nil || got.GetHighWaterSequence() != want {
				t.Fatalf("first message %v, want a heartbeat at sequence %d", msg, want)
			}
		}
		for _, want := range []int64{2, 3} {
			if got := recvChange(t, from1).GetSequence(); got != want {
				t.Fatalf("backlog: got %d, want %d", got, want)
			}
		}
		// Live: changes appended after the watch started arrive, on both.
		appendChanges(t, env, entryChange(4, "P1", "", "CALL"))
		appendChanges(t, env, entryChange(5, "P2", "", "CALL"), entryChange(6, "P3", "", "CALL"))
		for _, stream := range []apiv1.ChangeService_WatchChangesClient{from1, now} {
			for _, want := range []int64{4, 5, 6} {
				c := recvChange(t, stream)
				if c.GetSequence() != want || c.GetInteractionLogEntry().GetEntryNo() != want {
					t.Fatalf("live: got %v, want sequence %d", c, want)
				}
			}
		}
		// Resuming after the last processed sequence gives the rest exactly.
		resumed, err := env.Changes.WatchChanges(ctx, &apiv1.WatchChangesRequest{Start: &apiv1.WatchChangesRequest_StartAfterSequence{StartAfterSequence: 5}})
		ts.NoErr(t, err)
		if got := recvChange(t, resumed).GetSequence(); got != 6 {
			t.Fatalf("resumed after 5: got %d", got)
		}

		_, err = recvErr(ctx, env, &apiv1.WatchChangesRequest{})
		ts.WantInvalid(t, err, "start")
		_, err = recvErr(ctx, env, &apiv1.WatchChangesRequest{Start: &apiv1.WatchChangesRequest_StartAfterSequence{StartAfterSequence: 7}})
		ts.WantInvalid(t, err, "start_after_sequence")
		_, err = recvErr(ctx, env, &apiv1.WatchChangesRequest{Start: &apiv1.WatchChangesRequest_StartAtNow{StartAtNow: false}})
		ts.WantInvalid(t, err, "start_at_now")
	})
}

// recvErr opens a watch and returns its first message or error.
func recvErr(ctx context.Context, env *ts.Env, req *apiv1.WatchChangesRequest) (*apiv1.WatchChangesResponse, error) {
	stream, err := env.Changes.WatchChanges(ctx, req)
	if err != nil {
		return nil, err
	}
	return stream.Recv()
}

func TestWatchChangesHeartbeats(t *testing.T) {
	opts := ts.Options{Server: server.Options{ChangeHeartbeat: 20 * time.Millisecond}}
	ts.ForEachEngineWith(t, opts, func(t *testing.T, env *ts.Env) {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		// A watcher whose filter matches nothing still learns how far the
		// feed has gone, so that it can checkpoint.
		stream, err := env.Changes.WatchChanges(ctx, &apiv1.WatchChangesRequest{
			Start:  &apiv1.WatchChangesRequest_StartAfterSequence{StartAfterSequence: 0},
			Filter: &apiv1.ChangeFilter{ContactNo: "NOBODY"},
		})
		ts.NoErr(t, err)
		appendChanges(t, env, entryChange(1, "P1", "", "CALL"), entryChange(2, "P2", "", "CALL"))
		last := int64(-1)
		for {
			msg, err := stream.Recv()
			ts.NoErr(t, err)
			hb := msg.GetHeartbeat()
			if hb == nil {
				t.Fatalf("got %v, want only heartbeats", msg)
			}
			if hb.GetHighWaterSequence() < last || hb.GetTime().AsTime().IsZero() {
				t.Fatalf("heartbeat %v after one at %d", hb, last)
			}
			last = hb.GetHighWaterSequence()
			if last == 2 {
				break
			}
		}
	})
}

func TestChangesExpired(t *testing.T) {
	ts.ForEachEngine(t, func(t *testing.T, env *ts.Env) {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		appendEntries(t, env, 4)
		// Everything is older than a cutoff in the future: all but the newest go.
		n, err := env.Store.PruneChanges(ctx, store.Micros(time.Now().Add(time.Hour)), 100)
		ts.NoErr(t, err)
		if n != 3 {
			t.Fatalf("pruned %d, want 3", n)
		}
		_, err = env.Changes.ListChanges(ctx, &apiv1.ListChangesRequest{})
		ts.WantCode(t, err, codes.FailedPrecondition, "CHANGES_EXPIRED")
		if msg := status.Convert(err).Message(); !strings.Contains(msg, "the oldest change kept is sequence 4") {
			t.Errorf("message %q does not name the oldest sequence kept", msg)
		}
		_, err = recvErr(ctx, env, &apiv1.WatchChangesRequest{Start: &apiv1.WatchChangesRequest_StartAfterSequence{StartAfterSequence: 2}})
		ts.WantCode(t, err, codes.FailedPrecondition, "CHANGES_EXPIRED")
		// After the last pruned one is fine.
		resp, err := env.Changes.ListChanges(ctx, &apiv1.ListChangesRequest{StartAfterSequence: 3})
		ts.NoErr(t, err)
		if got := fmt.Sprint(sequences(resp.GetChanges())); got != "[4]" {
			t.Errorf("after 3: %s", got)
		}
	})
}

func TestChangeFeedOff(t *testing.T) {
	ts.ForEachEngineWith(t, ts.Options{Store: store.Options{DisableChangeFeed: true}}, func(t *testing.T, env *ts.Env) {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		_, err := env.Changes.ListChanges(ctx, &apiv1.ListChangesRequest{})
		ts.WantCode(t, err, codes.FailedPrecondition, "CHANGE_FEED_DISABLED")
		_, err = recvErr(ctx, env, &apiv1.WatchChangesRequest{Start: &apiv1.WatchChangesRequest_StartAtNow{StartAtNow: true}})
		ts.WantCode(t, err, codes.FailedPrecondition, "CHANGE_FEED_DISABLED")
		if msg := status.Convert(err).Message(); !strings.Contains(msg, "turned off") {
			t.Errorf("message %q", msg)
		}
	})
}

func TestWatchersAreCapped(t *testing.T) {
	opts := ts.Options{Server: server.Options{MaxWatchers: 2, ChangeHeartbeat: 20 * time.Millisecond}}
	ts.ForEachEngineWith(t, opts, func(t *testing.T, env *ts.Env) {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		now := &apiv1.WatchChangesRequest{Start: &apiv1.WatchChangesRequest_StartAtNow{StartAtNow: true}}
		var cancels []context.CancelFunc
		for range 2 {
			wctx, wcancel := context.WithCancel(ctx)
			cancels = append(cancels, wcancel)
			_, err := recvErr(wctx, env, now) // a heartbeat: the watch is running
			ts.NoErr(t, err)
		}
		_, err := recvErr(ctx, env, now)
		ts.WantCode(t, err, codes.ResourceExhausted, "LIMIT_EXCEEDED")
		// A watcher that goes gives its slot back.
		cancels[0]()
		deadline := time.Now().Add(30 * time.Second)
		for {
			_, err := recvErr(ctx, env, now)
			if err == nil {
				break
			}
			if status.Code(err) != codes.ResourceExhausted || time.Now().After(deadline) {
				t.Fatalf("after a watcher left: %v", err)
			}
			time.Sleep(10 * time.Millisecond)
		}
		cancels[1]()
	})
}

func TestWatchChangesHonoursDeadline(t *testing.T) {
	ts.ForEachEngine(t, func(t *testing.T, env *ts.Env) {
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		defer cancel()
		stream, err := env.Changes.WatchChanges(ctx, &apiv1.WatchChangesRequest{Start: &apiv1.WatchChangesRequest_StartAtNow{StartAtNow: true}})
		ts.NoErr(t, err)
		for {
			if _, err = stream.Recv(); err != nil {
				break
			}
		}
		ts.WantCode(t, err, codes.DeadlineExceeded, "")
	})
}

// TestWatchUnderConcurrentWriters: writers append changes in transactions
// that commit out of id order, some rolling back, while a watcher streams
// from 0 and, now and then, disconnects and resumes after the last sequence
// it processed. It must never see a sequence at or below one it saw, and
// must end with every committed change exactly once.
func TestWatchUnderConcurrentWriters(t *testing.T) {
	ts.ForEachEngine(t, func(t *testing.T, env *ts.Env) {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		const writers, perWriter = 6, 30
		committed := make(chan string, writers*perWriter)
		errRollBack := errors.New("roll back")
		var wg sync.WaitGroup
		for w := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range perWriter {
					no := int64(w*1000 + i + 1)
					key := strconv.FormatInt(no, 10)
					err := env.Store.RunInTx(ctx, store.Actor{Principal: "w"}, func(tx *store.Tx) error {
						c := entryChange(no, "P1", "", "CALL")
						if err := tx.AppendChanges(c); err != nil {
							return err
						}
						time.Sleep(time.Duration(rand.IntN(3)) * time.Millisecond)
						if i%5 == 2 {
							return errRollBack
						}
						return nil
					})
					switch {
					case err == nil:
						committed <- key
					case !errors.Is(err, errRollBack):
						t.Errorf("writer %d: %v", w, err)
						return
					}
				}
			}()
		}
		writersDone := make(chan struct{})
		go func() { wg.Wait(); close(committed); close(writersDone) }()

		seen := map[string]int{}
		last := int64(0)
		// watchFor consumes one connection's worth of changes: up to n, or
		// until it has seen want changes once the writers are done, or until
		// stop is closed (a burst that asked for more than was left).
		watchFor := func(n int, want map[string]bool, stop <-chan struct{}) {
			wctx, wcancel := context.WithCancel(ctx)
			defer wcancel()
			go func() {
				select {
				case <-stop:
					wcancel()
				case <-wctx.Done():
				}
			}()
			stream, err := env.Changes.WatchChanges(wctx, &apiv1.WatchChangesRequest{
				Start: &apiv1.WatchChangesRequest_StartAfterSequence{StartAfterSequence: last}})
			ts.NoErr(t, err)
			for received := 0; received < n; {
				msg, err := stream.Recv()
				if err != nil && wctx.Err() != nil && ctx.Err() == nil {
					return // stopped
				}
				ts.NoErr(t, err)
				c := msg.GetChange()
				if c == nil {
					continue // a heartbeat
				}
				received++
				if c.GetSequence() <= last {
					t.Fatalf("got sequence %d after %d", c.GetSequence(), last)
				}
				last = c.GetSequence()
				seen[strings.TrimPrefix(c.GetResourceName(), "interactionLogEntries/")]++
				if want != nil && len(seen) == len(want) {
					return
				}
			}
		}
		// While the writers write: watch in bursts, reconnecting between.
		for running := true; running; {
			select {
			case <-writersDone:
				running = false
			default:
				watchFor(1+rand.IntN(10), nil, writersDone)
			}
		}
		want := map[string]bool{}
		for key := range committed {
			want[key] = true
		}
		if len(seen) < len(want) {
			watchFor(len(want)*2, want, nil)
		}
		if len(want) == 0 || len(want) == writers*perWriter {
			t.Fatalf("%d of %d transactions committed: the test should mix commits and rollbacks", len(want), writers*perWriter)
		}
		for key := range want {
			if seen[key] != 1 {
				t.Errorf("committed change %s seen %d times", key, seen[key])
			}
		}
		for key := range seen {
			if !want[key] {
				t.Errorf("change %s seen but rolled back", key)
			}
		}
	})
}
