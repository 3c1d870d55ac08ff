// Package server implements interlog's gRPC services on top of package store:
// one file per service, each with a small interface of the store methods it
// calls; the interceptors every call goes through (recovery, request id,
// access log, metrics, error translation, auth, validation); and the write
// helpers every mutating call goes through (idempotency.go: one transaction
// on behalf of the caller, request ids).
package server

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/grpc-ecosystem/go-grpc-middleware/v2/interceptors/recovery"
	"github.com/prometheus/client_golang/prometheus"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
	"google.golang.org/grpc"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/reflection"

	apiv1 "github.com/interlog/interlog/gen/interlog/v1"
	"github.com/interlog/interlog/store"
)

// Options configure the gRPC server.
type Options struct {
	// Logger receives access logs and errors. Default slog.Default().
	Logger *slog.Logger
	// HealthInterval is how often the database is pinged for the health service. Default 2s.
	HealthInterval time.Duration
	// MaxAttachmentBytes limits the size of an uploaded attachment. Default
	// DefaultMaxAttachmentBytes (32 MiB).
	MaxAttachmentBytes int64
	// MaxConcurrentUploads bounds the uploads the server runs at once; one
	// more is RESOURCE_EXHAUSTED. Default DefaultMaxConcurrentUploads.
	MaxConcurrentUploads int
	// UploadIdleTimeout stops an upload whose client sends nothing for this
	// long (DEADLINE_EXCEEDED), deleting what it sent. Default
	// DefaultUploadIdleTimeout.
	UploadIdleTimeout time.Duration
	// ServerOptions are passed to grpc.NewServer after ours (TLS credentials,
	// limits). Interceptors go in a chain (grpc.ChainUnaryInterceptor): the
	// single unary and stream interceptors are the codec's (serverOptions).
	ServerOptions []grpc.ServerOption
	// Tokens authenticates callers (see TokenFile). Nil serves without
	// authentication: every caller has the admin role and is "anonymous", or
	// the subject of its verified client certificate.
	Tokens *TokenFile
	// Metrics receives the per-RPC and database pool metrics (see
	// metrics.go). Nil keeps them in a registry nobody reads.
	Metrics prometheus.Registerer
	// TracerProvider, when set, gives every call a span (see tracing.go),
	// with the caller's trace context read by Propagator. Nil: no tracing.
	TracerProvider trace.TracerProvider
	Propagator     propagation.TextMapPropagator
	// MaxWatchers bounds the WatchChanges calls the server runs at once; one
	// more is RESOURCE_EXHAUSTED. Default DefaultMaxWatchers.
	MaxWatchers int
	// ChangeHeartbeat is how often a watch sends a heartbeat. Default
	// DefaultChangeHeartbeat.
	ChangeHeartbeat time.Duration
	// ChangeRetention: changes older than this are pruned. Default
	// DefaultChangeRetention.
	ChangeRetention time.Duration
	// ChangePollInterval is how often the feed looks for changes made
	// through other replicas (store.FeedOptions.PollInterval); 0 is the
	// store's default.
	ChangePollInterval time.Duration
}

// Server is the assembled gRPC server.
type Server struct {
	GRPC   *grpc.Server
	store  *store.Store
	log    *slog.Logger
	health *health.Server
	stop   chan struct{}
	feed   sync.WaitGroup // RunFeed and the change hub, which Close waits for
	// changeHub fans newly sequenced changes out to this process's watchers.
	changeHub *changeHub
	opts      Options
	rules     *validator // the protovalidate rules, also checked item by item
}

// New builds a server whose services use st. Call Close when done.
func New(st *store.Store, opts Options) (*Server, error) {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.HealthInterval <= 0 {
		opts.HealthInterval = 2 * time.Second
	}
	if opts.MaxAttachmentBytes <= 0 {
		opts.MaxAttachmentBytes = DefaultMaxAttachmentBytes
	}
	if opts.MaxConcurrentUploads <= 0 {
		opts.MaxConcurrentUploads = DefaultMaxConcurrentUploads
	}
	if opts.UploadIdleTimeout <= 0 {
		opts.UploadIdleTimeout = DefaultUploadIdleTimeout
	}
	if opts.MaxWatchers <= 0 {
		opts.MaxWatchers = DefaultMaxWatchers
	}
	if opts.ChangeHeartbeat <= 0 {
		opts.ChangeHeartbeat = DefaultChangeHeartbeat
	}
	if opts.ChangeRetention <= 0 {
		opts.ChangeRetention = DefaultChangeRetention
	}
	v, err := newValidator()
	if err != nil {
		return nil, err
	}
	if opts.Metrics == nil {
		opts.Metrics = prometheus.NewRegistry()
	}
	metrics, err := newMetrics(opts.Metrics, st)
	if err != nil {
		return nil, err
	}
	// The feed stores each change's resource as the API message it returns.
	st.SetResourceEncoder(encodeChangeResource)
	auth := &authenticator{tokens: opts.Tokens}
	codec := newServerCodec()
	access := accessLog{log: opts.Logger}
	grpcOpts := append(codec.serverOptions(),
		grpc.ChainUnaryInterceptor(
			recovery.UnaryServerInterceptor(recoveryOption(opts.Logger)),
			requestIDUnary,
			access.unary,
			metrics.UnaryServerInterceptor(),
			statusUnary(opts.Logger),
			rejectUndecodable,
			auth.unary,
			v.unary,
		),
		grpc.ChainStreamInterceptor(
			recovery.StreamServerInterceptor(recoveryOption(opts.Logger)),
			requestIDStream,
			access.stream,
			metrics.StreamServerInterceptor(),
			statusStream(opts.Logger),
			auth.stream,
			v.stream,
		),
	)
	grpcOpts = append(grpcOpts, opts.ServerOptions...)
	grpcOpts = append(grpcOpts, tracingOption(opts)...)

	s := &Server{
		GRPC:   grpc.NewServer(grpcOpts...),
		store:  st,
		log:    opts.Logger,
		health: health.NewServer(),
		stop:   make(chan struct{}),
		opts:   opts,
		rules:  v,
	}
	s.changeHub = newChangeHub(st, opts.Logger)
	s.register()
	metrics.InitializeMetrics(s.GRPC)
	go s.watchHealth(opts.HealthInterval)
	go s.repeat(sweepEvery, "abandoned uploads", s.sweepUploads)
	go s.repeat(time.Hour, "expired request ids", s.purgeRequestIDs)
	s.runFeed()
	return s, nil
}

// runFeed runs the change feed's sequencer, pruning and high-water polling
// (store.RunFeed) until Close, unless the feed is off.
func (s *Server) runFeed() {
	if !s.store.ChangeFeedEnabled() {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	s.feed.Add(3)
	go func() {
		defer s.feed.Done()
		s.store.RunFeed(ctx, store.FeedOptions{
			PollInterval: s.opts.ChangePollInterval, Retention: s.opts.ChangeRetention, Logger: s.log,
		})
	}()
	go func() { defer s.feed.Done(); s.changeHub.run(ctx) }()
	go func() { defer s.feed.Done(); <-s.stop; cancel() }()
}

// register adds every service.
func (s *Server) register() {
	apiv1.RegisterInteractionGroupServiceServer(s.GRPC, &groupService{store: s.store})
	apiv1.RegisterInteractionTemplateServiceServer(s.GRPC, &templateService{store: s.store})
	apiv1.RegisterContactServiceServer(s.GRPC, &contactService{store: s.store})
	apiv1.RegisterInteractionLogServiceServer(s.GRPC, &logService{store: s.store, validator: s.rules})
	apiv1.RegisterSegmentServiceServer(s.GRPC, &segmentService{store: s.store})
	apiv1.RegisterChangeServiceServer(s.GRPC, &changeService{store: s.store, hub: s.changeHub, watchers: make(slots, s.opts.MaxWatchers),
		heartbeat: s.opts.ChangeHeartbeat, stop: s.stop})
	apiv1.RegisterAttachmentServiceServer(s.GRPC, &attachmentService{store: s.store, maxBytes: s.opts.MaxAttachmentBytes,
		limits: newUploadLimits(s.opts.MaxConcurrentUploads, s.opts.UploadIdleTimeout), log: s.log})
	healthpb.RegisterHealthServer(s.GRPC, s.health)
	reflection.Register(s.GRPC)
}

// requestIDRetention is how long a request id is remembered: AIP-155 asks
// for at least 24 hours.
const requestIDRetention = 25 * time.Hour

// purgeRequestIDs forgets request ids older than requestIDRetention.
func (s *Server) purgeRequestIDs(ctx context.Context) (int64, error) {
	return s.store.PurgeRequests(ctx, store.Micros(time.Now().Add(-requestIDRetention)))
}

// repeat runs a housekeeping job now and then every interval until the
// server closes, logging what it removed.
func (s *Server) repeat(every time.Duration, what string, job func(context.Context) (int64, error)) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		n, err := job(ctx)
		cancel()
		if err != nil {
			s.log.Warn("housekeeping failed", "job", what, "error", err.Error())
		} else if n > 0 {
			s.log.Info("housekeeping", "job", what, "deleted", n)
		}
		select {
		case <-s.stop:
			return
		case <-t.C:
		}
	}
}

// watchHealth reports SERVING while the database answers, NOT_SERVING otherwise.
func (s *Server) watchHealth(every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		s.checkHealth()
		select {
		case <-s.stop:
			return
		case <-t.C:
		}
	}
}

func (s *Server) checkHealth() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	state := healthpb.HealthCheckResponse_SERVING
	if err := s.store.Ping(ctx); err != nil {
		state = healthpb.HealthCheckResponse_NOT_SERVING
	}
	s.health.SetServingStatus("", state)
	for name := range s.GRPC.GetServiceInfo() {
		if name != healthpb.Health_ServiceDesc.ServiceName {
			s.health.SetServingStatus(name, state)
		}
	}
}

// Close stops the health watcher and marks the server as shutting down.
func (s *Server) Close() {
	select {
	case <-s.stop:
	default:
		close(s.stop)
	}
	s.feed.Wait()
	s.health.Shutdown()
}
