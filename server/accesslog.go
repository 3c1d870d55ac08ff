package server

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strconv"
	"time"

	"github.com/grpc-ecosystem/go-grpc-middleware/v2/interceptors"
	"github.com/grpc-ecosystem/go-grpc-middleware/v2/interceptors/logging"
	"google.golang.org/grpc"
	"google.golang.org/grpc/peer"
	"google.golang.org/grpc/status"
)

// accessLog writes one line per call when it ends ("finished call"), with
// the fields, order and levels of go-grpc-middleware's logging interceptor
// (logging on FinishCall), which it replaces: that one built, merged and
// stored field lists in every call's context and formatted through fmt, a
// cost a CPU profile of LogInteraction showed (docs/benchmarks.md).
type accessLog struct{ log *slog.Logger }

func (a accessLog) unary(ctx context.Context, req any, info *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
	start := time.Now()
	resp, err := h(ctx, req)
	a.write(ctx, interceptors.NewServerCallMeta(info.FullMethod, nil, req), start, err)
	return resp, err
}

func (a accessLog) stream(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, h grpc.StreamHandler) error {
	start := time.Now()
	err := h(srv, ss)
	a.write(ss.Context(), interceptors.NewServerCallMeta(info.FullMethod, info, nil), start, err)
	return err
}

// accessLogAttrs is the most attributes a line has.
const accessLogAttrs = 14

// write logs the call that started at start and ended with err.
func (a accessLog) write(ctx context.Context, call interceptors.CallMeta, start time.Time, err error) {
	elapsed := time.Since(start)
	if errors.Is(err, io.EOF) {
		err = nil // a stream that ended normally
	}
	code := status.Code(err)
	level := slog.Level(logging.DefaultServerCodeToLevel(code))
	h := a.log.Handler()
	if !h.Enabled(ctx, level) {
		return
	}
	var buf [accessLogAttrs]slog.Attr
	attrs := append(buf[:0],
		slog.String("request_id", requestIDFrom(ctx)),
	)
	if traceID, ok := traceIDAttr(ctx); ok {
		attrs = append(attrs, traceID)
	}
	attrs = append(attrs,
		slog.String("principal", principalFrom(ctx)),
		slog.String("protocol", "grpc"),
		slog.String("grpc.component", "server"),
		slog.String("grpc.service", call.Service),
		slog.String("grpc.method", call.Method),
		slog.String("grpc.method_type", string(call.Typ)),
	)
	if p, ok := peer.FromContext(ctx); ok {
		attrs = append(attrs, slog.String("peer.address", p.Addr.String()))
	}
	attrs = append(attrs, slog.String("grpc.start_time", start.Format(time.RFC3339)))
	if d, ok := ctx.Deadline(); ok {
		attrs = append(attrs, slog.String("grpc.request.deadline", d.Format(time.RFC3339)))
	}
	attrs = append(attrs, slog.String("grpc.code", code.String()))
	if err != nil {
		attrs = append(attrs, slog.String("grpc.error", err.Error()))
	}
	attrs = append(attrs, slog.String("grpc.time_ms", millis(elapsed)))
	// A record of our own rather than Logger.LogAttrs, which walks the
	// stack for the caller's source position on every line; the source
	// would be this function anyway.
	r := slog.NewRecord(time.Now(), level, "finished call", 0)
	r.AddAttrs(attrs...)
	_ = h.Handle(ctx, r)
}

// millis writes d in milliseconds to the microsecond, as a float32 in
// shortest form ("8.122"), as the logging interceptor did.
func millis(d time.Duration) string {
	return strconv.FormatFloat(float64(float32(d.Microseconds())/1000), 'g', -1, 32)
}
