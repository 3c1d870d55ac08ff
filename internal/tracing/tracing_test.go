package tracing

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
)

// TestFromEnv: tracing is on only with an endpoint and not disabled, and
// configurations interlogd would not honour are refused with the variable
// named.
func TestFromEnv(t *testing.T) {
	const endpoint = "http://127.0.0.1:4317"
	for _, c := range []struct {
		name    string
		env     map[string]string
		on      bool
		wantErr string
	}{
		{"nothing set", nil, false, ""},
		{"only a sampler", map[string]string{"OTEL_TRACES_SAMPLER": "always_on"}, false, ""},
		{"endpoint", map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": endpoint}, true, ""},
		{"traces endpoint", map[string]string{"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": endpoint}, true, ""},
		{"disabled", map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": endpoint, "OTEL_SDK_DISABLED": "true"}, false, ""},
		{"exporter none", map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": endpoint, "OTEL_TRACES_EXPORTER": "none"}, false, ""},
		{"grpc protocol", map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": endpoint, "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"}, true, ""},
		{"http protocol", map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": endpoint, "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL": "http/protobuf"}, false, "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"},
		{"zipkin", map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": endpoint, "OTEL_TRACES_EXPORTER": "zipkin"}, false, "OTEL_TRACES_EXPORTER"},
		{"b3", map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": endpoint, "OTEL_PROPAGATORS": "b3"}, false, "OTEL_PROPAGATORS"},
	} {
		t.Run(c.name, func(t *testing.T) {
			for _, name := range []string{
				"OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_SDK_DISABLED", "OTEL_TRACES_EXPORTER",
				"OTEL_EXPORTER_OTLP_PROTOCOL", "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "OTEL_PROPAGATORS", "OTEL_TRACES_SAMPLER",
			} {
				t.Setenv(name, c.env[name])
			}
			tr, err := FromEnv(context.Background(), slog.New(slog.NewTextHandler(io.Discard, nil)))
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("error %v, want one naming %s", err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer tr.Shutdown(context.Background())
			if tr.On() != c.on {
				t.Errorf("on %v, want %v", tr.On(), c.on)
			}
			if tr.On() != (tr.Propagator != nil) {
				t.Errorf("propagator %v with tracing on %v", tr.Propagator, tr.On())
			}
		})
	}
}
