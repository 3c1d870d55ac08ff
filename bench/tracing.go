package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime"
	"syscall"
	"time"

	apiv1 "github.com/interlog/interlog/gen/interlog/v1"
	"github.com/interlog/interlog/internal/otlpsink"
	"github.com/interlog/interlog/internal/tracing"
	"github.com/interlog/interlog/server"
	"github.com/interlog/interlog/store"
)

// tracingConcurrency is the concurrency the tracing cost is measured at.
const tracingConcurrency = 64

// benchTracing compares LogInteraction calls per second with tracing off
// (the env's server) and on, every call sampled and 1% of them, in the same
// run. The traced servers are configured as interlogd is, by the OTEL_*
// environment variables, each with its own store (whose statements it
// traces) on the same database, and export over OTLP/gRPC to a receiver in
// this process that acknowledges and discards the spans.
func benchTracing(ctx context.Context, e *env) error {
	if err := e.ensureMasterData(ctx); err != nil {
		return err
	}
	sink, err := otlpsink.Start(false)
	if err != nil {
		return err
	}
	defer sink.Close()
	sampled100, err := startTracedServer(ctx, e.cfg.mysqlURL, sink.Endpoint(), "1")
	if err != nil {
		return err
	}
	defer sampled100.close()
	sampled1, err := startTracedServer(ctx, e.cfg.mysqlURL, sink.Endpoint(), "0.01")
	if err != nil {
		return err
	}
	defer sampled1.close()
	r, cost, err := ratesAndCost(ctx, tracingConcurrency, e.cfg.duration,
		measured{e.logOne, nil}, measured{sampled100.logOne, sampled100.traces}, measured{sampled1.logOne, sampled1.traces})
	if err != nil {
		return err
	}
	fmt.Printf("LogInteraction at concurrency %d (per call: the whole process, servers and clients):\n\n", tracingConcurrency)
	fmt.Print("| tracing | calls/s | ratio to off | | CPU µs per call | ratio to off | allocations per call | ratio to off |\n|---|---|---|---|---|---|---|---|\n")
	for i, name := range []string{"off", "on, every call sampled", "on, 1% sampled"} {
		note := ""
		if i == 2 {
			note = verdict(r[2]/r[0], 0.95, true)
		}
		fmt.Printf("| %s | %.0f | %.2f | %s | %.0f | %.2f | %.0f | %.3f |\n", name, r[i], r[i]/r[0], note,
			cost[i].cpuMicros, cost[i].cpuMicros/cost[0].cpuMicros, cost[i].allocs, cost[i].allocs/cost[0].allocs)
	}
	sampled100.close()
	sampled1.close()
	fmt.Printf("\nThe receiver got %d spans.\n", sink.Count())
	return nil
}

// measured is an operation and the tracing whose spans it makes (nil when
// off).
type measured struct {
	op     func(ctx context.Context) error
	traces *tracing.Tracing
}

// callCost is what the process spent per call, on average.
type callCost struct {
	cpuMicros float64 // user and system CPU time
	allocs    float64 // heap allocations
}

// ratesAndCost is alternatingRates that also returns the CPU time and the
// heap allocations this process (servers and clients alike) spent per call
// of each operation, counting the export of its spans: measures of the work
// tracing adds that do not depend on how long the database makes calls
// wait.
func ratesAndCost(ctx context.Context, n int, d time.Duration, ops ...measured) (rates []float64, costs []callCost, err error) {
	rates = make([]float64, len(ops))
	costs = make([]callCost, len(ops))
	calls := make([]float64, len(ops))
	for range rateSlices {
		for i, m := range ops {
			cpuBefore, allocsBefore, start := processCPU(), heapAllocs(), time.Now()
			r, err := rate(ctx, n, d/rateSlices, m.op)
			if err != nil {
				return nil, nil, err
			}
			elapsed := time.Since(start)
			if m.traces != nil {
				if err := m.traces.Flush(ctx); err != nil {
					return nil, nil, err
				}
			}
			costs[i].cpuMicros += float64((processCPU() - cpuBefore).Microseconds())
			costs[i].allocs += float64(heapAllocs() - allocsBefore)
			calls[i] += r * elapsed.Seconds()
			rates[i] += r / rateSlices
		}
	}
	for i := range costs {
		costs[i].cpuMicros /= calls[i]
		costs[i].allocs /= calls[i]
	}
	return rates, costs, nil
}

// processCPU is the user and system CPU time this process has used.
func processCPU() time.Duration {
	var u syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &u)
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}

// heapAllocs is the number of heap allocations this process has made.
func heapAllocs() uint64 {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.Mallocs
}

// tracedServer is a gRPC server with tracing on over its own store.
type tracedServer struct {
	store   *store.Store
	traces  *tracing.Tracing
	serving *serving
	log     apiv1.InteractionLogServiceClient
}

// startTracedServer serves the database with tracing set up by
// tracing.FromEnv, as interlogd does, exporting to endpoint and sampling
// the given ratio of calls (OTEL_TRACES_SAMPLER_ARG).
func startTracedServer(ctx context.Context, mysqlURL, endpoint, ratio string) (*tracedServer, error) {
	env := map[string]string{
		"OTEL_EXPORTER_OTLP_ENDPOINT": endpoint,
		"OTEL_TRACES_SAMPLER":         "parentbased_traceidratio",
		"OTEL_TRACES_SAMPLER_ARG":     ratio,
		"OTEL_SERVICE_NAME":           "interlog-bench",
	}
	for name, value := range env {
		os.Setenv(name, value)
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	traces, err := tracing.FromEnv(ctx, logger)
	for name := range env {
		os.Unsetenv(name)
	}
	if err != nil {
		return nil, err
	}
	s := &tracedServer{traces: traces}
	if s.store, err = store.Open(ctx, mysqlURL, store.Options{MaxOpenConns: maxConns, TracerProvider: traces.Provider}); err != nil {
		return nil, err
	}
	s.serving, err = serve(s.store, server.Options{Logger: logger, TracerProvider: traces.Provider, Propagator: traces.Propagator})
	if err != nil {
		s.close()
		return nil, err
	}
	s.log = apiv1.NewInteractionLogServiceClient(s.serving.conn)
	return s, nil
}

// logOne is env.logOne against this server.
func (s *tracedServer) logOne(ctx context.Context) error {
	company, person, tmpl := randomIndexes()
	_, err := s.log.LogInteraction(ctx, &apiv1.LogInteractionRequest{
		ContactNo: personNo(company, person), InteractionTemplateCode: templateCode(tmpl),
	})
	return err
}

// close stops the server and flushes its spans; it may be called again.
func (s *tracedServer) close() {
	if s.serving != nil {
		s.serving.close()
		s.serving = nil
	}
	_ = s.traces.Shutdown(context.Background())
	if s.store != nil {
		_ = s.store.Close()
		s.store = nil
	}
}
