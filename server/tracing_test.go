package server_test

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/propagation"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
	"google.golang.org/grpc/codes"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"

	apiv1 "github.com/interlog/interlog/gen/interlog/v1"
	"github.com/interlog/interlog/internal/attachclient"
	ts "github.com/interlog/interlog/internal/testserver"
)

// TestTracedCallAttributes: a call's span carries its request id and, once
// authenticated, its principal; its statements are spans below it; a call
// refused by auth has no principal; health checks are not traced.
// (cmd/interlogd's TestDaemonTracesCallsAndStatements checks the exported
// trace end to end.)
func TestTracedCallAttributes(t *testing.T) {
	opts, p := authOptions(t, io.Discard)
	spans := tracetest.NewSpanRecorder()
	opts.Server.TracerProvider = sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(spans))
	opts.Server.Propagator = propagation.TraceContext{}
	opts.Store.TracerProvider = opts.Server.TracerProvider
	ts.ForEachEngineWith(t, opts, func(t *testing.T, env *ts.Env) {
		ctx := context.Background()
		id := func(ctx context.Context, id string) context.Context {
			return metadata.AppendToOutgoingContext(ctx, "x-request-id", id+"-"+env.Engine)
		}
		_, err := env.Contacts.CreateContact(id(ts.Bearer(ctx, p.editor), "traced"), &apiv1.CreateContactRequest{
			Contact: &apiv1.Contact{No: "C1", Type: apiv1.ContactType_CONTACT_TYPE_COMPANY},
		})
		ts.NoErr(t, err)
		_, err = env.Contacts.CreateContact(id(ctx, "refused"), &apiv1.CreateContactRequest{Contact: &apiv1.Contact{No: "C2"}})
		ts.WantCode(t, err, codes.Unauthenticated, "CREDENTIALS_MISSING")
		_, err = healthpb.NewHealthClient(env.Conn).Check(ctx, &healthpb.HealthCheckRequest{})
		ts.NoErr(t, err)

		traced := rpcSpan(t, spans, "traced-"+env.Engine)
		wantSpanAttr(t, traced, "enduser.id", "ed")
		if below := spansBelow(spans.Ended(), traced); below["INSERT contacts"] == 0 {
			t.Errorf("no INSERT contacts span below the call's; below it: %v", below)
		}
		refused := rpcSpan(t, spans, "refused-"+env.Engine)
		if v, ok := spanAttr(refused, "enduser.id"); ok {
			t.Errorf("a call refused by auth has enduser.id %q", v.Emit())
		}
		for _, s := range spans.Ended() {
			if s.Name() == "grpc.health.v1.Health/Check" {
				t.Errorf("health check traced")
			}
		}

		// Chunks are written past GORM (insertChunks) and read with raw SQL.
		a, err := attachclient.Upload(id(ts.Bearer(ctx, p.editor), "upload"), env.Attachments, "f.txt", "text/plain", "", strings.NewReader("some text"))
		ts.NoErr(t, err)
		_, err = attachclient.Download(id(ts.Bearer(ctx, p.viewer), "download"), env.Attachments, a.GetName(), io.Discard)
		ts.NoErr(t, err)
		if below := spansBelow(spans.Ended(), rpcSpan(t, spans, "upload-"+env.Engine)); below["INSERT attachment_chunks"] != 1 {
			t.Errorf("upload: want one INSERT attachment_chunks span below it; below it: %v", below)
		}
		if below := spansBelow(spans.Ended(), rpcSpan(t, spans, "download-"+env.Engine)); below["SELECT attachment_chunks"] == 0 {
			t.Errorf("download: no SELECT attachment_chunks span below it; below it: %v", below)
		}
	})
}

// rpcSpan is the server span of the call with requestID. The span ends
// when the server has finished the call, which can be just after the client
// has its response, so it is waited for (a few seconds at most).
func rpcSpan(t *testing.T, spans *tracetest.SpanRecorder, requestID string) sdktrace.ReadOnlySpan {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		for _, s := range spans.Ended() {
			if v, ok := spanAttr(s, "interlog.request_id"); ok && v.AsString() == requestID && s.SpanKind() == trace.SpanKindServer {
				return s
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no server span with interlog.request_id %s", requestID)
			return nil
		}
	}
}

// spansBelow counts the spans whose parent is rpc, by name.
func spansBelow(spans []sdktrace.ReadOnlySpan, rpc sdktrace.ReadOnlySpan) map[string]int {
	below := map[string]int{}
	for _, s := range spans {
		if s.Parent().SpanID() == rpc.SpanContext().SpanID() {
			below[s.Name()]++
		}
	}
	return below
}

func spanAttr(s sdktrace.ReadOnlySpan, key attribute.Key) (attribute.Value, bool) {
	for _, a := range s.Attributes() {
		if a.Key == key {
			return a.Value, true
		}
	}
	return attribute.Value{}, false
}

func wantSpanAttr(t *testing.T, s sdktrace.ReadOnlySpan, key attribute.Key, want string) {
	t.Helper()
	if v, _ := spanAttr(s, key); v.AsString() != want {
		t.Errorf("span %s: %s %q, want %q", s.Name(), key, v.Emit(), want)
	}
}
