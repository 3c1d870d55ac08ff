package server

import (
	"cmp"
	"context"

	"google.golang.org/protobuf/types/known/timestamppb"

	apiv1 "github.com/interlog/interlog/gen/interlog/v1"
	"github.com/interlog/interlog/store"
)

// Statistics of SPEC §3: totals on groups, templates and contacts, and
// SummarizeInteractions. Canceled and postponed entries never count.

func (s *groupService) GetInteractionGroupStatistics(ctx context.Context, req *apiv1.GetInteractionGroupStatisticsRequest) (*apiv1.GetInteractionGroupStatisticsResponse, error) {
	code, err := parseCodeName("name", req.GetName(), groupCollection, shortCode)
	if err != nil {
		return nil, err
	}
	r, err := parseTimeRange(req.GetStartTime(), req.GetEndTime())
	if err != nil {
		return nil, err
	}
	t, err := s.store.GroupTotals(ctx, code, r)
	if err != nil {
		return nil, err
	}
	return &apiv1.GetInteractionGroupStatisticsResponse{Totals: totalsToAPI(t)}, nil
}

func (s *templateService) GetInteractionTemplateStatistics(ctx context.Context, req *apiv1.GetInteractionTemplateStatisticsRequest) (*apiv1.GetInteractionTemplateStatisticsResponse, error) {
	code, err := parseCodeName("name", req.GetName(), templateCollection, shortCode)
	if err != nil {
		return nil, err
	}
	r, err := parseTimeRange(req.GetStartTime(), req.GetEndTime())
	if err != nil {
		return nil, err
	}
	t, err := s.store.TemplateTotals(ctx, code, r)
	if err != nil {
		return nil, err
	}
	return &apiv1.GetInteractionTemplateStatisticsResponse{Totals: totalsToAPI(t)}, nil
}

func (s *contactService) GetContactStatistics(ctx context.Context, req *apiv1.GetContactStatisticsRequest) (*apiv1.GetContactStatisticsResponse, error) {
	no, err := parseCodeName("name", req.GetName(), contactCollection, longCode)
	if err != nil {
		return nil, err
	}
	st, err := s.store.ContactStatistics(ctx, no)
	if err != nil {
		return nil, err
	}
	t := totalsToAPI(st.Totals)
	return &apiv1.GetContactStatisticsResponse{
		InteractionCount:    t.GetInteractionCount(),
		TotalCost:           t.GetTotalCost(),
		TotalDuration:       t.GetTotalDuration(),
		LastInteractionTime: timestampOf(st.LastInteractionTime),
		LastAttemptTime:     timestampOf(st.LastAttemptTime),
	}, nil
}

// parseTimeRange reads the optional start_time and end_time of a request: an
// end must come after the start.
func parseTimeRange(start, end *timestamppb.Timestamp) (store.TimeRange, error) {
	return parseTimeRangeAt("", start, end)
}

// parseTimeRangeAt is parseTimeRange for fields under a prefix ("filter.").
func parseTimeRangeAt(prefix string, start, end *timestamppb.Timestamp) (store.TimeRange, error) {
	var r store.TimeRange
	var err error
	if r.Start, r.HasStart, err = parseTimestamp(prefix+"start_time", start); err != nil {
		return r, err
	}
	if r.End, r.HasEnd, err = parseTimestamp(prefix+"end_time", end); err != nil {
		return r, err
	}
	if r.HasStart && r.HasEnd && r.End <= r.Start {
		return r, invalidField(prefix+"end_time", "must be after start_time")
	}
	return r, nil
}

func totalsToAPI(t store.Totals) *apiv1.InteractionTotals {
	return &apiv1.InteractionTotals{
		InteractionCount: t.Count,
		TotalCost:        formatBigMoney(t.CostMicros.Big()),
		TotalDuration:    seconds(t.DurationSeconds),
	}
}

// timestampOf converts an optional stored time; nil stays unset.
func timestampOf(us *int64) *timestamppb.Timestamp {
	if us == nil {
		return nil
	}
	return timestamppb.New(store.Time(*us))
}

func (s *logService) SummarizeInteractions(ctx context.Context, req *apiv1.SummarizeInteractionsRequest) (*apiv1.SummarizeInteractionsResponse, error) {
	f, err := entryFilterFromAPI("filter.", req.GetFilter())
	if err != nil {
		return nil, err
	}
	if f.Canceled != nil && *f.Canceled {
		return nil, invalidField("filter.canceled", "statistics always leave canceled entries out; leave it unset")
	}
	f.Canceled, f.Postponed = nil, nil // statistics leave both out anyway
	dims, err := summaryDimensions(req.GetGroupBy())
	if err != nil {
		return nil, err
	}
	loc, err := loadTimeZone("time_zone", cmp.Or(req.GetTimeZone(), "UTC"))
	if err != nil {
		return nil, err
	}
	rows, err := s.store.Summarize(ctx, f, dims, loc)
	if err != nil {
		return nil, err
	}
	return &apiv1.SummarizeInteractionsResponse{Rows: allToAPI(rows, summaryRowToAPI)}, nil
}

func summaryRowToAPI(r store.SummaryRow) *apiv1.InteractionSummaryRow {
	return &apiv1.InteractionSummaryRow{
		InteractionTemplateCode: r.TemplateCode,
		InteractionGroupCode:    r.GroupCode,
		ContactNo:               r.ContactNo,
		ContactCompanyNo:        r.ContactCompanyNo,
		SalespersonCode:         r.SalespersonCode,
		CampaignNo:              r.CampaignNo,
		Period:                  r.Period,
		Totals:                  totalsToAPI(r.Totals),
	}
}

// summaryDimensions converts group_by, allowing at most one of DAY and MONTH.
func summaryDimensions(groupBy []apiv1.SummaryDimension) ([]store.Dimension, error) {
	dims := make([]store.Dimension, len(groupBy))
	periods := 0
	for i, d := range groupBy {
		dims[i] = store.Dimension(d)
		if dims[i] == store.DimDay || dims[i] == store.DimMonth {
			periods++
		}
	}
	if periods > 1 {
		return nil, invalidField("group_by", "may hold at most one of SUMMARY_DIMENSION_DAY and SUMMARY_DIMENSION_MONTH")
	}
	return dims, nil
}
