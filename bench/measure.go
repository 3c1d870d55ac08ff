package main

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// rate runs op from n goroutines for d and returns completed calls per
// second. The first error stops the measurement and is returned.
func rate(ctx context.Context, n int, d time.Duration, op func(ctx context.Context) error) (float64, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var done atomic.Int64
	var firstErr error
	var once sync.Once
	var wg sync.WaitGroup
	deadline := time.Now().Add(d)
	start := time.Now()
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) && ctx.Err() == nil {
				if err := op(ctx); err != nil {
					once.Do(func() { firstErr = err; cancel() })
					return
				}
				done.Add(1)
			}
		}()
	}
	wg.Wait()
	return float64(done.Load()) / time.Since(start).Seconds(), firstErr
}

// rateSlices is how many alternating slices a rate comparison is cut into, so
// that both sides see the same changes of load on a shared machine.
const rateSlices = 5

// alternatingRates measures operations at concurrency n for d each, in
// alternating slices, and returns their rates in calls per second.
func alternatingRates(ctx context.Context, n int, d time.Duration, ops ...func(ctx context.Context) error) ([]float64, error) {
	rates := make([]float64, len(ops))
	for range rateSlices {
		for i, op := range ops {
			r, err := rate(ctx, n, d/rateSlices, op)
			if err != nil {
				return nil, err
			}
			rates[i] += r / rateSlices
		}
	}
	return rates, nil
}

// latencies runs each op once per round, alternating them so that both see
// the same database conditions, after one warm-up round, and returns each
// op's median latency.
func latencies(ctx context.Context, rounds int, ops ...func(ctx context.Context) error) ([]time.Duration, error) {
	samples := make([][]time.Duration, len(ops))
	for round := -1; round < rounds; round++ {
		for i, op := range ops {
			start := time.Now()
			if err := op(ctx); err != nil {
				return nil, err
			}
			if round >= 0 {
				samples[i] = append(samples[i], time.Since(start))
			}
		}
	}
	out := make([]time.Duration, len(ops))
	for i, s := range samples {
		slices.Sort(s)
		out[i] = s[len(s)/2]
	}
	return out, nil
}

// verdict says whether a measured ratio meets its target.
func verdict(ratio, target float64, atLeast bool) string {
	met := ratio <= target
	if atLeast {
		met = ratio >= target
	}
	cmp := "≤"
	if atLeast {
		cmp = "≥"
	}
	if met {
		return fmt.Sprintf("met (target %s %.2f)", cmp, target)
	}
	return fmt.Sprintf("NOT met (target %s %.2f)", cmp, target)
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d.Microseconds())/1000) }
