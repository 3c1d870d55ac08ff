package main

import (
	"context"
	"fmt"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	apiv1 "github.com/interlog/interlog/gen/interlog/v1"
)

// summaryMonth is the month the summary benchmark adds up (UTC).
var summaryMonth = time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)

// benchSummary compares SummarizeInteractions of one month by template with
// the GROUP BY query one would write by hand for it.
func benchSummary(ctx context.Context, e *env) error {
	if err := e.ensureLargeTable(ctx); err != nil {
		return err
	}
	from, to := summaryMonth, summaryMonth.AddDate(0, 1, 0)
	req := &apiv1.SummarizeInteractionsRequest{
		Filter:  &apiv1.InteractionLogFilter{StartTime: timestamppb.New(from), EndTime: timestamppb.New(to)},
		GroupBy: []apiv1.SummaryDimension{apiv1.SummaryDimension_SUMMARY_DIMENSION_TEMPLATE},
	}
	var serviceCount, rawCount int64
	service := func(ctx context.Context) error {
		resp, err := e.log.SummarizeInteractions(ctx, req)
		serviceCount = 0
		for _, r := range resp.GetRows() {
			serviceCount += r.GetTotals().GetInteractionCount()
		}
		return err
	}
	raw := func(ctx context.Context) error {
		rawCount = 0
		rows, err := e.raw.QueryContext(ctx, `SELECT template_code, COUNT(*), SUM(cost_micros), SUM(duration_seconds)
			FROM interaction_log_entries
			WHERE interaction_time >= ? AND interaction_time < ? AND canceled = 0 AND postponed = 0
			GROUP BY template_code ORDER BY template_code`, from.UnixMicro(), to.UnixMicro())
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var code string
			var n, cost, dur int64
			if err := rows.Scan(&code, &n, &cost, &dur); err != nil {
				return err
			}
			rawCount += n
		}
		return rows.Err()
	}
	d, err := latencies(ctx, e.cfg.repeat, service, raw)
	if err != nil {
		return err
	}
	if serviceCount != rawCount {
		return fmt.Errorf("the summary counted %d entries, the GROUP BY %d", serviceCount, rawCount)
	}
	ratio := float64(d[0]) / float64(d[1])
	fmt.Printf("| month %s by template (%d entries) | median of %d |\n|---|---|\n", from.Format("2006-01"), rawCount, e.cfg.repeat)
	fmt.Printf("| SummarizeInteractions (gRPC) | %s |\n| hand-written GROUP BY (database/sql) | %s |\n", ms(d[0]), ms(d[1]))
	fmt.Printf("| ratio | %.2f — %s |\n", ratio, verdict(ratio, 1.5, false))
	return nil
}
