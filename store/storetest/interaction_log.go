package storetest

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/interlog/interlog/store"
)

var interactionLogTests = []test{
	{"LogInteractionTakesDefaultsAndNamesWhatIsMissing", logInteractionTakesDefaultsAndNamesWhatIsMissing},
	{"BatchLogReportsEachRequest", batchLogReportsEachRequest},
	{"ListEntriesFiltersOrdersAndPages", listEntriesFiltersOrdersAndPages},
}

func logInteraction(ctx context.Context, s *store.Store, actor store.Actor, r store.LogRequest) (store.InteractionLogEntry, error) {
	return write(ctx, s, actor, func(tx *store.Tx) (store.InteractionLogEntry, error) { return tx.LogInteraction(r) })
}

// logInteractionTakesDefaultsAndNamesWhatIsMissing: an entry takes its defaults from the
// template and the contact, an override wins even when zero, and each missing reference
// has its reason.
func logInteractionTakesDefaultsAndNamesWhatIsMissing(t *testing.T, s *store.Store) {
	ctx, logger := context.Background(), store.Actor{Principal: "logger"}
	createContact(t, s, "CO", store.ContactTypeCompany, "")
	createContact(t, s, "P", store.ContactTypePerson, "CO")
	createTemplate(t, s, store.InteractionTemplate{Code: "MEET", GroupCode: "MEETING", Description: "Customer meeting",
		UnitCostMicros: 25_500_000, UnitDurationSeconds: 1800, InformationFlow: 1, InitiatedBy: store.InitiatedByUs})

	e, err := logInteraction(ctx, s, logger, store.LogRequest{ContactNo: "P", TemplateCode: "MEET", Comments: []string{"agenda", "minutes"}})
	if err != nil {
		t.Fatal(err)
	}
	if e.EntryNo == 0 || e.GroupCode != "MEETING" || e.Description != "Customer meeting" || e.CostMicros != 25_500_000 ||
		e.DurationSeconds != 1800 || e.InformationFlow != 1 || e.InitiatedBy != store.InitiatedByUs ||
		e.SalespersonCode != salesperson || e.ContactCompanyNo != "CO" || e.UserID != "logger" || e.CommentCount != 2 || e.InteractionTime == 0 {
		t.Fatalf("logged %+v: want the template's and the contact's values, the logger and 2 comments", e)
	}
	if got, err := s.GetEntry(ctx, e.EntryNo); err != nil || got != e {
		t.Fatalf("read back %+v, %v; want what LogInteraction returned", got, err)
	}
	if comments, _, err := s.ListComments(ctx, e.EntryNo, store.Page{Limit: 10}); err != nil || len(comments) != 2 || comments[1].Text != "minutes" {
		t.Fatalf("the entry's comments: %+v, %v", comments, err)
	}
	free, err := logInteraction(ctx, s, logger, store.LogRequest{ContactNo: "P", TemplateCode: "MEET",
		Overrides: store.Overrides{CostMicros: ptrTo(int64(0)), Description: ptrTo("Lunch")}})
	if err != nil || free.CostMicros != 0 || free.Description != "Lunch" || free.EntryNo <= e.EntryNo {
		t.Fatalf("with overrides: %+v, %v; want cost 0, description Lunch, a later entry no.", free, err)
	}

	for _, c := range []struct {
		req    store.LogRequest
		reason store.Reason
	}{
		{store.LogRequest{ContactNo: "NONE", TemplateCode: "MEET"}, store.ReasonContactNotFound},
		{store.LogRequest{ContactNo: "P", TemplateCode: "NONE"}, store.ReasonTemplateNotFound},
		{store.LogRequest{ContactNo: "P", TemplateCode: "MEET", Overrides: store.Overrides{AttachmentID: ptrTo(int64(999))}}, store.ReasonAttachmentNotFound},
	} {
		_, err := logInteraction(ctx, s, logger, c.req)
		wantReason(t, err, store.ErrNotFound, c.reason)
	}
	if n := len(listEntries(t, s, store.EntryFilter{})); n != 2 {
		t.Fatalf("%d entries after 2 logged and 3 refused", n)
	}
}

// batchLogReportsEachRequest: a batch logs its valid requests in order and reports each
// invalid one, or, all or nothing, logs none and names the first that fails.
func batchLogReportsEachRequest(t *testing.T, s *store.Store) {
	ctx := context.Background()
	seedBasics(t, s)
	reqs := []store.LogRequest{
		{ContactNo: "C1", TemplateCode: "T"},
		{ContactNo: "NONE", TemplateCode: "T"},
		{ContactNo: "C1", TemplateCode: "T"},
	}
	batch := func(allOrNothing bool) ([]store.LogResult, error) {
		return write(ctx, s, store.Actor{}, func(tx *store.Tx) ([]store.LogResult, error) {
			return tx.BatchLogInteractions(reqs, allOrNothing)
		})
	}
	_, err := batch(true)
	var item *store.ItemError
	if !errors.As(err, &item) || item.Index != 1 {
		t.Fatalf("all or nothing: %v, want an ItemError for request 1", err)
	}
	wantReason(t, err, store.ErrNotFound, store.ReasonContactNotFound)
	if n := len(listEntries(t, s, store.EntryFilter{})); n != 0 {
		t.Fatalf("a refused all-or-nothing batch logged %d entries", n)
	}

	results, err := batch(false)
	if err != nil || len(results) != 3 {
		t.Fatalf("batch: %d results, %v", len(results), err)
	}
	wantReason(t, results[1].Err, store.ErrNotFound, store.ReasonContactNotFound)
	if results[0].Err != nil || results[2].Err != nil || results[0].Entry.EntryNo == 0 || results[2].Entry.EntryNo <= results[0].Entry.EntryNo {
		t.Fatalf("the valid requests: %+v, want them logged in request order", results)
	}
	if n := len(listEntries(t, s, store.EntryFilter{})); n != 2 {
		t.Fatalf("%d entries logged, want the 2 valid requests'", n)
	}
}

// listEntriesFiltersOrdersAndPages lists entries by number and by time, both ways, a page
// at a time, with filters; drafts only when asked for.
func listEntriesFiltersOrdersAndPages(t *testing.T, s *store.Store) {
	ctx := context.Background()
	seedBasics(t, s)
	createContact(t, s, "C2", store.ContactTypePerson, "")
	// Logged in this order, at these times: entry numbers and times disagree, and two
	// entries share a time.
	times := []int64{500, 100, 300, 300, 200}
	var nos []int64
	for i, us := range times {
		r := timed(us, 0, 0)
		if i == 3 {
			r.ContactNo = "C2"
		}
		nos = append(nos, logEntry(t, s, r).EntryNo)
	}
	cancel(t, s, nos[2])
	draft := logEntry(t, s, store.LogRequest{Postpone: true}).EntryNo

	list := func(f store.EntryFilter, order store.EntryOrder) []int64 {
		t.Helper()
		var got []int64
		page := store.Page{Limit: 2}
		for {
			entries, more, err := s.ListEntries(ctx, f, order, page)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range entries {
				got = append(got, e.EntryNo)
			}
			if !more {
				return got
			}
			last := entries[len(entries)-1]
			page.HasAfter, page.AfterNumber, page.AfterTime = true, last.EntryNo, last.InteractionTime
		}
	}
	for _, c := range []struct {
		name  string
		f     store.EntryFilter
		order store.EntryOrder
		want  []int64
	}{
		{"by number", store.EntryFilter{}, store.EntryOrder{}, nos},
		{"by number, descending", store.EntryFilter{}, store.EntryOrder{Descending: true}, []int64{nos[4], nos[3], nos[2], nos[1], nos[0]}},
		{"by time", store.EntryFilter{}, store.EntryOrder{ByTime: true}, []int64{nos[1], nos[4], nos[2], nos[3], nos[0]}},
		{"by time, descending", store.EntryFilter{}, store.EntryOrder{ByTime: true, Descending: true}, []int64{nos[0], nos[3], nos[2], nos[4], nos[1]}},
		{"one contact", store.EntryFilter{ContactNo: "C2"}, store.EntryOrder{}, []int64{nos[3]}},
		{"canceled", store.EntryFilter{Canceled: ptrTo(true)}, store.EntryOrder{}, []int64{nos[2]}},
		{"not canceled, in [200, 500)", store.EntryFilter{Canceled: ptrTo(false), Time: store.TimeRange{Start: 200, HasStart: true, End: 500, HasEnd: true}},
			store.EntryOrder{ByTime: true}, []int64{nos[4], nos[3]}},
		{"drafts", store.EntryFilter{Postponed: ptrTo(true)}, store.EntryOrder{}, []int64{draft}},
	} {
		if got := list(c.f, c.order); !slices.Equal(got, c.want) {
			t.Errorf("%s: entries %v, want %v", c.name, got, c.want)
		}
	}
}
