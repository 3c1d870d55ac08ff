package store

import (
	"context"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"
)

func at(s string) int64 {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return Micros(t)
}

func TestSummaryDaysFollowDaylightSavingTime(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		seedContact(t, s, "C1", ContactTypePerson, "")
		// New York changes from UTC-5 to UTC-4 on 2026-03-08 and back on 2026-11-01.
		for _, ts := range []string{
			"2026-03-08T04:30:00Z", // 03-07 23:30 EST
			"2026-03-08T05:30:00Z", // 03-08 00:30 EST
			"2026-03-09T03:30:00Z", // 03-08 23:30 EDT (a fixed UTC-5 would say 03-08 22:30, same day)
			"2026-03-09T04:30:00Z", // 03-09 00:30 EDT (a fixed UTC-5 would say 03-08)
			"2026-11-01T03:30:00Z", // 10-31 23:30 EDT: still October
			"2026-11-01T04:30:00Z", // 11-01 00:30 EDT
		} {
			seedEntry(t, s, InteractionLogEntry{InteractionTime: at(ts), CostMicros: 1_500_000, DurationSeconds: 60})
		}
		seedEntry(t, s, InteractionLogEntry{InteractionTime: at("2026-03-08T06:00:00Z"), Canceled: true})
		seedEntry(t, s, InteractionLogEntry{InteractionTime: at("2026-03-08T06:00:00Z"), Postponed: true})
		ny, _ := time.LoadLocation("America/New_York")

		days, err := s.Summarize(ctx, EntryFilter{}, []Dimension{DimDay}, ny)
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
		months, err := s.Summarize(ctx, EntryFilter{}, []Dimension{DimMonth}, ny)
		if err != nil {
			t.Fatal(err)
		}
		if len(months) != 3 || months[0].Period != "2026-03" || months[0].Count != 4 || months[0].CostMicros != SumOf(6_000_000) ||
			months[1].Period != "2026-10" || months[2].Period != "2026-11" || months[2].DurationSeconds != 60 {
			t.Fatalf("months: %+v", months)
		}
		total, err := s.Summarize(ctx, EntryFilter{}, nil, time.UTC)
		if err != nil || len(total) != 1 || total[0].Count != 6 || total[0].CostMicros != SumOf(9_000_000) {
			t.Fatalf("total: %v %+v", err, total)
		}
		none, err := s.Summarize(ctx, EntryFilter{ContactNo: "NOBODY"}, []Dimension{DimDay}, ny)
		if err != nil || len(none) != 0 {
			t.Fatalf("no matching entries: %v %+v", err, none)
		}
	})
}

// TestSummaryEqualsRecomputation compares summaries of random entries, in
// several time zones and groupings, with the same grouping done in Go.
func TestSummaryEqualsRecomputation(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		rng := rand.New(rand.NewPCG(1, 2))
		pick := func(options ...string) string { return options[rng.IntN(len(options))] }
		seedContact(t, s, "CO", ContactTypeCompany, "CO")
		for _, p := range []string{"P1", "P2"} {
			seedContact(t, s, p, ContactTypePerson, "CO")
		}
		seedContact(t, s, "C1", ContactTypePerson, "")
		lo, hi := at("1900-01-01T00:00:00Z"), at("2030-01-01T00:00:00Z")
		var entries []InteractionLogEntry
		for range 400 {
			contact := pick("CO", "P1", "P2", "C1")
			company := map[string]string{"CO": "CO", "P1": "CO", "P2": "CO"}[contact]
			e := InteractionLogEntry{
				ContactNo: contact, ContactCompanyNo: company,
				TemplateCode: pick("T1", "T2", "T3"), GroupCode: pick("G1", "G2"),
				SalespersonCode: pick("", "S1", "S2"), CampaignNo: pick("", "K1"),
				InteractionTime: lo + rng.Int64N(hi-lo),
				CostMicros:      rng.Int64N(1_000_000_000_000_000_000 + 1), DurationSeconds: rng.Int64N(315_360_000 + 1), // up to the API's maxima: sums far beyond int64 micros
				Canceled: rng.IntN(5) == 0, Postponed: rng.IntN(7) == 0,
			}
			if rng.IntN(4) == 0 { // crowd some entries around midnights and DST changes
				e.InteractionTime = at("2026-03-29T00:00:00Z") + rng.Int64N(int64(72*time.Hour/time.Microsecond))
			}
			entries = append(entries, seedEntry(t, s, e))
		}
		groupings := [][]Dimension{
			{DimTemplate}, {DimGroup, DimTemplate}, {DimContact}, {DimContactCompany, DimSalesperson},
			{DimCampaign, DimMonth}, {DimDay}, {DimMonth, DimTemplate}, {DimTemplate, DimGroup, DimContact, DimContactCompany, DimSalesperson, DimCampaign, DimDay},
		}
		filters := []EntryFilter{{}, {ContactNo: "CO", IncludeCompanyPersons: true}, {TemplateCode: "T2", Time: TimeRange{Start: at("2000-01-01T00:00:00Z"), HasStart: true}}}
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
	})
}

// recompute is Summarize done in Go over the seeded entries.
func recompute(entries []InteractionLogEntry, f EntryFilter, dims []Dimension, loc *time.Location) []SummaryRow {
	var rows []SummaryRow
	for _, e := range entries {
		if e.Canceled || e.Postponed || !matchesForTest(e, f) {
			continue
		}
		r := SummaryRow{Totals: Totals{Count: 1, CostMicros: SumOf(e.CostMicros), DurationSeconds: e.DurationSeconds}}
		for _, d := range dims {
			switch d {
			case DimTemplate:
				r.TemplateCode = e.TemplateCode
			case DimGroup:
				r.GroupCode = e.GroupCode
			case DimContact:
				r.ContactNo = e.ContactNo
			case DimContactCompany:
				r.ContactCompanyNo = e.ContactCompanyNo
			case DimSalesperson:
				r.SalespersonCode = e.SalespersonCode
			case DimCampaign:
				r.CampaignNo = e.CampaignNo
			case DimDay:
				r.Period = Time(e.InteractionTime).In(loc).Format("2006-01-02")
			case DimMonth:
				r.Period = Time(e.InteractionTime).In(loc).Format("2006-01")
			}
		}
		rows = append(rows, r)
	}
	if len(dims) == 0 {
		return []SummaryRow{mergeSameGroups(append([]SummaryRow{{}}, rows...), nil)[0]}
	}
	rows = mergeSameGroups(rows, dims)
	sortRows(rows, dims)
	return rows
}

func matchesForTest(e InteractionLogEntry, f EntryFilter) bool {
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

func TestContactStatisticsIncludeACompanysPersons(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		seedContact(t, s, "CO", ContactTypeCompany, "CO")
		seedContact(t, s, "P1", ContactTypePerson, "CO")
		seedContact(t, s, "P2", ContactTypePerson, "")
		seedEntry(t, s, InteractionLogEntry{ContactNo: "CO", ContactCompanyNo: "CO", InteractionTime: 100, CostMicros: 1, DurationSeconds: 10, InitiatedBy: InitiatedByUs})
		seedEntry(t, s, InteractionLogEntry{ContactNo: "P1", ContactCompanyNo: "CO", InteractionTime: 300, CostMicros: 2, DurationSeconds: 20, AttemptFailed: true, InitiatedBy: InitiatedByUs})
		seedEntry(t, s, InteractionLogEntry{ContactNo: "P1", ContactCompanyNo: "CO", InteractionTime: 200, CostMicros: 4, DurationSeconds: 40, InitiatedBy: 2})
		seedEntry(t, s, InteractionLogEntry{ContactNo: "P1", ContactCompanyNo: "CO", InteractionTime: 900, CostMicros: 8, Canceled: true})
		seedEntry(t, s, InteractionLogEntry{ContactNo: "P1", ContactCompanyNo: "CO", InteractionTime: 950, CostMicros: 8, Postponed: true})
		seedEntry(t, s, InteractionLogEntry{ContactNo: "P2", InteractionTime: 500, CostMicros: 16})

		company, err := s.ContactStatistics(ctx, "CO")
		if err != nil {
			t.Fatal(err)
		}
		if company.Totals != (Totals{Count: 3, CostMicros: SumOf(7), DurationSeconds: 70}) ||
			deref(company.LastInteractionTime) != 200 || deref(company.LastAttemptTime) != 300 {
			t.Fatalf("company: %+v last %v %v", company.Totals, deref(company.LastInteractionTime), deref(company.LastAttemptTime))
		}
		person, err := s.ContactStatistics(ctx, "P2")
		if err != nil || person.Count != 1 || person.CostMicros != SumOf(16) || deref(person.LastInteractionTime) != 500 || person.LastAttemptTime != nil {
			t.Fatalf("person: %v %+v", err, person)
		}
		_, err = s.ContactStatistics(ctx, "NOBODY")
		wantReason(t, err, ErrNotFound, ReasonContactNotFound)
	})
}

// seedGroupT seeds contact C1, group G and its template T.
func seedGroupT(t *testing.T, s *Store) {
	t.Helper()
	ctx := context.Background()
	seedContact(t, s, "C1", ContactTypePerson, "")
	if _, err := write(ctx, s, Actor{}, func(tx *Tx) (InteractionGroup, error) { return tx.CreateGroup(InteractionGroup{Code: "G"}) }); err != nil {
		t.Fatal(err)
	}
	if _, err := write(ctx, s, Actor{}, func(tx *Tx) (InteractionTemplate, error) {
		return tx.CreateTemplate(InteractionTemplate{Code: "T", GroupCode: "G"})
	}); err != nil {
		t.Fatal(err)
	}
}

func TestGroupAndTemplateTotals(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		seedGroupT(t, s)
		for i, tmpl := range []string{"T", "T", "OLD", "T"} {
			seedEntry(t, s, InteractionLogEntry{GroupCode: "G", TemplateCode: tmpl, InteractionTime: int64(i+1) * 100, CostMicros: 1 << i, DurationSeconds: 1})
		}
		seedEntry(t, s, InteractionLogEntry{GroupCode: "G", TemplateCode: "T", InteractionTime: 250, CostMicros: 100, Canceled: true})
		r := TimeRange{Start: 200, HasStart: true, End: 400, HasEnd: true}
		for _, c := range []struct {
			name string
			get  func() (Totals, error)
			want Totals
		}{
			{"group all", func() (Totals, error) { return s.GroupTotals(ctx, "G", TimeRange{}) }, Totals{4, SumOf(15), 4}},
			{"group range", func() (Totals, error) { return s.GroupTotals(ctx, "G", r) }, Totals{2, SumOf(6), 2}},
			{"template range", func() (Totals, error) { return s.TemplateTotals(ctx, "T", r) }, Totals{1, SumOf(2), 1}},
			{"template none", func() (Totals, error) {
				return s.TemplateTotals(ctx, "T", TimeRange{Start: 5000, HasStart: true})
			}, Totals{}},
		} {
			got, err := c.get()
			if err != nil || got != c.want {
				t.Errorf("%s: %+v %v, want %+v", c.name, got, err, c.want)
			}
		}
		_, err := s.GroupTotals(ctx, "NONE", TimeRange{})
		wantReason(t, err, ErrNotFound, ReasonGroupNotFound)
		_, err = s.TemplateTotals(ctx, "NONE", TimeRange{})
		wantReason(t, err, ErrNotFound, ReasonTemplateNotFound)
	})
}
