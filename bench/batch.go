package main

import (
	"context"
	"fmt"
	"strings"

	apiv1 "github.com/interlog/interlog/gen/interlog/v1"
)

// Targets of issue 17.
const (
	batchSize           = 1000
	batchRawRatioTarget = 0.6
	batchVsSingleTarget = 5
	batchSingleCalls    = 64 // concurrency of the LogInteraction comparison
	batchRounds         = 7
)

// benchBatch measures BatchLogInteractions with 1000 items two ways. Per
// call: the entries one call writes per second against the raw rate of
// inserting copies of the very same rows with one multi-row INSERT in one
// READ COMMITTED transaction through database/sql (medians of batchRounds
// rounds). Per second of wall time: one caller sending batches back to back
// against 64 concurrent LogInteraction callers, in alternating slices.
func benchBatch(ctx context.Context, e *env) error {
	if err := e.ensureMasterData(ctx); err != nil {
		return err
	}
	if _, err := e.batchLogOne(ctx); err != nil { // warm-up
		return err
	}
	var service, raw, ratios []float64
	for range batchRounds {
		s, r, err := e.batchRound(ctx)
		if err != nil {
			return err
		}
		service, raw, ratios = append(service, s), append(raw, r), append(ratios, s/r)
	}
	ratio := median(ratios)
	fmt.Print("| items per call | BatchLogInteractions entries/s (one call) | raw multi-row INSERT rows/s | ratio | |\n|---|---|---|---|---|\n")
	fmt.Printf("| %d | %.0f | %.0f | %.2f | %s |\n\n", batchSize, median(service), median(raw), ratio, verdict(ratio, batchRawRatioTarget, true))

	batched, single, err := e.batchVsSingle(ctx)
	if err != nil {
		return err
	}
	fmt.Printf("| BatchLogInteractions entries/s (1 caller, %d per call) | LogInteraction entries/s (%d callers) | ratio | |\n|---|---|---|---|\n", batchSize, batchSingleCalls)
	fmt.Printf("| %.0f | %.0f | %.1f | %s |\n", batched, single, batched/single, verdict(batched/single, batchVsSingleTarget, true))
	fmt.Printf("\nPer call: medians of %d rounds (the ratio: of the rounds' ratios). Per second: %s for each\n"+
		"side, in %d alternating slices.\n", batchRounds, e.cfg.duration, rateSlices)
	return nil
}

// batchItems are batchSize requests for random persons and templates.
func batchItems() []*apiv1.LogInteractionRequest {
	items := make([]*apiv1.LogInteractionRequest, batchSize)
	for i := range items {
		company, person, tmpl := randomIndexes()
		items[i] = &apiv1.LogInteractionRequest{ContactNo: personNo(company, person), InteractionTemplateCode: templateCode(tmpl)}
	}
	return items
}

// batchLogOne logs one batch of batchSize interactions, all or nothing.
func (e *env) batchLogOne(ctx context.Context) (*apiv1.BatchLogInteractionsResponse, error) {
	return e.log.BatchLogInteractions(ctx, &apiv1.BatchLogInteractionsRequest{
		Requests: batchItems(), Mode: apiv1.BatchLogMode_BATCH_LOG_MODE_ALL_OR_NOTHING,
	})
}

// batchRound times one BatchLogInteractions call, then the raw insert of
// copies of the entries it wrote; both in rows per second.
func (e *env) batchRound(ctx context.Context) (service, raw float64, err error) {
	var resp *apiv1.BatchLogInteractionsResponse
	elapsed, err := timed(func() (err error) {
		resp, err = e.batchLogOne(ctx)
		return err
	})
	if err != nil {
		return 0, 0, err
	}
	results := resp.GetResults()
	first, last := results[0].GetInteractionLogEntry().GetEntryNo(), results[len(results)-1].GetInteractionLogEntry().GetEntryNo()
	rows, err := e.raw.QueryContext(ctx, "SELECT "+strings.Join(entryColumns, ", ")+
		" FROM interaction_log_entries WHERE entry_no BETWEEN ? AND ? ORDER BY entry_no", first, last)
	if err != nil {
		return 0, 0, err
	}
	values, err := scanRows(rows, len(entryColumns))
	if err != nil {
		return 0, 0, err
	}
	if len(values) != len(results) {
		return 0, 0, fmt.Errorf("read %d entries of a batch of %d", len(values), len(results))
	}
	rawElapsed, err := timed(func() error { return insertRowsInOneTx(ctx, e.raw, values, batchSize) })
	return float64(len(results)) / elapsed.Seconds(), float64(len(values)) / rawElapsed.Seconds(), err
}

// batchVsSingle returns the entries per second of one caller sending batches
// and of batchSingleCalls callers of LogInteraction, measured in alternating
// slices of the configured duration.
func (e *env) batchVsSingle(ctx context.Context) (batched, single float64, err error) {
	slice := e.cfg.duration / rateSlices
	for range rateSlices {
		calls, err := rate(ctx, 1, slice, func(ctx context.Context) error {
			_, err := e.batchLogOne(ctx)
			return err
		})
		if err != nil {
			return 0, 0, err
		}
		batched += calls * batchSize / rateSlices
		entries, err := rate(ctx, batchSingleCalls, slice, e.logOne)
		if err != nil {
			return 0, 0, err
		}
		single += entries / rateSlices
	}
	return batched, single, nil
}
