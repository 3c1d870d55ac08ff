package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
)

// Dimension is a way SummarizeInteractions groups entries. The numbers are
// the API's SummaryDimension numbers.
type Dimension int16

// The dimensions.
const (
	DimTemplate       Dimension = 1
	DimGroup          Dimension = 2
	DimContact        Dimension = 3
	DimContactCompany Dimension = 4
	DimSalesperson    Dimension = 5
	DimCampaign       Dimension = 6
	DimDay            Dimension = 7
	DimMonth          Dimension = 8
)

// dimensionColumns maps the column dimensions to their columns.
var dimensionColumns = map[Dimension]string{
	DimTemplate: "template_code", DimGroup: "group_code", DimContact: "contact_no",
	DimContactCompany: "contact_company_no", DimSalesperson: "salesperson_code", DimCampaign: "campaign_no",
}

// SummaryRow is one group of a summary: only the dimensions asked for are set.
type SummaryRow struct {
	TemplateCode     string
	GroupCode        string
	ContactNo        string
	ContactCompanyNo string
	SalespersonCode  string
	CampaignNo       string
	Period           string // "2026-11-27" (DimDay) or "2026-11" (DimMonth), in the summary's time zone
	Totals
}

// key returns the row's value of a dimension.
func (r SummaryRow) key(d Dimension) string {
	switch d {
	case DimTemplate:
		return r.TemplateCode
	case DimGroup:
		return r.GroupCode
	case DimContact:
		return r.ContactNo
	case DimContactCompany:
		return r.ContactCompanyNo
	case DimSalesperson:
		return r.SalespersonCode
	case DimCampaign:
		return r.CampaignNo
	}
	return r.Period
}

// Summarize counts and sums the counted entries matching f, grouped by dims
// (at most one of DimDay and DimMonth, whose calendar is that of loc), sorted
// by the dimensions in the given order. Without dims it returns one row.
func (s *Store) Summarize(ctx context.Context, f EntryFilter, dims []Dimension, loc *time.Location) ([]SummaryRow, error) {
	filtered := func() *gorm.DB { return counted(f.apply(s.read(ctx).Model(&InteractionLogEntry{}))) }
	if len(dims) == 0 {
		t, err := s.totalsOf(f.apply(s.read(ctx)))
		return []SummaryRow{{Totals: t}}, err
	}
	var groupBy []string
	for _, d := range dims {
		if col, ok := dimensionColumns[d]; ok {
			groupBy = append(groupBy, col)
		}
	}
	selects := append(slices.Clone(groupBy), s.totalsColumns())
	period := periodDimension(dims)
	if period != 0 {
		day, ok, err := s.localDayExpr(ctx, filtered, loc)
		if err != nil || !ok {
			return nil, err
		}
		selects = append(selects, day+" AS local_day")
		groupBy = append(groupBy, "local_day")
	}
	var scanned []struct {
		SummaryRow
		LocalDay int64
	}
	if err := filtered().Select(strings.Join(selects, ", ")).Group(strings.Join(groupBy, ", ")).Scan(&scanned).Error; err != nil {
		return nil, classify(err)
	}
	rows := make([]SummaryRow, len(scanned))
	for i, r := range scanned {
		rows[i] = r.SummaryRow
		if period != 0 {
			rows[i].Period = periodOf(r.LocalDay-dayNumberBias, period)
		}
	}
	if period == DimMonth {
		rows = mergeSameGroups(rows, dims)
	}
	sortRows(rows, dims)
	return rows, nil
}

// periodDimension returns DimDay or DimMonth when dims has one, else 0.
func periodDimension(dims []Dimension) Dimension {
	for _, d := range dims {
		if d == DimDay || d == DimMonth {
			return d
		}
	}
	return 0
}

const (
	microsPerDay = int64(24 * time.Hour / time.Microsecond)
	// dayNumberBias shifts every representable interaction time (year 1 and
	// later) to a positive number, so that SQL's truncating integer
	// division is a floor division. A multiple of a day.
	dayNumberBias = 800_000
)

// maxOffsetSpans bounds the CASE expression of localDayExpr.
const maxOffsetSpans = 2000

// localDayExpr returns an SQL expression giving, for each entry, the number
// of its calendar day in loc plus dayNumberBias. The UTC offset changes over
// time (daylight saving, zone history), so the expression adds the offset in
// force at each instant: Go's time zone database supplies the transitions
// between the first and the last matching entry, or, when those are more
// than maxOffsetSpans, within the years that hold matching entries only
// (entries in 2026 and 9999 need the offsets of two years, not of 8000). ok
// is false when no entry matches.
func (s *Store) localDayExpr(ctx context.Context, filtered func() *gorm.DB, loc *time.Location) (expr string, ok bool, err error) {
	var bounds struct{ Lo, Hi *int64 }
	if err := filtered().Select("MIN(interaction_time) AS lo, MAX(interaction_time) AS hi").Scan(&bounds).Error; err != nil {
		return "", false, classify(err)
	}
	if bounds.Lo == nil {
		return "", false, nil
	}
	spans, err := offsetSpans(ctx, loc, nil, *bounds.Lo, *bounds.Hi)
	if errors.Is(err, errTooManySpans) {
		spans, err = s.offsetSpansOfOccupiedYears(ctx, filtered, loc)
	}
	if errors.Is(err, errTooManySpans) {
		return "", false, newError(ErrLimit, ReasonLimitExceeded,
			"the entries span more than %d UTC offset changes of time zone %s: narrow the time range", maxOffsetSpans, loc)
	}
	if err != nil {
		return "", false, err
	}
	offset := fmt.Sprint(spans[len(spans)-1].offset)
	if len(spans) > 1 {
		var b strings.Builder
		b.WriteString("CASE")
		for _, sp := range spans[:len(spans)-1] {
			fmt.Fprintf(&b, " WHEN interaction_time < %d THEN %d", sp.until, sp.offset)
		}
		fmt.Fprintf(&b, " ELSE %s END", offset)
		offset = b.String()
	}
	return fmt.Sprintf("((interaction_time + %s + %d) %s %d)", offset, dayNumberBias*microsPerDay, s.integerDivision(), microsPerDay), true, nil
}

// integerDivision is the dialect's operator of integer division.
func (s *Store) integerDivision() string {
	if s.dialect == MySQL {
		return "DIV"
	}
	return "/"
}

// yearMicros is the length of the stretches of time whose offsets
// offsetSpansOfOccupiedYears looks up: 366 days.
const yearMicros = 366 * microsPerDay

// offsetSpansOfOccupiedYears lists the UTC offsets of loc within each
// stretch of yearMicros (counted from dayNumberBias days before 1970) that
// holds a matching entry. Between two such stretches no entry matches, so
// the span that ends at the first entry of the later one may start anywhere.
func (s *Store) offsetSpansOfOccupiedYears(ctx context.Context, filtered func() *gorm.DB, loc *time.Location) ([]offsetSpan, error) {
	var years []int64
	bucket := fmt.Sprintf("((interaction_time + %d) %s %d)", dayNumberBias*microsPerDay, s.integerDivision(), yearMicros)
	if err := filtered().Distinct(bucket+" AS year").Order("year").Pluck("year", &years).Error; err != nil {
		return nil, classify(err)
	}
	var spans []offsetSpan
	for _, y := range years {
		start := y*yearMicros - dayNumberBias*microsPerDay
		var err error
		if spans, err = offsetSpans(ctx, loc, spans, start, start+yearMicros-1); err != nil {
			return nil, err
		}
	}
	return spans, nil
}

// offsetSpan is a stretch of time with one UTC offset (micros), ending
// before until (the last span is open-ended).
type offsetSpan struct{ until, offset int64 }

// errTooManySpans: offsetSpans found more than maxOffsetSpans spans.
var errTooManySpans = errors.New("too many UTC offset spans")

// offsetSpans appends to spans the UTC offsets of loc in force from one
// instant to another (Unix micros), merging neighbours with the same offset.
// It stops with errTooManySpans past maxOffsetSpans spans, and with the
// context's error when ctx ends.
func offsetSpans(ctx context.Context, loc *time.Location, spans []offsetSpan, from, to int64) ([]offsetSpan, error) {
	if n := len(spans); n > 0 {
		spans[n-1].until = from // it was open-ended
	}
	t := Time(from).In(loc)
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		_, offset := t.Zone()
		end, ok := zoneEnd(t)
		span := offsetSpan{offset: int64(offset) * int64(time.Second/time.Microsecond)}
		if n := len(spans); n > 0 && spans[n-1].offset == span.offset {
			spans = spans[:n-1]
		}
		if !ok || Micros(end) > to {
			return append(spans, span), nil
		}
		span.until = Micros(end)
		if spans = append(spans, span); len(spans) > maxOffsetSpans {
			return nil, errTooManySpans
		}
		t = end.In(loc)
	}
}

// zoneEnd returns the instant after t at which t's zone (offset and name)
// ends; ok is false when it never does. Go's ZoneBounds answers it, except
// that past the last transition its time zone database lists (about 2037),
// where the zone's rule takes over, it may answer an end that is not after
// t (at the end of 2040, a leap year): then zoneEnd looks one day on and,
// when the offset changed within that day, finds the instant by bisection.
func zoneEnd(t time.Time) (end time.Time, ok bool) {
	if _, end = t.ZoneBounds(); end.IsZero() || end.After(t) {
		return end, !end.IsZero()
	}
	_, offset := t.Zone()
	before, after := t, t.Add(24*time.Hour)
	if _, o := after.Zone(); o == offset {
		return after, true
	}
	for after.Sub(before) > time.Second {
		mid := before.Add(after.Sub(before) / 2)
		if _, o := mid.Zone(); o == offset {
			before = mid
		} else {
			after = mid
		}
	}
	return after, true
}

// periodOf names a local day number (days since 1970-01-01) as a day or month.
func periodOf(day int64, period Dimension) string {
	date := time.Unix(day*int64(24*time.Hour/time.Second), 0).UTC()
	if period == DimMonth {
		return date.Format("2006-01")
	}
	return date.Format("2006-01-02")
}

// mergeSameGroups adds up rows whose dimension values are equal (the days of
// one month).
func mergeSameGroups(rows []SummaryRow, dims []Dimension) []SummaryRow {
	index := map[string]int{}
	var out []SummaryRow
	for _, r := range rows {
		k := groupKey(r, dims)
		if i, ok := index[k]; ok {
			out[i].Totals = out[i].Totals.Add(r.Totals)
			continue
		}
		index[k] = len(out)
		out = append(out, r)
	}
	return out
}

func groupKey(r SummaryRow, dims []Dimension) string {
	parts := make([]string, len(dims))
	for i, d := range dims {
		parts[i] = r.key(d)
	}
	return strings.Join(parts, "\x00")
}

// sortRows orders rows by the dimensions in request order, byte-wise.
func sortRows(rows []SummaryRow, dims []Dimension) {
	slices.SortFunc(rows, func(a, b SummaryRow) int {
		for _, d := range dims {
			if c := strings.Compare(a.key(d), b.key(d)); c != 0 {
				return c
			}
		}
		return 0
	})
}
