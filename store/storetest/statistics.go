package storetest

import (
	"context"
	"math"
	"math/big"
	"math/rand/v2"
	"reflect"
	"sort"
	"testing"
	"time"

	"github.com/interlog/interlog/store"
)

// The statistics and summaries of entries (store/statistics.go, store/summary.go).
var statisticsTests = []test{
	{"SummaryDaysFollowDaylightSavingTime", summaryDaysFollowDaylightSavingTime},
	{"SummaryEqualsRecomputation", summaryEqualsRecomputation},
	{"ContactStatisticsIncludeACompanysPersons", contactStatisticsIncludeACompanysPersons},
	{"GroupAndTemplateTotals", groupAndTemplateTotals},
	{"DatabaseSumsAreExactBeyondInt64", databaseSumsAreExactBeyondInt64},
}

func at(s string) int64 {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return store.Micros(t)
}

// timed is a request for an interaction of contact C1 at us with the given cost and duration.
func timed(us, costMicros, durationSeconds int64) store.LogRequest {
	return store.LogRequest{Overrides: store.Overrides{InteractionTime: &us, CostMicros: &costMicros, DurationSeconds: &durationSeconds}}
}

func summaryDaysFollowDaylightSavingTime(t *testing.T, s *store.Store) {
	ctx := context.Background()
	seedBasics(t, s)
	// New York changes from UTC-5 to UTC-4 on 2026-03-08 and back on 2026-11-01.
	for _, ts := range []string{
		"2026-03-08T04:30:00Z", // 03-07 23:30 EST
		"2026-03-08T05:30:00Z", // 03-08 00:30 EST
		"2026-03-09T03:30:00Z", // 03-08 23:30 EDT (a fixed UTC-5 would say 03-08 22:30, same day)
		"2026-03-09T04:30:00Z", // 03-09 00:30 EDT (a fixed UTC-5 would say 03-08)
		"2026-11-01T03:30:00Z", // 10-31 23:30 EDT: still October
		"2026-11-01T04:30:00Z", // 11-01 00:30 EDT
	} {
		logEntry(t, s, timed(at(ts), 1_500_000, 60))
	}
	cancel(t, s, logEntry(t, s, timed(at("2026-03-08T06:00:00Z"), 0, 0)).EntryNo)
	draft := timed(at("2026-03-08T06:00:00Z"), 0, 0)
	draft.Postpone = true
	logEntry(t, s, draft)
	ny, _ := time.LoadLocation("America/New_York")

	days, err := s.Summarize(ctx, store.EntryFilter{}, []store.Dimension{store.DimDay}, ny)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int64{}
	for _, r := range days {
		got[r.Period] = r.Count
	}
	want := map[string]int64{"2026-03-07": 1, "2026-03-08": 2, "2026-03-09": 1, "2026-10-31": 1, "2026-11-01": 1}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("days in New York: %v, want %v", got, want)
	}
	months, err := s.Summarize(ctx, store.EntryFilter{}, []store.Dimension{store.DimMonth}, ny)
	if err != nil {
		t.Fatal(err)
	}
	if len(months) != 3 || months[0].Period != "2026-03" || months[0].Count != 4 || months[0].CostMicros != store.SumOf(6_000_000) ||
		months[1].Period != "2026-10" || months[2].Period != "2026-11" || months[2].DurationSeconds != 60 {
		t.Fatalf("months: %+v", months)
	}
	total, err := s.Summarize(ctx, store.EntryFilter{}, nil, time.UTC)
	if err != nil || len(total) != 1 || total[0].Count != 6 || total[0].CostMicros != store.SumOf(9_000_000) {
		t.Fatalf("total: %v %+v", err, total)
	}
	none, err := s.Summarize(ctx, store.EntryFilter{ContactNo: "NOBODY"}, []store.Dimension{store.DimDay}, ny)
	if err != nil || len(none) != 0 {
		t.Fatalf("no matching entries: %v %+v", err, none)
	}
}

// summaryEqualsRecomputation compares summaries of random entries, in several time zones
// and groupings, with the same grouping done in Go.
func summaryEqualsRecomputation(t *testing.T, s *store.Store) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(1, 2))
	pick := func(options ...string) string { return options[rng.IntN(len(options))] }
	createContact(t, s, "CO", store.ContactTypeCompany, "")
	for _, p := range []string{"P1", "P2"} {
		createContact(t, s, p, store.ContactTypePerson, "CO")
	}
	createContact(t, s, "C1", store.ContactTypePerson, "")
	// A template per template code and group, so that the two vary independently.
	for _, tmpl := range []string{"T1", "T2", "T3"} {
		for _, group := range []string{"G1", "G2"} {
			createTemplate(t, s, store.InteractionTemplate{Code: tmpl + group, GroupCode: group})
		}
	}
	lo, hi := at("1900-01-01T00:00:00Z"), at("2030-01-01T00:00:00Z")
	var reqs []store.LogRequest
	var canceled []bool
	for range 400 {
		r := timed(lo+rng.Int64N(hi-lo),
			rng.Int64N(1_000_000_000_000_000_000+1), rng.Int64N(315_360_000+1)) // up to the API's maxima: sums far beyond int64 micros
		r.ContactNo = pick("CO", "P1", "P2", "C1")
		r.TemplateCode = pick("T1", "T2", "T3") + pick("G1", "G2")
		r.Overrides.SalespersonCode = ptrTo(pick("", "S1", "S2")) // blank takes the contact's
		r.Overrides.CampaignNo = ptrTo(pick("", "K1"))
		cancelIt := rng.IntN(5) == 0
		r.Postpone = rng.IntN(7) == 0
		if rng.IntN(4) == 0 { // crowd some entries around midnights and DST changes
			*r.Overrides.InteractionTime = at("2026-03-29T00:00:00Z") + rng.Int64N(int64(72*time.Hour/time.Microsecond))
		}
		reqs = append(reqs, r)
		canceled = append(canceled, cancelIt && !r.Postpone) // a draft cannot be canceled
	}
	entries := logEntries(t, s, reqs...)
	var toCancel []int64
	for i := range entries {
		if canceled[i] {
			toCancel = append(toCancel, entries[i].EntryNo)
			entries[i].Canceled = true
		}
	}
	cancel(t, s, toCancel...)
	groupings := [][]store.Dimension{
		{store.DimTemplate}, {store.DimGroup, store.DimTemplate}, {store.DimContact}, {store.DimContactCompany, store.DimSalesperson},
		{store.DimCampaign, store.DimMonth}, {store.DimDay}, {store.DimMonth, store.DimTemplate},
		{store.DimTemplate, store.DimGroup, store.DimContact, store.DimContactCompany, store.DimSalesperson, store.DimCampaign, store.DimDay},
	}
	filters := []store.EntryFilter{{}, {ContactNo: "CO", IncludeCompanyPersons: true}, {TemplateCode: "T2G1", Time: store.TimeRange{Start: at("2000-01-01T00:00:00Z"), HasStart: true}}}
	for _, zone := range []string{"UTC", "America/New_York", "Europe/Amsterdam", "Asia/Kathmandu", "Australia/Lord_Howe"} {
		loc, err := time.LoadLocation(zone)
		if err != nil {
			t.Fatal(err)
		}
		for _, dims := range groupings {
			for fi, f := range filters {
				got, err := s.Summarize(ctx, f, dims, loc)
				if err != nil {
					t.Fatal(err)
				}
				want := recompute(entries, f, dims, loc)
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("%s, %v, filter %d:\n got %+v\nwant %+v", zone, dims, fi, got, want)
				}
			}
		}
	}
}

// recompute is Summarize done in Go over the entries: one row per group of the dimensions'
// values, in the order of those values, or one row of totals without dimensions.
func recompute(entries []store.InteractionLogEntry, f store.EntryFilter, dims []store.Dimension, loc *time.Location) []store.SummaryRow {
	groups := map[store.SummaryRow]store.Totals{}
	if len(dims) == 0 {
		groups[store.SummaryRow{}] = store.Totals{}
	}
	for _, e := range entries {
		if e.Canceled || e.Postponed || !matchesForTest(e, f) {
			continue
		}
		key := groupOf(e, dims, loc)
		groups[key] = groups[key].Add(store.Totals{Count: 1, CostMicros: store.SumOf(e.CostMicros), DurationSeconds: e.DurationSeconds})
	}
	var rows []store.SummaryRow
	for key, totals := range groups {
		key.Totals = totals
		rows = append(rows, key)
	}
	sort.Slice(rows, func(i, j int) bool { return lessByDims(rows[i], rows[j], dims) })
	return rows
}

// groupOf is the summary row of e's values of the dimensions, without totals.
func groupOf(e store.InteractionLogEntry, dims []store.Dimension, loc *time.Location) store.SummaryRow {
	values := store.SummaryRow{
		TemplateCode: e.TemplateCode, GroupCode: e.GroupCode, ContactNo: e.ContactNo,
		ContactCompanyNo: e.ContactCompanyNo, SalespersonCode: e.SalespersonCode, CampaignNo: e.CampaignNo,
	}
	var r store.SummaryRow
	for _, d := range dims {
		switch d {
		case store.DimDay:
			r.Period = store.Time(e.InteractionTime).In(loc).Format("2006-01-02")
		case store.DimMonth:
			r.Period = store.Time(e.InteractionTime).In(loc).Format("2006-01")
		default:
			*dimField(&r, d) = *dimField(&values, d)
		}
	}
	return r
}

// lessByDims orders summary rows by their values of the dimensions, in the dimensions' order.
func lessByDims(a, b store.SummaryRow, dims []store.Dimension) bool {
	for _, d := range dims {
		x, y := *dimField(&a, d), *dimField(&b, d)
		if x != y {
			return x < y
		}
	}
	return false
}

// dimField is the field of r that holds dimension d.
func dimField(r *store.SummaryRow, d store.Dimension) *string {
	switch d {
	case store.DimTemplate:
		return &r.TemplateCode
	case store.DimGroup:
		return &r.GroupCode
	case store.DimContact:
		return &r.ContactNo
	case store.DimContactCompany:
		return &r.ContactCompanyNo
	case store.DimSalesperson:
		return &r.SalespersonCode
	case store.DimCampaign:
		return &r.CampaignNo
	}
	return &r.Period
}

func matchesForTest(e store.InteractionLogEntry, f store.EntryFilter) bool {
	switch {
	case f.ContactNo != "" && f.IncludeCompanyPersons && e.ContactNo != f.ContactNo && e.ContactCompanyNo != f.ContactNo:
		return false
	case f.TemplateCode != "" && e.TemplateCode != f.TemplateCode:
		return false
	case f.Time.HasStart && e.InteractionTime < f.Time.Start:
		return false
	}
	return true
}

func contactStatisticsIncludeACompanysPersons(t *testing.T, s *store.Store) {
	ctx := context.Background()
	createContact(t, s, "CO", store.ContactTypeCompany, "")
	createContact(t, s, "P1", store.ContactTypePerson, "CO")
	createContact(t, s, "P2", store.ContactTypePerson, "")
	createTemplate(t, s, store.InteractionTemplate{Code: "T", GroupCode: "G"})
	entry := func(contact string, us, cost, duration int64, initiatedBy int16, attemptFailed bool) store.LogRequest {
		r := timed(us, cost, duration)
		r.ContactNo = contact
		r.Overrides.InitiatedBy, r.Overrides.AttemptFailed = &initiatedBy, &attemptFailed
		return r
	}
	const byThem = 2
	logEntry(t, s, entry("CO", 100, 1, 10, store.InitiatedByUs, false))
	logEntry(t, s, entry("P1", 300, 2, 20, store.InitiatedByUs, true))
	logEntry(t, s, entry("P1", 200, 4, 40, byThem, false))
	cancel(t, s, logEntry(t, s, entry("P1", 900, 8, 0, byThem, false)).EntryNo)
	draft := entry("P1", 950, 8, 0, byThem, false)
	draft.Postpone = true
	logEntry(t, s, draft)
	logEntry(t, s, entry("P2", 500, 16, 0, byThem, false))

	company, err := s.ContactStatistics(ctx, "CO")
	if err != nil {
		t.Fatal(err)
	}
	if company.Totals != (store.Totals{Count: 3, CostMicros: store.SumOf(7), DurationSeconds: 70}) ||
		deref(company.LastInteractionTime) != 200 || deref(company.LastAttemptTime) != 300 {
		t.Fatalf("company: %+v last %v %v", company.Totals, deref(company.LastInteractionTime), deref(company.LastAttemptTime))
	}
	person, err := s.ContactStatistics(ctx, "P2")
	if err != nil || person.Count != 1 || person.CostMicros != store.SumOf(16) || deref(person.LastInteractionTime) != 500 || person.LastAttemptTime != nil {
		t.Fatalf("person: %v %+v", err, person)
	}
	_, err = s.ContactStatistics(ctx, "NOBODY")
	wantReason(t, err, store.ErrNotFound, store.ReasonContactNotFound)
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

func groupAndTemplateTotals(t *testing.T, s *store.Store) {
	ctx := context.Background()
	seedBasics(t, s)
	createTemplate(t, s, store.InteractionTemplate{Code: "OLD", GroupCode: "G"})
	for i, tmpl := range []string{"T", "T", "OLD", "T"} {
		r := timed(int64(i+1)*100, 1<<i, 1)
		r.TemplateCode = tmpl
		logEntry(t, s, r)
	}
	cancel(t, s, logEntry(t, s, timed(250, 100, 0)).EntryNo)
	r := store.TimeRange{Start: 200, HasStart: true, End: 400, HasEnd: true}
	for _, c := range []struct {
		name string
		get  func() (store.Totals, error)
		want store.Totals
	}{
		{"group all", func() (store.Totals, error) { return s.GroupTotals(ctx, "G", store.TimeRange{}) }, store.Totals{Count: 4, CostMicros: store.SumOf(15), DurationSeconds: 4}},
		{"group range", func() (store.Totals, error) { return s.GroupTotals(ctx, "G", r) }, store.Totals{Count: 2, CostMicros: store.SumOf(6), DurationSeconds: 2}},
		{"template range", func() (store.Totals, error) { return s.TemplateTotals(ctx, "T", r) }, store.Totals{Count: 1, CostMicros: store.SumOf(2), DurationSeconds: 1}},
		{"template none", func() (store.Totals, error) {
			return s.TemplateTotals(ctx, "T", store.TimeRange{Start: 5000, HasStart: true})
		}, store.Totals{}},
	} {
		got, err := c.get()
		if err != nil || got != c.want {
			t.Errorf("%s: %+v %v, want %+v", c.name, got, err, c.want)
		}
	}
	_, err := s.GroupTotals(ctx, "NONE", store.TimeRange{})
	wantReason(t, err, store.ErrNotFound, store.ReasonGroupNotFound)
	_, err = s.TemplateTotals(ctx, "NONE", store.TimeRange{})
	wantReason(t, err, store.ErrNotFound, store.ReasonTemplateNotFound)
}

// extremes are costs whose parts (quotient and remainder by 2^30, as the store sums them
// on SQLite) take every sign and their largest magnitudes.
var extremes = []int64{
	math.MaxInt64, math.MaxInt64, math.MinInt64 + 1, 1_000_000_000_000_000_000, 1_000_000_000_000_000_000,
	1<<30 - 1, 1 << 30, -(1 << 30), -(1<<30 - 1), -1, 1, 0, -123_456_789_012_345,
}

// databaseSumsAreExactBeyondInt64 sums values at the ends of int64, of both signs, in the
// database: every statistic's cost, in one group and split over days and months.
func databaseSumsAreExactBeyondInt64(t *testing.T, s *store.Store) {
	ctx := context.Background()
	seedBasics(t, s)
	start := at("2026-01-31T12:00:00Z")
	want := new(big.Int)
	for i, v := range extremes {
		logEntry(t, s, timed(start+int64(i)*int64(6*time.Hour/time.Microsecond), v, 0))
		want.Add(want, big.NewInt(v))
	}
	check := func(what string, got store.Totals, err error) {
		t.Helper()
		if err != nil || got.Count != int64(len(extremes)) || got.CostMicros.Big().Cmp(want) != 0 {
			t.Fatalf("%s: %+v (%v) %v, want cost %v", what, got, got.CostMicros.Big(), err, want)
		}
	}
	g, err := s.GroupTotals(ctx, "G", store.TimeRange{})
	check("group", g, err)
	tm, err := s.TemplateTotals(ctx, "T", store.TimeRange{})
	check("template", tm, err)
	c, err := s.ContactStatistics(ctx, "C1")
	check("contact", c.Totals, err)
	for _, dims := range [][]store.Dimension{nil, {store.DimDay}, {store.DimMonth}} {
		rows, err := s.Summarize(ctx, store.EntryFilter{}, dims, time.UTC)
		if err != nil {
			t.Fatal(err)
		}
		var total store.Totals
		for _, r := range rows {
			total = total.Add(r.Totals)
		}
		check("summary by "+map[int]string{0: "nothing", 1: "day or month"}[len(dims)], total, nil)
	}
}
