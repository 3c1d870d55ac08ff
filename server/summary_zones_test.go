package server_test

import (
	"context"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/types/known/timestamppb"

	apiv1 "github.com/interlog/interlog/gen/interlog/v1"
	ts "github.com/interlog/interlog/internal/testserver"
)

// TestSummaryByPeriodPastTheZoneDatabase groups entries dated 2041 and 9999
// (past the transitions Go's time zone database lists, where ZoneBounds
// stopped moving forward and the summary never returned) by day and month
// in zones with and without daylight saving, and checks every row against
// Go's own calendar. Each call has a deadline, so a loop that does not end
// fails the test instead of hanging it.
func TestSummaryByPeriodPastTheZoneDatabase(t *testing.T) {
	ts.ForEachEngine(t, func(t *testing.T, env *ts.Env) {
		logFixture(t, env)
		times := []time.Time{
			time.Date(2026, 6, 15, 10, 0, 0, 0, time.UTC),
			time.Date(2041, 3, 31, 0, 30, 0, 0, time.UTC),   // Copenhagen moves to summer time at 01:00 UTC that day
			time.Date(2041, 10, 26, 23, 30, 0, 0, time.UTC), // the 27th in Copenhagen (UTC+2), the 26th in New York
			time.Date(2041, 12, 31, 23, 30, 0, 0, time.UTC), // 2042 east of UTC, 2041 in New York
			time.Date(9999, 3, 28, 12, 0, 0, 0, time.UTC),   // Copenhagen's spring change of 9999 is at 01:00 UTC that day
			time.Date(9999, 10, 31, 0, 30, 0, 0, time.UTC),  // summer time in Copenhagen until 01:00 UTC
			time.Date(9999, 12, 30, 14, 0, 0, 0, time.UTC),  // the 31st in Lord Howe and Tokyo
		}
		var entries []*apiv1.InteractionLogEntry
		for _, at := range times {
			entries = append(entries, logCall(t, env, "ANN", &apiv1.InteractionOverrides{InteractionTime: timestamppb.New(at)}))
		}
		day, month := apiv1.SummaryDimension_SUMMARY_DIMENSION_DAY, apiv1.SummaryDimension_SUMMARY_DIMENSION_MONTH
		in2041 := &apiv1.InteractionLogFilter{
			StartTime: timestamppb.New(time.Date(2041, 1, 1, 0, 0, 0, 0, time.UTC)),
			EndTime:   timestamppb.New(time.Date(2042, 1, 1, 0, 0, 0, 0, time.UTC)),
		}
		filters := []struct {
			filter *apiv1.InteractionLogFilter
			keep   func(*apiv1.InteractionLogEntry) bool
		}{
			{nil, func(*apiv1.InteractionLogEntry) bool { return true }},
			{in2041, func(e *apiv1.InteractionLogEntry) bool { return e.GetInteractionTime().AsTime().Year() == 2041 }},
		}
		summarize := func(f *apiv1.InteractionLogFilter, dim apiv1.SummaryDimension, zone string) []summaryKey {
			t.Helper()
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			resp, err := env.Log.SummarizeInteractions(ctx, &apiv1.SummarizeInteractionsRequest{Filter: f, GroupBy: []apiv1.SummaryDimension{dim}, TimeZone: zone})
			ts.NoErr(t, err)
			return summaryKeys(t, resp.GetRows())
		}
		for _, zone := range []string{"Europe/Copenhagen", "America/New_York", "Australia/Lord_Howe", "Asia/Tokyo", "UTC"} {
			loc, err := time.LoadLocation(zone)
			ts.NoErr(t, err)
			for _, dim := range []apiv1.SummaryDimension{day, month} {
				for fi, f := range filters {
					got := summarize(f.filter, dim, zone)
					if want := recomputeSummary(t, entries, f.keep, []apiv1.SummaryDimension{dim}, loc); !sameSummary(got, want) {
						t.Fatalf("%s by %v, filter %d:\n got %v\nwant %v", zone, dim, fi, got, want)
					}
				}
			}
		}
		// The same, worked out by hand for two entries.
		periods := func(zone string) map[string]bool {
			out := map[string]bool{}
			for _, k := range summarize(nil, day, zone) {
				out[k.period] = true
			}
			return out
		}
		if cph := periods("Europe/Copenhagen"); !cph["2041-10-27"] || !cph["2042-01-01"] || cph["2041-10-26"] {
			t.Errorf("Copenhagen days %v: want 2041-10-27 and 2042-01-01, no 2041-10-26", cph)
		}
		if ny := periods("America/New_York"); !ny["2041-10-26"] || !ny["2041-12-31"] || ny["2042-01-01"] {
			t.Errorf("New York days %v: want 2041-10-26 and 2041-12-31, no 2042-01-01", ny)
		}
	})
}

// TestSummaryByPeriodIsBounded: entries in every year from 2026 on hold more
// changes of a daylight saving zone's offset than a summary follows; the
// call ends with RESOURCE_EXHAUSTED instead of running on, while a zone
// without daylight saving still answers.
func TestSummaryByPeriodIsBounded(t *testing.T) {
	ts.ForEachEngine(t, func(t *testing.T, env *ts.Env) {
		logFixture(t, env)
		createSegment(t, env, "YEARS", "CALL")
		var lines []*apiv1.SegmentLine
		for year := 2026; year < 2026+1100; year++ {
			lines = append(lines, &apiv1.SegmentLine{ContactNo: "ANN", Overrides: &apiv1.InteractionOverrides{
				InteractionTime: timestamppb.New(time.Date(year, 7, 1, 0, 0, 0, 0, time.UTC)),
			}})
		}
		_, err := env.Segments.BatchCreateSegmentLines(context.Background(), &apiv1.BatchCreateSegmentLinesRequest{Parent: "segments/YEARS", SegmentLines: lines})
		ts.NoErr(t, err)
		_, err = logSegment(env, "YEARS")
		ts.NoErr(t, err)
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		byMonth := []apiv1.SummaryDimension{apiv1.SummaryDimension_SUMMARY_DIMENSION_MONTH}
		_, err = env.Log.SummarizeInteractions(ctx, &apiv1.SummarizeInteractionsRequest{GroupBy: byMonth, TimeZone: "Europe/Copenhagen"})
		ts.WantCode(t, err, codes.ResourceExhausted, "LIMIT_EXCEEDED")
		resp, err := env.Log.SummarizeInteractions(ctx, &apiv1.SummarizeInteractionsRequest{GroupBy: byMonth, TimeZone: "Asia/Tokyo"})
		ts.NoErr(t, err)
		if len(resp.GetRows()) != 1100 {
			t.Fatalf("%d rows by month in Tokyo, want 1100", len(resp.GetRows()))
		}
	})
}
