// Package tracing sets up OpenTelemetry tracing from the standard OTEL_*
// environment variables: spans are exported over OTLP/gRPC when an endpoint
// is configured, and tracing is off (no SDK, nothing recorded) otherwise.
// interlogd and the benchmarks use it; server and store take the
// TracerProvider and propagator it builds.
package tracing

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"
)

// DefaultServiceName is the service.name of interlogd's spans unless
// OTEL_SERVICE_NAME (or service.name in OTEL_RESOURCE_ATTRIBUTES) says otherwise.
const DefaultServiceName = "interlogd"

// Tracing is the tracing of one process.
type Tracing struct {
	// Provider makes the spans; nil when tracing is off.
	Provider trace.TracerProvider
	// Propagator reads the caller's trace context and baggage from request
	// metadata; nil when tracing is off.
	Propagator propagation.TextMapPropagator
	// Endpoint is where spans go ("" when tracing is off).
	Endpoint string
	sdk      *sdktrace.TracerProvider
}

// On reports whether spans are recorded and exported.
func (t *Tracing) On() bool { return t.Provider != nil }

// Shutdown exports the spans still buffered and stops the exporter. It does
// nothing when tracing is off.
func (t *Tracing) Shutdown(ctx context.Context) error {
	if t.sdk == nil {
		return nil
	}
	return t.sdk.Shutdown(ctx)
}

// Flush exports the spans buffered so far. It does nothing when tracing is
// off.
func (t *Tracing) Flush(ctx context.Context) error {
	if t.sdk == nil {
		return nil
	}
	return t.sdk.ForceFlush(ctx)
}

// FromEnv builds tracing from the standard environment variables.
//
// Tracing is on when OTEL_EXPORTER_OTLP_TRACES_ENDPOINT or
// OTEL_EXPORTER_OTLP_ENDPOINT is set, unless OTEL_SDK_DISABLED=true or
// OTEL_TRACES_EXPORTER=none. The OpenTelemetry SDK then reads the rest
// itself: OTEL_TRACES_SAMPLER(_ARG), OTEL_SERVICE_NAME,
// OTEL_RESOURCE_ATTRIBUTES, OTEL_BSP_*, OTEL_EXPORTER_OTLP_(TRACES_)HEADERS,
// _TIMEOUT, _COMPRESSION, _CERTIFICATE, _INSECURE. OTEL_PROPAGATORS may name
// tracecontext and baggage (the default is both) or none.
//
// Errors of the SDK after the start (a collector that does not answer, an
// invalid sampler argument) are logged to log as warnings.
func FromEnv(ctx context.Context, log *slog.Logger) (*Tracing, error) {
	endpoint := firstEnv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_ENDPOINT")
	if endpoint == "" || envIs("OTEL_SDK_DISABLED", "true") || envIs("OTEL_TRACES_EXPORTER", "none") {
		return &Tracing{}, nil
	}
	if err := checkExporterEnv(); err != nil {
		return nil, err
	}
	propagator, err := propagatorFromEnv()
	if err != nil {
		return nil, err
	}
	otel.SetErrorHandler(otel.ErrorHandlerFunc(func(err error) {
		log.Warn("tracing", "error", err.Error())
	}))
	exporter, err := otlptracegrpc.New(ctx)
	if err != nil {
		return nil, fmt.Errorf("OTLP trace exporter: %w", err)
	}
	res, err := resource.New(ctx,
		resource.WithAttributes(semconv.ServiceName(DefaultServiceName)),
		resource.WithTelemetrySDK(),
		resource.WithFromEnv(), // last, so that OTEL_SERVICE_NAME wins
	)
	if err != nil && !errors.Is(err, resource.ErrPartialResource) {
		return nil, fmt.Errorf("OTEL_RESOURCE_ATTRIBUTES: %w", err)
	}
	sdk := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exporter), sdktrace.WithResource(res))
	return &Tracing{Provider: sdk, Propagator: propagator, Endpoint: endpoint, sdk: sdk}, nil
}

// checkExporterEnv refuses what the exporter would silently not do: an
// exporter other than OTLP, or OTLP over HTTP.
func checkExporterEnv() error {
	if e := os.Getenv("OTEL_TRACES_EXPORTER"); e != "" && e != "otlp" {
		return fmt.Errorf("OTEL_TRACES_EXPORTER=%q: interlogd exports traces with otlp (or none)", e)
	}
	for _, name := range []string{"OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "OTEL_EXPORTER_OTLP_PROTOCOL"} {
		if p := os.Getenv(name); p != "" && p != "grpc" {
			return fmt.Errorf("%s=%q: interlogd exports traces over OTLP/gRPC (grpc)", name, p)
		}
	}
	return nil
}

// propagatorFromEnv reads OTEL_PROPAGATORS: W3C trace context and baggage
// by default.
func propagatorFromEnv() (propagation.TextMapPropagator, error) {
	names := os.Getenv("OTEL_PROPAGATORS")
	if names == "" {
		names = "tracecontext,baggage"
	}
	var list []propagation.TextMapPropagator
	for _, name := range strings.Split(names, ",") {
		switch strings.TrimSpace(name) {
		case "tracecontext":
			list = append(list, propagation.TraceContext{})
		case "baggage":
			list = append(list, propagation.Baggage{})
		case "none":
		default:
			return nil, fmt.Errorf("OTEL_PROPAGATORS=%q: interlogd knows tracecontext, baggage and none", names)
		}
	}
	return propagation.NewCompositeTextMapPropagator(list...), nil
}

// firstEnv returns the value of the first of the variables that is set.
func firstEnv(names ...string) string {
	for _, name := range names {
		if v := strings.TrimSpace(os.Getenv(name)); v != "" {
			return v
		}
	}
	return ""
}

// envIs reports whether a variable holds value, ignoring case and spaces.
func envIs(name, value string) bool {
	return strings.EqualFold(strings.TrimSpace(os.Getenv(name)), value)
}
