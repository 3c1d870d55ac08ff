package reliability

import (
	"context"
	"database/sql"
	"maps"
	"math/big"
	"math/rand/v2"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	apiv1 "github.com/interlog/interlog/gen/interlog/v1"
	ts "github.com/interlog/interlog/internal/testserver"
)

// versioned is a resource with an etag, as the etag race sees it.
type versioned struct {
	kind string
	// get returns the resource's etag and the value the race writes.
	get func(ctx context.Context) (etag, value string, err error)
	// update writes value if etag is still current.
	update func(ctx context.Context, etag, value string) error
	// value is what racer i writes in a round; every round writes new values,
	// since a write that leaves the content as it was need not change the etag.
	value func(round, i int) string
}

func versionedResources(c client) []versioned {
	describe := func(round, i int) string { return "round " + strconv.Itoa(round) + " racer " + strconv.Itoa(i) }
	mask := func(path string) *fieldmaskpb.FieldMask { return &fieldmaskpb.FieldMask{Paths: []string{path}} }
	return []versioned{
		{"group", func(ctx context.Context) (string, string, error) {
			r, err := c.groups.GetInteractionGroup(ctx, &apiv1.GetInteractionGroupRequest{Name: "interactionGroups/" + groupCode})
			return r.GetInteractionGroup().GetEtag(), r.GetInteractionGroup().GetDescription(), err
		}, func(ctx context.Context, etag, value string) error {
			_, err := c.groups.UpdateInteractionGroup(ctx, &apiv1.UpdateInteractionGroupRequest{UpdateMask: mask("description"),
				InteractionGroup: &apiv1.InteractionGroup{Name: "interactionGroups/" + groupCode, Description: value, Etag: etag}})
			return err
		}, describe},
		{"template", func(ctx context.Context) (string, string, error) {
			r, err := c.templates.GetInteractionTemplate(ctx, &apiv1.GetInteractionTemplateRequest{Name: "interactionTemplates/" + templateCode})
			return r.GetInteractionTemplate().GetEtag(), r.GetInteractionTemplate().GetDescription(), err
		}, func(ctx context.Context, etag, value string) error {
			_, err := c.templates.UpdateInteractionTemplate(ctx, &apiv1.UpdateInteractionTemplateRequest{UpdateMask: mask("description"),
				InteractionTemplate: &apiv1.InteractionTemplate{Name: "interactionTemplates/" + templateCode, Description: value, Etag: etag}})
			return err
		}, describe},
		{"contact", func(ctx context.Context) (string, string, error) {
			r, err := c.contacts.GetContact(ctx, &apiv1.GetContactRequest{Name: "contacts/RC0"})
			return r.GetContact().GetEtag(), r.GetContact().GetDisplayName(), err
		}, func(ctx context.Context, etag, value string) error {
			_, err := c.contacts.UpdateContact(ctx, &apiv1.UpdateContactRequest{UpdateMask: mask("display_name"),
				Contact: &apiv1.Contact{Name: "contacts/RC0", DisplayName: value, Etag: etag}})
			return err
		}, describe},
		{"segment", func(ctx context.Context) (string, string, error) {
			r, err := c.segments.GetSegment(ctx, &apiv1.GetSegmentRequest{Name: "segments/RACE"})
			return r.GetSegment().GetEtag(), r.GetSegment().GetDescription(), err
		}, func(ctx context.Context, etag, value string) error {
			_, err := c.segments.UpdateSegment(ctx, &apiv1.UpdateSegmentRequest{UpdateMask: mask("description"),
				Segment: &apiv1.Segment{Name: "segments/RACE", Description: value, Etag: etag}})
			return err
		}, describe},
		{"setup", func(ctx context.Context) (string, string, error) {
			r, err := c.templates.GetInteractionTemplateSetup(ctx, &apiv1.GetInteractionTemplateSetupRequest{})
			return r.GetInteractionTemplateSetup().GetEtag(), r.GetInteractionTemplateSetup().GetEmails(), err
		}, func(ctx context.Context, etag, value string) error {
			_, err := c.templates.UpdateInteractionTemplateSetup(ctx, &apiv1.UpdateInteractionTemplateSetupRequest{UpdateMask: mask("emails"),
				InteractionTemplateSetup: &apiv1.InteractionTemplateSetup{Emails: value, Etag: etag}})
			return err
		}, raceTemplate},
	}
}

// raceTemplate is the code of the template racer i names in the setup.
func raceTemplate(round, i int) string { return "R" + strconv.Itoa(round) + "-" + strconv.Itoa(i) }

// TestConcurrentUpdatesWithEtag has racers update one resource of each kind
// at the same moment with the same etag: exactly one wins, the others are
// ABORTED, and the resource holds the winner's value.
func TestConcurrentUpdatesWithEtag(t *testing.T) {
	const racers, rounds = 8, 5
	ts.ForEachEngine(t, func(t *testing.T, env *ts.Env) {
		ctx := context.Background()
		c := newClient(env.Conn)
		fixture(t, c, 1)
		_, err := c.segments.CreateSegment(ctx, &apiv1.CreateSegmentRequest{Segment: &apiv1.Segment{No: "RACE", Description: "Race"}})
		must(t, err)
		for round := range rounds {
			for i := range racers {
				_, err := c.templates.CreateInteractionTemplate(ctx, &apiv1.CreateInteractionTemplateRequest{
					InteractionTemplate: &apiv1.InteractionTemplate{Code: raceTemplate(round, i), InteractionGroupCode: groupCode}})
				must(t, err)
			}
		}
		won, aborted := 0, 0
		for _, r := range versionedResources(c) {
			for round := range rounds {
				etag, _, err := r.get(ctx)
				must(t, err)
				errs := make([]error, racers)
				start := make(chan struct{})
				var wg sync.WaitGroup
				for i := range racers {
					wg.Go(func() {
						<-start
						errs[i] = r.update(ctx, etag, r.value(round, i))
					})
				}
				close(start)
				wg.Wait()
				winner := -1
				for i, err := range errs {
					switch status.Code(err) {
					case codes.OK:
						if winner >= 0 {
							t.Errorf("%s round %d: racers %d and %d both won", r.kind, round, winner, i)
						}
						winner = i
						won++
					case codes.Aborted:
						aborted++
					default:
						t.Errorf("%s round %d: racer %d: %v, want OK or ABORTED", r.kind, round, i, err)
					}
				}
				if winner < 0 {
					t.Fatalf("%s round %d: no racer won: %v", r.kind, round, errs)
				}
				if _, got, err := r.get(ctx); err != nil || got != r.value(round, winner) {
					t.Errorf("%s round %d: holds %q (%v), want the winner's %q", r.kind, round, got, err, r.value(round, winner))
				}
			}
		}
		t.Logf("%d races of %d updates with one etag: %d won, %d ABORTED", len(versionedResources(c))*rounds, racers, won, aborted)
	})
}

// logState is what the racing clients of TestConcurrentLogOperations know.
type logState struct {
	mu           sync.Mutex
	entries      []string            // every entry name ever acknowledged
	everCanceled map[string]bool     // entries some acknowledged call canceled
	segments     map[string][]string // logged segment name -> its entry names
}

func (s *logState) pick(r *rand.Rand, n int) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, 0, n)
	for range n {
		out = append(out, s.entries[r.IntN(len(s.entries))])
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func (s *logState) canceled(names ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, n := range names {
		s.everCanceled[n] = true
	}
}

func (s *logState) pickSegment(r *rand.Rand) (string, []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	names := slices.Sorted(maps.Keys(s.segments))
	name := names[r.IntN(len(names))]
	return name, s.segments[name]
}

// TestConcurrentLogOperations races cancel, restore, evaluate, delete
// canceled, logging, comments, summaries and cancel/restore of logged
// segments over overlapping entries. No call fails for a reason other than
// the state it met; afterwards no entry that was never canceled is gone, no
// comment outlived its entry, comment counts are right, no entry of a
// canceled logged segment is active, and every statistic equals its
// recomputation from the listed entries.
func TestConcurrentLogOperations(t *testing.T) {
	const workers, opsPerWorker = 8, 40
	ts.ForEachEngine(t, func(t *testing.T, env *ts.Env) {
		ctx := context.Background()
		c := newClient(env.Conn)
		contacts := fixture(t, c, 20)
		w := &worker{client: c, tally: newTally(), ledger: newLedger()}
		for i := range 60 {
			must(t, w.logOne(ctx, contacts[i%len(contacts)]))
		}
		for _, no := range []string{"CS1", "CS2"} {
			must(t, w.logSegment(ctx, no, contacts))
		}
		st := &logState{everCanceled: map[string]bool{}, segments: map[string][]string{}}
		for _, e := range listEntries(t, c, &apiv1.InteractionLogFilter{}) {
			st.entries = append(st.entries, e.GetName())
			if ls := e.GetLoggedSegment(); ls != "" {
				st.segments[ls] = append(st.segments[ls], e.GetName())
			}
		}

		tl := newTally()
		var wg sync.WaitGroup
		for i := range workers {
			r := rand.New(rand.NewPCG(uint64(i), 7))
			wg.Go(func() {
				for range opsPerWorker {
					start := time.Now()
					op, err := randomLogOperation(ctx, r, c, st, contacts)
					tl.add(op, err, time.Since(start))
					switch status.Code(err) {
					case codes.OK, codes.NotFound, codes.FailedPrecondition, codes.Aborted:
					default:
						t.Errorf("%s: %v", op, err)
					}
				}
			})
		}
		wg.Wait()
		t.Logf("%d racing calls: %v", tl.total(), tl)

		raw, err := ts.OpenRaw(env.URL)
		must(t, err)
		defer raw.Close()
		checkLogInvariants(t, c, raw, st)
	})
}

// randomLogOperation runs one operation picked at random and returns its name
// and error.
func randomLogOperation(ctx context.Context, r *rand.Rand, c client, st *logState, contacts []string) (string, error) {
	switch r.IntN(9) {
	case 0:
		names := st.pick(r, 1+r.IntN(8))
		_, err := c.log.CancelInteractionLogEntries(ctx, &apiv1.CancelInteractionLogEntriesRequest{Names: names, RequestId: uuid.NewString()})
		if err == nil {
			st.canceled(names...)
		}
		return "cancel", err
	case 1:
		_, err := c.log.RestoreInteractionLogEntries(ctx, &apiv1.RestoreInteractionLogEntriesRequest{Names: st.pick(r, 1+r.IntN(8))})
		return "restore", err
	case 2:
		_, err := c.log.EvaluateInteractionLogEntries(ctx, &apiv1.EvaluateInteractionLogEntriesRequest{
			Names: st.pick(r, 1+r.IntN(8)), Evaluation: apiv1.Evaluation(1 + r.IntN(5))})
		return "evaluate", err
	case 3:
		resp, err := c.log.LogInteraction(ctx, &apiv1.LogInteractionRequest{
			ContactNo: contacts[r.IntN(len(contacts))], InteractionTemplateCode: templateCode, Comments: []string{"racing"}})
		if err == nil {
			st.mu.Lock()
			st.entries = append(st.entries, resp.GetInteractionLogEntry().GetName())
			st.mu.Unlock()
		}
		return "log", err
	case 4:
		name, entries := st.pickSegment(r)
		_, err := c.segments.CancelLoggedSegment(ctx, &apiv1.CancelLoggedSegmentRequest{Name: name})
		if err == nil {
			st.canceled(entries...)
		}
		return "cancel logged segment", err
	case 5:
		name, _ := st.pickSegment(r)
		_, err := c.segments.RestoreLoggedSegment(ctx, &apiv1.RestoreLoggedSegmentRequest{Name: name})
		return "restore logged segment", err
	case 6:
		_, err := c.log.DeleteCanceledInteractionLogEntries(ctx, &apiv1.DeleteCanceledInteractionLogEntriesRequest{RequestId: uuid.NewString()})
		return "delete canceled", err
	case 7:
		_, err := c.log.SummarizeInteractions(ctx, &apiv1.SummarizeInteractionsRequest{
			GroupBy: []apiv1.SummaryDimension{apiv1.SummaryDimension_SUMMARY_DIMENSION_CONTACT}})
		return "summarize", err
	default:
		_, err := c.log.CreateInteractionLogComment(ctx, &apiv1.CreateInteractionLogCommentRequest{
			Parent: st.pick(r, 1)[0], InteractionLogComment: &apiv1.InteractionLogComment{Text: "racing comment"}})
		return "comment", err
	}
}

// listEntries lists every (non-postponed) entry matching filter.
func listEntries(t *testing.T, c client, filter *apiv1.InteractionLogFilter) []*apiv1.InteractionLogEntry {
	t.Helper()
	var out []*apiv1.InteractionLogEntry
	req := &apiv1.ListInteractionLogEntriesRequest{Filter: filter, PageSize: 1000}
	for {
		resp, err := c.log.ListInteractionLogEntries(context.Background(), req)
		must(t, err)
		out = append(out, resp.GetInteractionLogEntries()...)
		if resp.GetNextPageToken() == "" {
			return out
		}
		req.PageToken = resp.GetNextPageToken()
	}
}

func checkLogInvariants(t *testing.T, c client, raw *sql.DB, st *logState) {
	t.Helper()
	existing := map[string]bool{}
	for _, e := range listEntries(t, c, &apiv1.InteractionLogFilter{}) {
		existing[e.GetName()] = true
	}
	gone := 0
	for _, name := range st.entries {
		if !existing[name] {
			gone++
			if !st.everCanceled[name] {
				t.Errorf("%s is gone but was never canceled", name)
			}
		}
	}
	checkConsistency(t, raw)
	checkStatistics(t, c)
	t.Logf("%d entries acknowledged, %d ever canceled, %d deleted", len(st.entries), len(st.everCanceled), gone)
}

// totals are statistics recomputed from entries.
type totals struct {
	count    int64
	cost     *big.Rat
	duration int64
}

func (a totals) equal(count int64, cost string, duration int64) bool {
	c, ok := new(big.Rat).SetString(cost)
	if cost == "" {
		c, ok = new(big.Rat), true
	}
	return ok && a.count == count && a.cost.Cmp(c) == 0 && a.duration == duration
}

// checkStatistics compares SummarizeInteractions by contact, every
// contact's statistics and the template's totals with sums over the listed
// active entries.
func checkStatistics(t *testing.T, c client) {
	t.Helper()
	ctx := context.Background()
	byContact := map[string]totals{}
	all := totals{cost: new(big.Rat)}
	for _, e := range listEntries(t, c, &apiv1.InteractionLogFilter{Canceled: proto.Bool(false)}) {
		cost, ok := new(big.Rat).SetString(e.GetCost())
		if !ok {
			t.Fatalf("entry %s has cost %q", e.GetName(), e.GetCost())
		}
		s := byContact[e.GetContactNo()]
		if s.cost == nil {
			s.cost = new(big.Rat)
		}
		s.count++
		s.cost.Add(s.cost, cost)
		s.duration += e.GetDuration().GetSeconds()
		byContact[e.GetContactNo()] = s
		all.count++
		all.cost.Add(all.cost, cost)
		all.duration += e.GetDuration().GetSeconds()
	}
	summary, err := c.log.SummarizeInteractions(ctx, &apiv1.SummarizeInteractionsRequest{
		GroupBy: []apiv1.SummaryDimension{apiv1.SummaryDimension_SUMMARY_DIMENSION_CONTACT}})
	must(t, err)
	if len(summary.GetRows()) != len(byContact) {
		t.Errorf("summary has %d contacts, the entries %d", len(summary.GetRows()), len(byContact))
	}
	for _, row := range summary.GetRows() {
		tot := row.GetTotals()
		if !byContact[row.GetContactNo()].equal(tot.GetInteractionCount(), tot.GetTotalCost(), tot.GetTotalDuration().GetSeconds()) {
			t.Errorf("summary of %s: %v, recomputed %+v", row.GetContactNo(), tot, byContact[row.GetContactNo()])
		}
	}
	for no, want := range byContact {
		got, err := c.contacts.GetContactStatistics(ctx, &apiv1.GetContactStatisticsRequest{Name: "contacts/" + no})
		must(t, err)
		if !want.equal(got.GetInteractionCount(), got.GetTotalCost(), got.GetTotalDuration().GetSeconds()) {
			t.Errorf("statistics of contact %s: %v, recomputed %+v", no, got, want)
		}
	}
	tmpl, err := c.templates.GetInteractionTemplateStatistics(ctx, &apiv1.GetInteractionTemplateStatisticsRequest{Name: "interactionTemplates/" + templateCode})
	must(t, err)
	if tot := tmpl.GetTotals(); !all.equal(tot.GetInteractionCount(), tot.GetTotalCost(), tot.GetTotalDuration().GetSeconds()) {
		t.Errorf("template statistics %v, recomputed %+v", tot, all)
	}
}
