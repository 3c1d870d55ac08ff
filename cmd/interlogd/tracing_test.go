package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"strings"
	"syscall"
	"testing"
	"time"

	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"
	"google.golang.org/protobuf/encoding/protojson"

	apiv1 "github.com/interlog/interlog/gen/interlog/v1"
	"github.com/interlog/interlog/internal/otlpsink"
	"github.com/interlog/interlog/internal/testdb"
	ts "github.com/interlog/interlog/internal/testserver"
)

// secret starts every value the traced calls send: none may reach a span.
const secret = "SECRET-VALUE-"

// callerSpan is the span of a client that calls interlogd inside its own
// trace: it sends it as the W3C traceparent header.
type callerSpan struct{ traceID, spanID string }

func newCallerSpan() callerSpan {
	return callerSpan{traceID: randomHex(16), spanID: randomHex(8)}
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// outgoing is ctx carrying the caller's span and a request id.
func (c callerSpan) outgoing(ctx context.Context, requestID string) context.Context {
	return metadata.AppendToOutgoingContext(ctx, "traceparent", "00-"+c.traceID+"-"+c.spanID+"-01", "x-request-id", requestID)
}

// TestDaemonTracesCallsAndStatements runs interlogd configured only by
// OTEL_* variables against an OTLP receiver, calls LogInteraction and
// LogSegment inside a caller's trace, and checks what arrives after a
// graceful shutdown (which flushes): the RPC span is the caller's span's
// child, every SQL statement a span below it, and no span carries a value
// the calls sent.
func TestDaemonTracesCallsAndStatements(t *testing.T) {
	for _, engine := range testdb.Engines() {
		t.Run(engine, func(t *testing.T) {
			sink, err := otlpsink.Start(true)
			ts.NoErr(t, err)
			defer sink.Close()
			d := ts.StartDaemonWithEnv(t, []string{
				"OTEL_EXPORTER_OTLP_ENDPOINT=" + sink.Endpoint(),
				"OTEL_SERVICE_NAME=interlog-under-test",
				"OTEL_TRACES_SAMPLER=parentbased_always_on",
			}, "--database", testdb.URL(t, engine), "--migrate")
			d.Logs.Wait(t, "tracing to OTLP")
			conn := d.Dial(t)
			seedForTracing(t, conn)

			logCaller, segmentCaller := newCallerSpan(), newCallerSpan()
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			_, err = apiv1.NewInteractionLogServiceClient(conn).LogInteraction(logCaller.outgoing(ctx, "traced-log"), &apiv1.LogInteractionRequest{
				ContactNo: secret + "CONTACT", InteractionTemplateCode: "MAIL",
				Overrides: &apiv1.InteractionOverrides{Description: new(secret + "123"), Subject: new(secret + "SUBJECT")},
				Comments:  []string{secret + "COMMENT"},
			})
			ts.NoErr(t, err)
			_, err = apiv1.NewSegmentServiceClient(conn).LogSegment(segmentCaller.outgoing(ctx, "traced-segment"), &apiv1.LogSegmentRequest{Name: "segments/S1"})
			ts.NoErr(t, err)

			d.Signal(t, syscall.SIGTERM)
			ts.NoErr(t, d.WaitExit(t))
			spans := sink.Spans()
			wantNoSecrets(t, spans)
			for _, c := range []struct {
				caller    callerSpan
				method    string
				requestID string
			}{
				{logCaller, apiv1.InteractionLogService_LogInteraction_FullMethodName, "traced-log"},
				{segmentCaller, apiv1.SegmentService_LogSegment_FullMethodName, "traced-segment"},
			} {
				rpc := wantRPCSpan(t, spans, c.caller, c.method)
				wantAttribute(t, rpc.Span, "interlog.request_id", c.requestID)
				wantAttribute(t, rpc.Span, "enduser.id", "anonymous")
				if rpc.Service != "interlog-under-test" {
					t.Errorf("%s: service.name %q, want OTEL_SERVICE_NAME's", c.method, rpc.Service)
				}
				wantSQLBelow(t, spans, rpc, engine, "SELECT contacts", "INSERT interaction_log_entries")
				if got := accessLogOf(t, d, c.requestID)["trace_id"]; got != c.caller.traceID {
					t.Errorf("%s: access log trace_id %v, want the caller's %s", c.method, got, c.caller.traceID)
				}
			}
		})
	}
}

// TestDaemonTracingDisabled: OTEL_SDK_DISABLED=true wins over an endpoint:
// nothing is exported and the access log has no trace id.
func TestDaemonTracingDisabled(t *testing.T) {
	sink, err := otlpsink.Start(true)
	ts.NoErr(t, err)
	defer sink.Close()
	d := ts.StartDaemonWithEnv(t, []string{"OTEL_EXPORTER_OTLP_ENDPOINT=" + sink.Endpoint(), "OTEL_SDK_DISABLED=true"})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err = apiv1.NewInteractionGroupServiceClient(d.Dial(t)).ListInteractionGroups(newCallerSpan().outgoing(ctx, "untraced"), &apiv1.ListInteractionGroupsRequest{})
	ts.NoErr(t, err)
	if got, ok := accessLogOf(t, d, "untraced")["trace_id"]; ok {
		t.Errorf("access log trace_id %v with tracing disabled", got)
	}
	d.Signal(t, syscall.SIGTERM)
	ts.NoErr(t, d.WaitExit(t))
	if n := len(sink.Spans()); n != 0 {
		t.Errorf("%d spans exported with OTEL_SDK_DISABLED=true", n)
	}
}

// seedForTracing makes what the traced calls need: template MAIL, contact
// SECRET-VALUE-CONTACT and segment S1 with one line for it.
func seedForTracing(t *testing.T, conn *grpc.ClientConn) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	templates := apiv1.NewInteractionTemplateServiceClient(conn)
	segments := apiv1.NewSegmentServiceClient(conn)
	_, err := apiv1.NewInteractionGroupServiceClient(conn).CreateInteractionGroup(ctx, &apiv1.CreateInteractionGroupRequest{
		InteractionGroup: &apiv1.InteractionGroup{Code: "G"},
	})
	ts.NoErr(t, err)
	_, err = templates.CreateInteractionTemplate(ctx, &apiv1.CreateInteractionTemplateRequest{
		InteractionTemplate: &apiv1.InteractionTemplate{Code: "MAIL", InteractionGroupCode: "G", Description: "Mail", UnitCost: "1.5"},
	})
	ts.NoErr(t, err)
	_, err = apiv1.NewContactServiceClient(conn).CreateContact(ctx, &apiv1.CreateContactRequest{Contact: &apiv1.Contact{
		No: secret + "CONTACT", Type: apiv1.ContactType_CONTACT_TYPE_COMPANY, DisplayName: secret + "NAME", SalespersonCode: "SP",
	}})
	ts.NoErr(t, err)
	_, err = segments.CreateSegment(ctx, &apiv1.CreateSegmentRequest{Segment: &apiv1.Segment{
		No: "S1", Description: secret + "SEGMENT", InteractionTemplateCode: "MAIL", Subject: secret + "SEGMENT-SUBJECT",
	}})
	ts.NoErr(t, err)
	_, err = segments.CreateSegmentLine(ctx, &apiv1.CreateSegmentLineRequest{Parent: "segments/S1", SegmentLine: &apiv1.SegmentLine{
		ContactNo: secret + "CONTACT", Overrides: &apiv1.InteractionOverrides{Description: new(secret + "456")},
	}})
	ts.NoErr(t, err)
}

// wantNoSecrets fails if any span (name, attributes, events, status) holds
// a value the calls sent.
func wantNoSecrets(t *testing.T, spans []otlpsink.Span) {
	t.Helper()
	if len(spans) == 0 {
		t.Fatal("no spans exported")
	}
	for _, s := range spans {
		text := protojson.MarshalOptions{}.Format(s.Span)
		if strings.Contains(text, secret) {
			t.Errorf("span %q carries a bound value:\n%s", s.Name, text)
		}
	}
}

// wantRPCSpan returns the server span of method in the caller's trace and
// checks that the caller's span is its parent.
func wantRPCSpan(t *testing.T, spans []otlpsink.Span, caller callerSpan, method string) otlpsink.Span {
	t.Helper()
	name := strings.TrimPrefix(method, "/")
	for _, s := range spans {
		if s.Name == name && hex.EncodeToString(s.TraceId) == caller.traceID {
			if parent := hex.EncodeToString(s.ParentSpanId); parent != caller.spanID {
				t.Errorf("%s: parent span %s, want the caller's %s", name, parent, caller.spanID)
			}
			if s.Kind != tracepb.Span_SPAN_KIND_SERVER {
				t.Errorf("%s: kind %v, want SERVER", name, s.Kind)
			}
			return s
		}
	}
	t.Fatalf("no span %s in the caller's trace %s among %d spans", name, caller.traceID, len(spans))
	return otlpsink.Span{}
}

// dbSystemName is what the store's spans call the engine: TiDB, which OpenTelemetry's
// conventions do not name, is a MySQL server to interlog, as MariaDB is.
func dbSystemName(engine string) string {
	if engine == "tidb" {
		return "mysql"
	}
	return engine
}

// wantSQLBelow checks that every other span of the RPC's trace is an SQL
// statement below the RPC span, and that the statements include want.
func wantSQLBelow(t *testing.T, spans []otlpsink.Span, rpc otlpsink.Span, engine string, want ...string) {
	t.Helper()
	parents := map[string]string{}
	for _, s := range spans {
		parents[string(s.SpanId)] = string(s.ParentSpanId)
	}
	seen := map[string]bool{}
	for _, s := range spans {
		if string(s.TraceId) != string(rpc.TraceId) || string(s.SpanId) == string(rpc.SpanId) {
			continue
		}
		seen[s.Name] = true
		if !descends(parents, string(s.SpanId), string(rpc.SpanId)) {
			t.Errorf("%s: span %q is not below the RPC span", rpc.Name, s.Name)
		}
		if s.Kind != tracepb.Span_SPAN_KIND_CLIENT {
			t.Errorf("%s: span %q kind %v, want CLIENT", rpc.Name, s.Name, s.Kind)
		}
		wantAttribute(t, s.Span, "db.system.name", dbSystemName(engine))
		if q := attribute(s.Span, "db.query.text"); !strings.HasPrefix(q, strings.SplitN(s.Name, " ", 2)[0]) {
			t.Errorf("%s: span %q has db.query.text %q", rpc.Name, s.Name, q)
		}
	}
	for _, name := range want {
		if !seen[name] {
			t.Errorf("%s: no span %q below it; spans: %v", rpc.Name, name, seen)
		}
	}
}

// descends reports whether span has ancestor among its parents' chain.
func descends(parents map[string]string, span, ancestor string) bool {
	for p := parents[span]; p != ""; p = parents[p] {
		if p == ancestor {
			return true
		}
	}
	return false
}

func attribute(s *tracepb.Span, key string) string {
	for _, a := range s.Attributes {
		if a.Key == key {
			return a.Value.GetStringValue()
		}
	}
	return ""
}

func wantAttribute(t *testing.T, s *tracepb.Span, key, want string) {
	t.Helper()
	if got := attribute(s, key); got != want {
		t.Errorf("span %q: %s %q, want %q", s.Name, key, got, want)
	}
}

// accessLogOf is the access log record of the call with requestID.
func accessLogOf(t *testing.T, d *ts.Daemon, requestID string) map[string]any {
	t.Helper()
	for n := 1; ; n++ {
		rec := d.Logs.WaitNth(t, "finished call", n)
		if rec["request_id"] == requestID {
			return rec
		}
	}
}
