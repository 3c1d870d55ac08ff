package server

import (
	"context"
	"log/slog"

	"go.opentelemetry.io/contrib/instrumentation/google.golang.org/grpc/otelgrpc"
	"go.opentelemetry.io/contrib/instrumentation/google.golang.org/grpc/otelgrpc/filters"
	"go.opentelemetry.io/otel/attribute"
	metricnoop "go.opentelemetry.io/otel/metric/noop"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"
	"google.golang.org/grpc"
)

// requestIDAttribute is the span attribute of the call's request id (the
// x-request-id header and the access log's request_id).
const requestIDAttribute = attribute.Key("interlog.request_id")

// tracingOption gives every call a server span (otelgrpc's stats handler),
// a child of the caller's span when the caller sends one in the W3C
// traceparent header, except the health checks, which load balancers send
// every few seconds. Its metrics are off: Prometheus has them (metrics.go).
func tracingOption(opts Options) []grpc.ServerOption {
	if opts.TracerProvider == nil {
		return nil
	}
	return []grpc.ServerOption{grpc.StatsHandler(otelgrpc.NewServerHandler(
		otelgrpc.WithTracerProvider(opts.TracerProvider),
		otelgrpc.WithPropagators(opts.Propagator),
		otelgrpc.WithMeterProvider(metricnoop.NewMeterProvider()),
		otelgrpc.WithFilter(filters.Not(filters.HealthCheck())),
	))}
}

// traceRequestID records the call's request id on its span.
func traceRequestID(ctx context.Context, id string) {
	if span := trace.SpanFromContext(ctx); span.IsRecording() {
		span.SetAttributes(requestIDAttribute.String(id))
	}
}

// tracePrincipal records who makes the call on its span (enduser.id).
func tracePrincipal(ctx context.Context, name string) {
	if span := trace.SpanFromContext(ctx); span.IsRecording() {
		span.SetAttributes(semconv.EnduserID(name))
	}
}

// traceIDAttr is the access log's trace_id: the trace the call belongs to,
// sampled or not, so that a log line leads to the caller's trace.
func traceIDAttr(ctx context.Context) (slog.Attr, bool) {
	sc := trace.SpanContextFromContext(ctx)
	if !sc.HasTraceID() {
		return slog.Attr{}, false
	}
	return slog.String("trace_id", sc.TraceID().String()), true
}
