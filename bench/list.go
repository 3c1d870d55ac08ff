package main

import (
	"context"
	"fmt"

	apiv1 "github.com/interlog/interlog/gen/interlog/v1"
)

// deepRows is how far into the list the deep page starts.
const deepRows = 100_000

// benchList compares the latency of the first page of 50 entries with a
// page of 50 that starts after deepRows entries, for each order.
func benchList(ctx context.Context, e *env) error {
	if err := e.ensureLargeTable(ctx); err != nil {
		return err
	}
	fmt.Printf("| order | first page | page after %d rows | ratio | |\n|---|---|---|---|---|\n", deepRows)
	for _, c := range []struct {
		name string
		req  *apiv1.ListInteractionLogEntriesRequest
	}{
		{"entry no.", &apiv1.ListInteractionLogEntriesRequest{}},
		{"entry no., descending", &apiv1.ListInteractionLogEntriesRequest{Descending: true}},
		{"interaction time", &apiv1.ListInteractionLogEntriesRequest{OrderBy: apiv1.InteractionLogOrder_INTERACTION_LOG_ORDER_INTERACTION_TIME}},
	} {
		token, err := e.tokenAfter(ctx, c.req, deepRows)
		if err != nil {
			return err
		}
		page := func(token string) func(ctx context.Context) error {
			return func(ctx context.Context) error {
				req := cloneList(c.req)
				req.PageSize, req.PageToken = 50, token
				resp, err := e.log.ListInteractionLogEntries(ctx, req)
				if err == nil && len(resp.GetInteractionLogEntries()) != 50 {
					err = fmt.Errorf("a page held %d entries, want 50", len(resp.GetInteractionLogEntries()))
				}
				return err
			}
		}
		d, err := latencies(ctx, e.cfg.repeat, page(""), page(token))
		if err != nil {
			return err
		}
		ratio := float64(d[1]) / float64(d[0])
		fmt.Printf("| %s | %s | %s | %.2f | %s |\n", c.name, ms(d[0]), ms(d[1]), ratio, verdict(ratio, 1.5, false))
	}
	return nil
}

// tokenAfter pages through the list with large pages and returns the token
// of the page that starts after the given number of rows.
func (e *env) tokenAfter(ctx context.Context, base *apiv1.ListInteractionLogEntriesRequest, rows int) (string, error) {
	token := ""
	for seen := 0; seen < rows; {
		req := cloneList(base)
		req.PageSize, req.PageToken = int32(min(1000, rows-seen)), token
		resp, err := e.log.ListInteractionLogEntries(ctx, req)
		if err != nil {
			return "", err
		}
		if token = resp.GetNextPageToken(); token == "" {
			return "", fmt.Errorf("the list ended after %d rows, before %d", seen+len(resp.GetInteractionLogEntries()), rows)
		}
		seen += len(resp.GetInteractionLogEntries())
	}
	return token, nil
}

func cloneList(req *apiv1.ListInteractionLogEntriesRequest) *apiv1.ListInteractionLogEntriesRequest {
	return &apiv1.ListInteractionLogEntriesRequest{Filter: req.GetFilter(), OrderBy: req.GetOrderBy(), Descending: req.GetDescending()}
}
