package server_test

import (
	"cmp"
	"context"
	"fmt"
	"math/big"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	apiv1 "github.com/interlog/interlog/gen/interlog/v1"
	ts "github.com/interlog/interlog/internal/testserver"
)

func TestStatisticsOfResourcesWithoutEntries(t *testing.T) {
	ts.ForEachEngine(t, func(t *testing.T, env *ts.Env) {
		ctx := context.Background()
		createGroup(t, env, "G")
		createTemplate(t, env, "T", "G")
		createContact(t, env, &apiv1.Contact{No: "C1", Type: apiv1.ContactType_CONTACT_TYPE_PERSON})

		g, err := env.Groups.GetInteractionGroupStatistics(ctx, &apiv1.GetInteractionGroupStatisticsRequest{Name: "interactionGroups/g"})
		ts.NoErr(t, err)
		tm, err := env.Templates.GetInteractionTemplateStatistics(ctx, &apiv1.GetInteractionTemplateStatisticsRequest{Name: "interactionTemplates/T"})
		ts.NoErr(t, err)
		for _, totals := range []*apiv1.InteractionTotals{g.GetTotals(), tm.GetTotals()} {
			if totals.GetInteractionCount() != 0 || totals.GetTotalCost() != "0" || totals.GetTotalDuration().AsDuration() != 0 {
				t.Fatalf("totals without entries: %v", totals)
			}
		}
		c, err := env.Contacts.GetContactStatistics(ctx, &apiv1.GetContactStatisticsRequest{Name: "contacts/c1"})
		ts.NoErr(t, err)
		if c.GetInteractionCount() != 0 || c.GetTotalCost() != "0" || c.GetLastInteractionTime() != nil || c.GetLastAttemptTime() != nil {
			t.Fatalf("contact statistics without entries: %v", c)
		}
	})
}

func TestStatisticsRefusals(t *testing.T) {
	ts.ForEachEngine(t, func(t *testing.T, env *ts.Env) {
		ctx := context.Background()
		createGroup(t, env, "G")
		_, err := env.Groups.GetInteractionGroupStatistics(ctx, &apiv1.GetInteractionGroupStatisticsRequest{Name: "interactionGroups/NONE"})
		ts.WantCode(t, err, codes.NotFound, "GROUP_NOT_FOUND")
		_, err = env.Templates.GetInteractionTemplateStatistics(ctx, &apiv1.GetInteractionTemplateStatisticsRequest{Name: "interactionTemplates/NONE"})
		ts.WantCode(t, err, codes.NotFound, "TEMPLATE_NOT_FOUND")
		_, err = env.Contacts.GetContactStatistics(ctx, &apiv1.GetContactStatisticsRequest{Name: "contacts/NONE"})
		ts.WantCode(t, err, codes.NotFound, "CONTACT_NOT_FOUND")

		_, err = env.Groups.GetInteractionGroupStatistics(ctx, &apiv1.GetInteractionGroupStatisticsRequest{Name: "groups/G"})
		ts.WantInvalid(t, err, "name")
		_, err = env.Templates.GetInteractionTemplateStatistics(ctx, &apiv1.GetInteractionTemplateStatisticsRequest{Name: ""})
		ts.WantInvalid(t, err, "name")
		_, err = env.Contacts.GetContactStatistics(ctx, &apiv1.GetContactStatisticsRequest{Name: "contacts/" + string(make([]byte, 21))})
		ts.WantInvalid(t, err, "name")

		now := time.Now()
		_, err = env.Groups.GetInteractionGroupStatistics(ctx, &apiv1.GetInteractionGroupStatisticsRequest{
			Name: "interactionGroups/G", StartTime: timestamppb.New(now), EndTime: timestamppb.New(now),
		})
		ts.WantInvalid(t, err, "end_time")
		_, err = env.Groups.GetInteractionGroupStatistics(ctx, &apiv1.GetInteractionGroupStatisticsRequest{
			Name: "interactionGroups/G", StartTime: &timestamppb.Timestamp{Seconds: -1e13},
		})
		ts.WantInvalid(t, err, "start_time")
	})
}

// statsWorld logs entries of two templates for five contacts around a
// daylight saving change and month ends, with exact decimal costs, then
// cancels some and adds a draft. It returns the entries as listed.
func statsWorld(t *testing.T, env *ts.Env) []*apiv1.InteractionLogEntry {
	t.Helper()
	ctx := context.Background()
	logFixture(t, env)
	createGroup(t, env, "MEET")
	_, err := env.Templates.CreateInteractionTemplate(ctx, &apiv1.CreateInteractionTemplateRequest{
		InteractionTemplate: &apiv1.InteractionTemplate{Code: "VISIT", InteractionGroupCode: "MEET", UnitCost: "100", UnitDuration: durationpb.New(time.Hour)},
	})
	ts.NoErr(t, err)
	createContact(t, env, &apiv1.Contact{No: "BOB", Type: person, SalespersonCode: "SP3"})
	createContact(t, env, &apiv1.Contact{No: "GLOBEX", Type: company, SalespersonCode: "SP4"})
	createContact(t, env, &apiv1.Contact{No: "GIL", Type: person, CompanyNo: "GLOBEX", SalespersonCode: "SP4"})

	rng := rand.New(rand.NewPCG(7, 11))
	pick := func(options ...string) string { return options[rng.IntN(len(options))] }
	// Berlin moves from UTC+1 to UTC+2 at 2026-03-29 01:00 UTC; New York on 2026-03-08.
	base := time.Date(2026, 3, 27, 20, 0, 0, 0, time.UTC)
	var entries []*apiv1.InteractionLogEntry
	for i := range 48 {
		o := &apiv1.InteractionOverrides{
			InteractionTime: timestamppb.New(base.Add(time.Duration(rng.IntN(5*24*60)) * time.Minute)),
			Cost:            proto.String(fmt.Sprintf("%d.%06d", rng.IntN(50), rng.IntN(1_000_000))),
			Duration:        durationpb.New(time.Duration(rng.IntN(7200)) * time.Second),
			AttemptFailed:   proto.Bool(rng.IntN(4) == 0),
		}
		if i%5 == 0 {
			o.InteractionTime = timestamppb.New(time.Date(2026, 3, 31, 21, 30, 0, 0, time.UTC)) // April 1st in Berlin
		}
		if rng.IntN(3) == 0 {
			o.InitiatedBy = apiv1.InitiatedBy_INITIATED_BY_THEM.Enum()
		}
		if rng.IntN(3) == 0 {
			o.SalespersonCode = proto.String(pick("SP8", "SP9"))
		}
		if rng.IntN(3) == 0 {
			o.CampaignNo = proto.String(pick("", "SPRING"))
		}
		resp, err := env.Log.LogInteraction(ctx, &apiv1.LogInteractionRequest{
			ContactNo: pick("ACME", "ANN", "BOB", "GLOBEX", "GIL"), InteractionTemplateCode: pick("CALL", "VISIT"), Overrides: o,
		})
		ts.NoErr(t, err)
		entries = append(entries, resp.GetInteractionLogEntry())
	}
	cancelEntries(t, env, entries[1], entries[6], entries[17], entries[30])
	_, err = env.Log.LogInteraction(ctx, &apiv1.LogInteractionRequest{ContactNo: "ANN", InteractionTemplateCode: "CALL", Postpone: true})
	ts.NoErr(t, err)
	listed := listAllEntries(t, env)
	if len(listed) != len(entries) {
		t.Fatalf("listed %d entries, logged %d", len(listed), len(entries))
	}
	return listed
}

// listAllEntries pages through ListInteractionLogEntries with no filter:
// every logged entry, canceled or not (drafts are hidden by default).
func listAllEntries(t *testing.T, env *ts.Env) []*apiv1.InteractionLogEntry {
	t.Helper()
	var out []*apiv1.InteractionLogEntry
	token := ""
	for {
		page, err := env.Log.ListInteractionLogEntries(context.Background(), &apiv1.ListInteractionLogEntriesRequest{PageSize: 7, PageToken: token})
		ts.NoErr(t, err)
		out = append(out, page.GetInteractionLogEntries()...)
		if token = page.GetNextPageToken(); token == "" {
			return out
		}
	}
}

// micros reads a decimal amount ("12.5") exactly as micros, however large.
func micros(t *testing.T, amount string) *big.Int {
	t.Helper()
	whole, frac, _ := strings.Cut(amount, ".")
	n, ok := new(big.Int).SetString(whole+(frac + "000000")[:6], 10)
	if !ok || whole == "" || len(frac) > 6 {
		t.Fatalf("amount %q is not a decimal", amount)
	}
	return n
}

// summaryKey is a summary row's group and totals in comparable form; the cost
// is in micros, written in decimal.
type summaryKey struct {
	template, group, contact, company, salesperson, campaign, period string
	count                                                            int64
	costMicros                                                       string
	seconds                                                          int64
}

// recomputeSummary groups the counted entries matching keep in Go.
func recomputeSummary(t *testing.T, entries []*apiv1.InteractionLogEntry, keep func(*apiv1.InteractionLogEntry) bool, dims []apiv1.SummaryDimension, loc *time.Location) []summaryKey {
	t.Helper()
	index := map[summaryKey]int{}
	var rows []summaryKey
	var costs []*big.Int
	for _, e := range entries {
		if e.GetCanceled() || e.GetPostponed() || !keep(e) {
			continue
		}
		var k summaryKey
		for _, d := range dims {
			switch d {
			case apiv1.SummaryDimension_SUMMARY_DIMENSION_TEMPLATE:
				k.template = e.GetInteractionTemplateCode()
			case apiv1.SummaryDimension_SUMMARY_DIMENSION_GROUP:
				k.group = e.GetInteractionGroupCode()
			case apiv1.SummaryDimension_SUMMARY_DIMENSION_CONTACT:
				k.contact = e.GetContactNo()
			case apiv1.SummaryDimension_SUMMARY_DIMENSION_CONTACT_COMPANY:
				k.company = e.GetContactCompanyNo()
			case apiv1.SummaryDimension_SUMMARY_DIMENSION_SALESPERSON:
				k.salesperson = e.GetSalespersonCode()
			case apiv1.SummaryDimension_SUMMARY_DIMENSION_CAMPAIGN:
				k.campaign = e.GetCampaignNo()
			case apiv1.SummaryDimension_SUMMARY_DIMENSION_DAY:
				k.period = e.GetInteractionTime().AsTime().In(loc).Format(time.DateOnly)
			case apiv1.SummaryDimension_SUMMARY_DIMENSION_MONTH:
				k.period = e.GetInteractionTime().AsTime().In(loc).Format("2006-01")
			}
		}
		i, ok := index[k]
		if !ok {
			i, index[k] = len(rows), len(rows)
			rows = append(rows, k)
			costs = append(costs, new(big.Int))
		}
		rows[i].count++
		costs[i].Add(costs[i], micros(t, e.GetCost()))
		rows[i].seconds += e.GetDuration().GetSeconds()
	}
	for i := range rows {
		rows[i].costMicros = costs[i].String()
	}
	return rows
}

func summaryKeys(t *testing.T, rows []*apiv1.InteractionSummaryRow) []summaryKey {
	out := make([]summaryKey, len(rows))
	for i, r := range rows {
		out[i] = summaryKey{
			r.GetInteractionTemplateCode(), r.GetInteractionGroupCode(), r.GetContactNo(), r.GetContactCompanyNo(),
			r.GetSalespersonCode(), r.GetCampaignNo(), r.GetPeriod(),
			r.GetTotals().GetInteractionCount(), micros(t, r.GetTotals().GetTotalCost()).String(), r.GetTotals().GetTotalDuration().GetSeconds(),
		}
	}
	return out
}

func TestSummaryEqualsRecomputationFromListedEntries(t *testing.T) {
	ts.ForEachEngine(t, func(t *testing.T, env *ts.Env) {
		ctx := context.Background()
		entries := statsWorld(t, env)
		type D = apiv1.SummaryDimension
		const (
			tmpl, group, contact, comp = apiv1.SummaryDimension_SUMMARY_DIMENSION_TEMPLATE, apiv1.SummaryDimension_SUMMARY_DIMENSION_GROUP, apiv1.SummaryDimension_SUMMARY_DIMENSION_CONTACT, apiv1.SummaryDimension_SUMMARY_DIMENSION_CONTACT_COMPANY
			sales, camp, day, month    = apiv1.SummaryDimension_SUMMARY_DIMENSION_SALESPERSON, apiv1.SummaryDimension_SUMMARY_DIMENSION_CAMPAIGN, apiv1.SummaryDimension_SUMMARY_DIMENSION_DAY, apiv1.SummaryDimension_SUMMARY_DIMENSION_MONTH
		)
		start := time.Date(2026, 3, 29, 0, 0, 0, 0, time.UTC)
		filters := []struct {
			filter *apiv1.InteractionLogFilter
			keep   func(*apiv1.InteractionLogEntry) bool
		}{
			{nil, func(*apiv1.InteractionLogEntry) bool { return true }},
			{&apiv1.InteractionLogFilter{ContactNo: "acme", IncludeCompanyPersons: true}, func(e *apiv1.InteractionLogEntry) bool {
				return e.GetContactNo() == "ACME" || e.GetContactCompanyNo() == "ACME"
			}},
			{&apiv1.InteractionLogFilter{InteractionTemplateCode: "VISIT", StartTime: timestamppb.New(start), AttemptFailed: proto.Bool(false)}, func(e *apiv1.InteractionLogEntry) bool {
				return e.GetInteractionTemplateCode() == "VISIT" && !e.GetInteractionTime().AsTime().Before(start) && !e.GetAttemptFailed()
			}},
		}
		for _, zone := range []string{"", "Europe/Berlin", "America/New_York", "Asia/Kathmandu"} {
			loc, _ := time.LoadLocation(cmp.Or(zone, "UTC"))
			for _, dims := range [][]D{{}, {tmpl}, {group, tmpl}, {contact}, {comp, sales}, {camp, day}, {month, tmpl}, {day, contact, camp}, {tmpl, group, contact, comp, sales, camp, month}} {
				for fi, f := range filters {
					resp, err := env.Log.SummarizeInteractions(ctx, &apiv1.SummarizeInteractionsRequest{Filter: f.filter, GroupBy: dims, TimeZone: zone})
					ts.NoErr(t, err)
					got := summaryKeys(t, resp.GetRows())
					want := recomputeSummary(t, entries, f.keep, dims, loc)
					if len(dims) == 0 && len(want) == 0 {
						want = []summaryKey{{costMicros: "0"}}
					}
					if !sameSummary(got, want) {
						t.Fatalf("zone %q, group by %v, filter %d:\n got %v\nwant %v", zone, dims, fi, got, want)
					}
					if !sorted(got, dims) {
						t.Fatalf("zone %q, group by %v: rows not sorted by the dimensions in request order: %v", zone, dims, got)
					}
				}
			}
		}
	})
}

// sameSummary compares rows as sets (order is checked by sorted).
func sameSummary(got, want []summaryKey) bool {
	if len(got) != len(want) {
		return false
	}
	seen := map[summaryKey]int{}
	for _, k := range got {
		seen[k]++
	}
	for _, k := range want {
		if seen[k]--; seen[k] < 0 {
			return false
		}
	}
	return true
}

func sorted(rows []summaryKey, dims []apiv1.SummaryDimension) bool {
	key := func(k summaryKey) []string {
		var out []string
		for _, d := range dims {
			out = append(out, map[apiv1.SummaryDimension]string{
				apiv1.SummaryDimension_SUMMARY_DIMENSION_TEMPLATE: k.template, apiv1.SummaryDimension_SUMMARY_DIMENSION_GROUP: k.group,
				apiv1.SummaryDimension_SUMMARY_DIMENSION_CONTACT: k.contact, apiv1.SummaryDimension_SUMMARY_DIMENSION_CONTACT_COMPANY: k.company,
				apiv1.SummaryDimension_SUMMARY_DIMENSION_SALESPERSON: k.salesperson, apiv1.SummaryDimension_SUMMARY_DIMENSION_CAMPAIGN: k.campaign,
				apiv1.SummaryDimension_SUMMARY_DIMENSION_DAY: k.period, apiv1.SummaryDimension_SUMMARY_DIMENSION_MONTH: k.period,
			}[d])
		}
		return out
	}
	return slices.IsSortedFunc(rows, func(a, b summaryKey) int { return slices.Compare(key(a), key(b)) })
}

func TestStatisticsEqualRecomputationFromListedEntries(t *testing.T) {
	ts.ForEachEngine(t, func(t *testing.T, env *ts.Env) {
		ctx := context.Background()
		entries := statsWorld(t, env)
		all := func(*apiv1.InteractionLogEntry) bool { return true }
		wantTotals := func(keep func(*apiv1.InteractionLogEntry) bool) summaryKey {
			rows := recomputeSummary(t, entries, keep, nil, time.UTC)
			if len(rows) == 0 {
				return summaryKey{costMicros: "0"}
			}
			return rows[0]
		}
		gotTotals := func(tot *apiv1.InteractionTotals) summaryKey {
			return summaryKey{count: tot.GetInteractionCount(), costMicros: micros(t, tot.GetTotalCost()).String(), seconds: tot.GetTotalDuration().GetSeconds()}
		}
		for _, c := range []struct {
			contact string
			keep    func(*apiv1.InteractionLogEntry) bool
		}{
			{"ACME", func(e *apiv1.InteractionLogEntry) bool { return e.GetContactCompanyNo() == "ACME" }},
			{"ANN", func(e *apiv1.InteractionLogEntry) bool { return e.GetContactNo() == "ANN" }},
			{"BOB", func(e *apiv1.InteractionLogEntry) bool { return e.GetContactNo() == "BOB" }},
			{"GLOBEX", func(e *apiv1.InteractionLogEntry) bool { return e.GetContactCompanyNo() == "GLOBEX" }},
		} {
			st, err := env.Contacts.GetContactStatistics(ctx, &apiv1.GetContactStatisticsRequest{Name: "contacts/" + c.contact})
			ts.NoErr(t, err)
			got := gotTotals(&apiv1.InteractionTotals{InteractionCount: st.GetInteractionCount(), TotalCost: st.GetTotalCost(), TotalDuration: st.GetTotalDuration()})
			if want := wantTotals(c.keep); got != want {
				t.Fatalf("contact %s: totals %v, want %v", c.contact, got, want)
			}
			var lastInteraction, lastAttempt time.Time
			for _, e := range entries {
				if e.GetCanceled() || !c.keep(e) {
					continue
				}
				at := e.GetInteractionTime().AsTime()
				if !e.GetAttemptFailed() && at.After(lastInteraction) {
					lastInteraction = at
				}
				if e.GetInitiatedBy() == apiv1.InitiatedBy_INITIATED_BY_US && at.After(lastAttempt) {
					lastAttempt = at
				}
			}
			if !st.GetLastInteractionTime().AsTime().Equal(lastInteraction) || !st.GetLastAttemptTime().AsTime().Equal(lastAttempt) {
				t.Fatalf("contact %s: last interaction %v, last attempt %v; want %v, %v", c.contact,
					st.GetLastInteractionTime().AsTime(), st.GetLastAttemptTime().AsTime(), lastInteraction, lastAttempt)
			}
		}
		from, to := time.Date(2026, 3, 28, 0, 0, 0, 0, time.UTC), time.Date(2026, 3, 30, 0, 0, 0, 0, time.UTC)
		inRange := func(e *apiv1.InteractionLogEntry) bool {
			at := e.GetInteractionTime().AsTime()
			return !at.Before(from) && at.Before(to)
		}
		g, err := env.Groups.GetInteractionGroupStatistics(ctx, &apiv1.GetInteractionGroupStatisticsRequest{Name: "interactionGroups/CALLS"})
		ts.NoErr(t, err)
		if got, want := gotTotals(g.GetTotals()), wantTotals(func(e *apiv1.InteractionLogEntry) bool { return e.GetInteractionGroupCode() == "CALLS" && all(e) }); got != want {
			t.Fatalf("group CALLS: %v, want %v", got, want)
		}
		tm, err := env.Templates.GetInteractionTemplateStatistics(ctx, &apiv1.GetInteractionTemplateStatisticsRequest{
			Name: "interactionTemplates/VISIT", StartTime: timestamppb.New(from), EndTime: timestamppb.New(to),
		})
		ts.NoErr(t, err)
		if got, want := gotTotals(tm.GetTotals()), wantTotals(func(e *apiv1.InteractionLogEntry) bool {
			return e.GetInteractionTemplateCode() == "VISIT" && inRange(e)
		}); got != want {
			t.Fatalf("template VISIT in range: %v, want %v", got, want)
		}
	})
}

func TestSummarizeRefusals(t *testing.T) {
	ts.ForEachEngine(t, func(t *testing.T, env *ts.Env) {
		ctx := context.Background()
		now := timestamppb.Now()
		for _, c := range []struct {
			req   *apiv1.SummarizeInteractionsRequest
			field string
		}{
			{&apiv1.SummarizeInteractionsRequest{GroupBy: []apiv1.SummaryDimension{apiv1.SummaryDimension_SUMMARY_DIMENSION_DAY, apiv1.SummaryDimension_SUMMARY_DIMENSION_MONTH}}, "group_by"},
			{&apiv1.SummarizeInteractionsRequest{GroupBy: []apiv1.SummaryDimension{apiv1.SummaryDimension_SUMMARY_DIMENSION_UNSPECIFIED}}, "group_by[0]"},
			{&apiv1.SummarizeInteractionsRequest{GroupBy: []apiv1.SummaryDimension{99}}, "group_by[0]"},
			{&apiv1.SummarizeInteractionsRequest{TimeZone: "Mars/Olympus"}, "time_zone"},
			{&apiv1.SummarizeInteractionsRequest{Filter: &apiv1.InteractionLogFilter{Canceled: proto.Bool(true)}}, "filter.canceled"},
			{&apiv1.SummarizeInteractionsRequest{Filter: &apiv1.InteractionLogFilter{ContactNo: "a;b"}}, "filter.contact_no"},
			{&apiv1.SummarizeInteractionsRequest{Filter: &apiv1.InteractionLogFilter{LoggedSegment: "segments/1"}}, "filter.logged_segment"},
			{&apiv1.SummarizeInteractionsRequest{Filter: &apiv1.InteractionLogFilter{StartTime: now, EndTime: now}}, "filter.end_time"},
		} {
			_, err := env.Log.SummarizeInteractions(ctx, c.req)
			ts.WantInvalid(t, err, c.field)
		}
	})
}

// TestStatisticsSumCostsBeyondInt64 logs 30 entries at the largest cost and
// duration an entry may have (10^12, 10 years): every total below is more
// than int64 micros (about 9.2 * 10^12) and, where 30 entries add up, more
// seconds than time.Duration holds. Each answers the exact decimal string.
func TestStatisticsSumCostsBeyondInt64(t *testing.T) {
	ts.ForEachEngine(t, func(t *testing.T, env *ts.Env) {
		ctx := context.Background()
		logFixture(t, env)
		createContact(t, env, &apiv1.Contact{No: "ANDY", Type: person, CompanyNo: "ACME"})
		const maxCost, tenYears = "1000000000000", 315_360_000
		day1, day2 := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC), time.Date(2026, 3, 3, 10, 0, 0, 0, time.UTC)
		logMax := func(contact string, at time.Time, cost string) *apiv1.InteractionLogEntry {
			return logCall(t, env, contact, &apiv1.InteractionOverrides{
				Cost: proto.String(cost), Duration: durationpb.New(tenYears * time.Second),
				InteractionTime: timestamppb.New(at), SalespersonCode: proto.String("SP9"),
			})
		}
		// ANN: 8 on day 1 (one a millionth short of the maximum), 7 on day 2;
		// ANDY: 7 on day 1, 8 on day 2.
		for i := range 30 {
			contact, day, cost := "ANN", day1, maxCost
			if i >= 15 {
				contact = "ANDY"
			}
			if i%15 >= 8-i/15 {
				day = day2
			}
			if i == 0 {
				cost = "999999999999.999999"
			}
			logMax(contact, day.Add(time.Duration(i)*time.Minute), cost)
		}
		cancelEntries(t, env, logMax("ANN", day1, maxCost))
		_, err := env.Log.LogInteraction(ctx, &apiv1.LogInteractionRequest{ContactNo: "ANN", InteractionTemplateCode: "CALL", Postpone: true,
			Overrides: &apiv1.InteractionOverrides{Cost: proto.String(maxCost), InteractionTime: timestamppb.New(day1)}})
		ts.NoErr(t, err)

		type totals struct {
			count   int64
			cost    string
			seconds int64
		}
		all := totals{30, "29999999999999.999999", 30 * tenYears}
		withShort := totals{15, "14999999999999.999999", 15 * tenYears}
		full := totals{15, "15000000000000", 15 * tenYears}
		check := func(what string, got *apiv1.InteractionTotals, want totals) {
			t.Helper()
			d := got.GetTotalDuration()
			if g := (totals{got.GetInteractionCount(), got.GetTotalCost(), d.GetSeconds()}); g != want || d.GetNanos() != 0 {
				t.Fatalf("%s: %v, want %+v", what, got, want)
			}
		}

		for contact, want := range map[string]totals{"ACME": all, "ANN": withShort, "ANDY": full} {
			st, err := env.Contacts.GetContactStatistics(ctx, &apiv1.GetContactStatisticsRequest{Name: "contacts/" + contact})
			ts.NoErr(t, err)
			check("contact "+contact, &apiv1.InteractionTotals{InteractionCount: st.GetInteractionCount(), TotalCost: st.GetTotalCost(), TotalDuration: st.GetTotalDuration()}, want)
		}
		g, err := env.Groups.GetInteractionGroupStatistics(ctx, &apiv1.GetInteractionGroupStatisticsRequest{Name: "interactionGroups/CALLS"})
		ts.NoErr(t, err)
		check("group", g.GetTotals(), all)
		tm, err := env.Templates.GetInteractionTemplateStatistics(ctx, &apiv1.GetInteractionTemplateStatisticsRequest{Name: "interactionTemplates/CALL"})
		ts.NoErr(t, err)
		check("template", tm.GetTotals(), all)
		tm, err = env.Templates.GetInteractionTemplateStatistics(ctx, &apiv1.GetInteractionTemplateStatisticsRequest{
			Name: "interactionTemplates/CALL", StartTime: timestamppb.New(day2), EndTime: timestamppb.New(day2.Add(24 * time.Hour)),
		})
		ts.NoErr(t, err)
		check("template on day 2", tm.GetTotals(), full)

		type D = apiv1.SummaryDimension
		for _, c := range []struct {
			groupBy []D
			want    map[string]totals // by the row's dimension values, joined with "/"
		}{
			{nil, map[string]totals{"": all}},
			{[]D{apiv1.SummaryDimension_SUMMARY_DIMENSION_TEMPLATE}, map[string]totals{"CALL": all}},
			{[]D{apiv1.SummaryDimension_SUMMARY_DIMENSION_GROUP}, map[string]totals{"CALLS": all}},
			{[]D{apiv1.SummaryDimension_SUMMARY_DIMENSION_CONTACT}, map[string]totals{"ANN": withShort, "ANDY": full}},
			{[]D{apiv1.SummaryDimension_SUMMARY_DIMENSION_CONTACT_COMPANY}, map[string]totals{"ACME": all}},
			{[]D{apiv1.SummaryDimension_SUMMARY_DIMENSION_SALESPERSON}, map[string]totals{"SP9": all}},
			{[]D{apiv1.SummaryDimension_SUMMARY_DIMENSION_CAMPAIGN}, map[string]totals{"CAMP": all}},
			{[]D{apiv1.SummaryDimension_SUMMARY_DIMENSION_DAY}, map[string]totals{"2026-03-02": withShort, "2026-03-03": full}},
			{[]D{apiv1.SummaryDimension_SUMMARY_DIMENSION_MONTH}, map[string]totals{"2026-03": all}},
			{[]D{apiv1.SummaryDimension_SUMMARY_DIMENSION_TEMPLATE, apiv1.SummaryDimension_SUMMARY_DIMENSION_GROUP,
				apiv1.SummaryDimension_SUMMARY_DIMENSION_CONTACT_COMPANY, apiv1.SummaryDimension_SUMMARY_DIMENSION_SALESPERSON,
				apiv1.SummaryDimension_SUMMARY_DIMENSION_CAMPAIGN, apiv1.SummaryDimension_SUMMARY_DIMENSION_MONTH},
				map[string]totals{"CALL/CALLS/ACME/SP9/CAMP/2026-03": all}},
		} {
			resp, err := env.Log.SummarizeInteractions(ctx, &apiv1.SummarizeInteractionsRequest{GroupBy: c.groupBy})
			ts.NoErr(t, err)
			if len(resp.GetRows()) != len(c.want) {
				t.Fatalf("group by %v: %d rows, want %d: %v", c.groupBy, len(resp.GetRows()), len(c.want), resp.GetRows())
			}
			for _, r := range resp.GetRows() {
				label := strings.Join(slices.DeleteFunc([]string{r.GetInteractionTemplateCode(), r.GetInteractionGroupCode(), r.GetContactNo(),
					r.GetContactCompanyNo(), r.GetSalespersonCode(), r.GetCampaignNo(), r.GetPeriod()}, func(s string) bool { return s == "" }), "/")
				check(fmt.Sprintf("group by %v, row %q", c.groupBy, label), r.GetTotals(), c.want[label])
			}
		}
	})
}

// TestStatisticsDurationBeyondDurationRange logs 1001 entries of the longest
// duration an entry may have (10 years): their total is more than the 10 000
// years google.protobuf.Duration documents, and every statistics method still
// answers it exactly in seconds (README: Totals), as clients reading seconds
// expect.
func TestStatisticsDurationBeyondDurationRange(t *testing.T) {
	ts.ForEachEngine(t, func(t *testing.T, env *ts.Env) {
		ctx := context.Background()
		logFixture(t, env)
		const tenYears, entries = 315_360_000, 1001
		_, err := env.Segments.CreateSegment(ctx, &apiv1.CreateSegmentRequest{Segment: &apiv1.Segment{
			No: "LONG", Description: "Long calls", InteractionTemplateCode: "CALL",
			UnitDuration: durationpb.New(tenYears * time.Second),
		}})
		ts.NoErr(t, err)
		ts.AddSegmentLines(t, env.Segments, "LONG", slices.Repeat([]string{"ANN"}, entries))
		_, err = logSegment(env, "LONG")
		ts.NoErr(t, err)

		contact, err := env.Contacts.GetContactStatistics(ctx, &apiv1.GetContactStatisticsRequest{Name: "contacts/ANN"})
		ts.NoErr(t, err)
		group, err := env.Groups.GetInteractionGroupStatistics(ctx, &apiv1.GetInteractionGroupStatisticsRequest{Name: "interactionGroups/CALLS"})
		ts.NoErr(t, err)
		template, err := env.Templates.GetInteractionTemplateStatistics(ctx, &apiv1.GetInteractionTemplateStatisticsRequest{Name: "interactionTemplates/CALL"})
		ts.NoErr(t, err)
		summary, err := env.Log.SummarizeInteractions(ctx, &apiv1.SummarizeInteractionsRequest{
			GroupBy: []apiv1.SummaryDimension{apiv1.SummaryDimension_SUMMARY_DIMENSION_CONTACT}})
		ts.NoErr(t, err)
		if len(summary.GetRows()) != 1 {
			t.Fatalf("summary by contact: %d rows, want 1", len(summary.GetRows()))
		}
		for what, d := range map[string]*durationpb.Duration{
			"contact": contact.GetTotalDuration(), "group": group.GetTotals().GetTotalDuration(),
			"template": template.GetTotals().GetTotalDuration(), "summary": summary.GetRows()[0].GetTotals().GetTotalDuration(),
		} {
			if d.GetSeconds() != entries*tenYears || d.GetNanos() != 0 {
				t.Fatalf("%s: total duration %v, want %d s", what, d, entries*tenYears)
			}
			if d.CheckValid() == nil {
				t.Fatalf("%s: %d s is within google.protobuf.Duration's range; the test needs more", what, d.GetSeconds())
			}
		}
	})
}
