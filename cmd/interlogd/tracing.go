package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/interlog/interlog/internal/tracing"
)

// tracingFlushTimeout bounds how long exporting the last spans may delay
// the exit after a graceful shutdown.
const tracingFlushTimeout = 5 * time.Second

// startTracing sets up tracing from the OTEL_* environment variables (see
// package tracing) and says in the log whether it is on.
func startTracing(ctx context.Context, log *slog.Logger) (*tracing.Tracing, error) {
	t, err := tracing.FromEnv(ctx, log)
	if err != nil {
		return nil, err
	}
	if t.On() {
		log.Info("tracing to OTLP", "endpoint", t.Endpoint)
	}
	return t, nil
}

// flushTracing exports the spans still buffered, on the way out.
func flushTracing(t *tracing.Tracing, log *slog.Logger) {
	ctx, cancel := context.WithTimeout(context.Background(), tracingFlushTimeout)
	defer cancel()
	if err := t.Shutdown(ctx); err != nil {
		log.Warn("tracing: spans not flushed", "error", err.Error())
	}
}
