package server_test

import (
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel/propagation"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"

	apiv1 "github.com/interlog/interlog/gen/interlog/v1"
	ts "github.com/interlog/interlog/internal/testserver"
)

// TestAccessLogLine: every call ends in one "finished call" line with its
// fields in a fixed order; a failed call adds the error, a call with a
// deadline the deadline, and the level follows the code. With tracing on,
// the line names the call's trace: the caller's, when it sent one.
func TestAccessLogLine(t *testing.T) {
	logs := &syncBuffer{}
	opts, p := authOptions(t, logs)
	opts.Server.TracerProvider = sdktrace.NewTracerProvider()
	opts.Server.Propagator = propagation.TraceContext{}
	const callerTrace = "4bf92f3577b34da6a3ce929d0e0e4736"
	ts.ForEachEngineWith(t, opts, func(t *testing.T, env *ts.Env) {
		ctx := context.Background()
		withID := func(ctx context.Context, id string) context.Context {
			return metadata.AppendToOutgoingContext(ctx, "x-request-id", id+"-"+env.Engine)
		}

		traced := metadata.AppendToOutgoingContext(ctx, "traceparent", "00-"+callerTrace+"-00f067aa0ba902b7-01")
		_, err := env.Groups.CreateInteractionGroup(withID(ts.Bearer(traced, p.admin), "create"), &apiv1.CreateInteractionGroupRequest{
			InteractionGroup: &apiv1.InteractionGroup{Code: "CALLS"},
		})
		ts.NoErr(t, err)
		line := accessLogLine(t, logs, "create-"+env.Engine)
		wantLine(t, line, "INFO", "ada", "InteractionGroupService", "CreateInteractionGroup", "unary", "OK")
		wantKeys(t, line, "grpc.start_time", "grpc.code", "grpc.time_ms")
		if got := line.get("trace_id"); got != callerTrace {
			t.Errorf("trace_id %q, want the caller's %s", got, callerTrace)
		}

		deadline, cancel := context.WithTimeout(ctx, time.Hour)
		defer cancel()
		_, err = env.Groups.DeleteInteractionGroup(withID(ts.Bearer(deadline, p.viewer), "refused"), &apiv1.DeleteInteractionGroupRequest{Name: "interactionGroups/CALLS"})
		ts.WantCode(t, err, codes.PermissionDenied, "ROLE_INSUFFICIENT")
		line = accessLogLine(t, logs, "refused-"+env.Engine)
		wantLine(t, line, "WARN", "vera", "InteractionGroupService", "DeleteInteractionGroup", "unary", "PermissionDenied")
		if got := line.get("trace_id"); len(got) != 32 || got == callerTrace {
			t.Errorf("trace_id %q of a call without a caller's trace, want a new trace's", got)
		}
		wantKeys(t, line, "grpc.start_time", "grpc.request.deadline", "grpc.code", "grpc.error", "grpc.time_ms")
		if d := line.get("grpc.request.deadline"); !strings.HasPrefix(d, time.Now().Add(time.Hour).Format("2006-01-02T")) {
			t.Errorf("grpc.request.deadline %q, want about an hour from now", d)
		}
		if e := line.get("grpc.error"); !strings.Contains(e, "PermissionDenied") {
			t.Errorf("grpc.error %q, want the status", e)
		}

		stream, err := env.Attachments.DownloadAttachment(withID(ts.Bearer(ctx, p.viewer), "download"), &apiv1.DownloadAttachmentRequest{Name: "attachments/1"})
		ts.NoErr(t, err)
		_, err = stream.Recv()
		ts.WantCode(t, err, codes.NotFound, "ATTACHMENT_NOT_FOUND")
		line = accessLogLine(t, logs, "download-"+env.Engine)
		wantLine(t, line, "INFO", "vera", "AttachmentService", "DownloadAttachment", "server_stream", "NotFound")
	})
}

// accessLogKeys are the fields of an access log line in order; the
// deadline and the error appear only when there is one.
var accessLogKeys = []string{
	"time", "level", "msg", "request_id", "trace_id", "principal", "protocol", "grpc.component", "grpc.service",
	"grpc.method", "grpc.method_type", "peer.address", "grpc.start_time", "grpc.request.deadline",
	"grpc.code", "grpc.error", "grpc.time_ms",
}

// logLine is a JSON log line's fields in the order written.
type logLine struct{ keys, values []string }

func (l logLine) get(key string) string {
	if i := slices.Index(l.keys, key); i >= 0 {
		return l.values[i]
	}
	return ""
}

// accessLogLine waits for the access log line of the call with requestID
// (the access log is written after the response is sent).
func accessLogLine(t *testing.T, logs *syncBuffer, requestID string) logLine {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		for _, text := range strings.Split(logs.String(), "\n") {
			line, ok := parseLogLine(text)
			if ok && line.get("msg") == "finished call" && line.get("request_id") == requestID {
				return line
			}
		}
	}
	t.Fatalf("no access log line with request_id %s in:\n%s", requestID, logs.String())
	return logLine{}
}

// parseLogLine reads a JSON object of string values keeping the order of
// its keys.
func parseLogLine(text string) (logLine, bool) {
	var line logLine
	dec := json.NewDecoder(strings.NewReader(text))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return line, false
	}
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return line, false
		}
		val, err := dec.Token()
		s, ok := val.(string)
		if err != nil || !ok {
			return line, false
		}
		line.keys = append(line.keys, key.(string))
		line.values = append(line.values, s)
	}
	return line, true
}

// wantLine checks the fields every access log line has.
func wantLine(t *testing.T, line logLine, level, principal, service, method, methodType, code string) {
	t.Helper()
	want := map[string]string{
		"level": level, "principal": principal, "protocol": "grpc", "grpc.component": "server",
		"grpc.service": "interlog.v1." + service, "grpc.method": method, "grpc.method_type": methodType, "grpc.code": code,
	}
	for key, value := range want {
		if got := line.get(key); got != value {
			t.Errorf("%s: %s %q, want %q", method, key, got, value)
		}
	}
	if !strings.HasPrefix(line.get("peer.address"), "127.0.0.1:") {
		t.Errorf("%s: peer.address %q, want the client's loopback address", method, line.get("peer.address"))
	}
	if _, err := time.Parse(time.RFC3339, line.get("grpc.start_time")); err != nil {
		t.Errorf("%s: grpc.start_time: %v", method, err)
	}
	if ms, err := strconv.ParseFloat(line.get("grpc.time_ms"), 64); err != nil || ms < 0 {
		t.Errorf("%s: grpc.time_ms %q, want milliseconds", method, line.get("grpc.time_ms"))
	}
	var order []string
	for _, key := range accessLogKeys {
		if slices.Contains(line.keys, key) {
			order = append(order, key)
		}
	}
	if !slices.Equal(line.keys, order) {
		t.Errorf("%s: fields %v, want them in the order %v", method, line.keys, accessLogKeys)
	}
}

// wantKeys checks which of the optional fields (deadline, error) a line
// has, by naming its last fields from grpc.start_time on.
func wantKeys(t *testing.T, line logLine, tail ...string) {
	t.Helper()
	if got := line.keys[max(0, len(line.keys)-len(tail)):]; !slices.Equal(got, tail) {
		t.Errorf("fields end with %v, want %v", got, tail)
	}
}
