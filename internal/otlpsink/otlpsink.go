// Package otlpsink is an OTLP/gRPC trace receiver on a loopback socket, in
// process: the collector a test points interlogd at to see the spans it
// exports, or that a benchmark exports to and that throws them away.
package otlpsink

import (
	"context"
	"net"
	"sync"

	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/grpc"
)

// Sink receives spans over OTLP/gRPC.
type Sink struct {
	coltracepb.UnimplementedTraceServiceServer
	keep     bool
	grpc     *grpc.Server
	endpoint string

	mu    sync.Mutex
	spans []Span
	count int
}

// Span is a span received, with the service.name of its resource.
type Span struct {
	*tracepb.Span
	Service string
}

// Start serves a receiver on 127.0.0.1. With keep it remembers every span
// (Spans); without, it only acknowledges them. Call Close when done.
func Start(keep bool) (*Sink, error) {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &Sink{keep: keep, grpc: grpc.NewServer(), endpoint: "http://" + lis.Addr().String()}
	coltracepb.RegisterTraceServiceServer(s.grpc, s)
	go func() { _ = s.grpc.Serve(lis) }()
	return s, nil
}

// Endpoint is the receiver's address as OTEL_EXPORTER_OTLP_ENDPOINT takes
// it ("http://127.0.0.1:port": plaintext).
func (s *Sink) Endpoint() string { return s.endpoint }

// Close stops the receiver.
func (s *Sink) Close() { s.grpc.Stop() }

// Export receives a batch of spans.
func (s *Sink) Export(_ context.Context, req *coltracepb.ExportTraceServiceRequest) (*coltracepb.ExportTraceServiceResponse, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, rs := range req.GetResourceSpans() {
		for _, ss := range rs.GetScopeSpans() {
			s.count += len(ss.GetSpans())
		}
		if !s.keep {
			continue
		}
		service := ""
		for _, a := range rs.GetResource().GetAttributes() {
			if a.GetKey() == "service.name" {
				service = a.GetValue().GetStringValue()
			}
		}
		for _, ss := range rs.GetScopeSpans() {
			for _, span := range ss.GetSpans() {
				s.spans = append(s.spans, Span{Span: span, Service: service})
			}
		}
	}
	return &coltracepb.ExportTraceServiceResponse{}, nil
}

// Count is the number of spans received so far.
func (s *Sink) Count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.count
}

// Spans returns the spans received so far (none unless it keeps them).
func (s *Sink) Spans() []Span {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Span(nil), s.spans...)
}
