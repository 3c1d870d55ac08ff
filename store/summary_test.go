package store

import (
	"context"
	"errors"
	"testing"
	"time"
)

// offsetAt is the offset the spans give an instant, as the CASE expression
// of localDayExpr does.
func offsetAt(spans []offsetSpan, us int64) int64 {
	for _, sp := range spans[:len(spans)-1] {
		if us < sp.until {
			return sp.offset
		}
	}
	return spans[len(spans)-1].offset
}

// TestOffsetSpansPastTheZoneDatabase checks the spans against Go's own
// offsets every six hours and around every change, across the years where
// Go's ZoneBounds stops moving forward (the end of 2040) and at the end of
// the representable range.
func TestOffsetSpansPastTheZoneDatabase(t *testing.T) {
	ctx := context.Background()
	ranges := [][2]time.Time{
		{time.Date(2035, 6, 1, 0, 0, 0, 0, time.UTC), time.Date(2046, 2, 1, 0, 0, 0, 0, time.UTC)},
		{time.Date(9995, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC)},
	}
	for _, zone := range []string{"Europe/Copenhagen", "America/New_York", "Australia/Lord_Howe", "Asia/Tokyo", "UTC"} {
		loc, err := time.LoadLocation(zone)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range ranges {
			spans, err := offsetSpans(ctx, loc, nil, Micros(r[0]), Micros(r[1]))
			if err != nil {
				t.Fatalf("%s %v: %v", zone, r, err)
			}
			check := func(at time.Time) {
				_, want := at.In(loc).Zone()
				if got := offsetAt(spans, Micros(at)); got != int64(want)*1e6 {
					t.Fatalf("%s at %v: span offset %ds, Go says %ds", zone, at, got/1e6, want)
				}
			}
			for at := r[0]; at.Before(r[1]); at = at.Add(6 * time.Hour) {
				check(at)
			}
			for _, sp := range spans[:len(spans)-1] {
				check(Time(sp.until).Add(-time.Second))
				check(Time(sp.until))
			}
			years := r[1].Year() - r[0].Year()
			if dst := zone != "Asia/Tokyo" && zone != "UTC"; dst && len(spans) < 2*years || !dst && len(spans) != 1 {
				t.Fatalf("%s over %d years: %d spans", zone, years, len(spans))
			}
		}
	}
}

func TestOffsetSpansAreBounded(t *testing.T) {
	loc, err := time.LoadLocation("Europe/Copenhagen")
	if err != nil {
		t.Fatal(err)
	}
	from, to := Micros(time.Date(2041, 1, 1, 0, 0, 0, 0, time.UTC)), Micros(time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC))
	if _, err := offsetSpans(context.Background(), loc, nil, from, to); !errors.Is(err, errTooManySpans) {
		t.Fatalf("2041 to 9999 in Copenhagen: %v, want errTooManySpans", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := offsetSpans(ctx, loc, nil, from, to); !errors.Is(err, context.Canceled) {
		t.Fatalf("with a canceled context: %v, want context.Canceled", err)
	}
}
