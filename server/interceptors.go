package server

import (
	"context"
	"errors"
	"log/slog"
	"runtime/debug"

	"buf.build/go/protovalidate"
	"github.com/google/uuid"
	"github.com/grpc-ecosystem/go-grpc-middleware/v2/interceptors/recovery"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	apiv1 "github.com/interlog/interlog/gen/interlog/v1"
	"github.com/interlog/interlog/store"
)

// requestIDHeader carries the request id in both directions.
const requestIDHeader = "x-request-id"

type requestIDKey struct{}

// requestIDFrom returns the id that logs of this call carry.
func requestIDFrom(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// withRequestID takes the caller's x-request-id when it is sensible, else
// makes one, and returns it in the response header. It also starts the
// call's logNotes.
func withRequestID(ctx context.Context) context.Context {
	id := ""
	if md, ok := metadata.FromIncomingContext(ctx); ok {
		if v := md.Get(requestIDHeader); len(v) > 0 && len(v[0]) <= 64 && printable(v[0]) {
			id = v[0]
		}
	}
	if id == "" {
		id = uuid.NewString()
	}
	_ = grpc.SetHeader(ctx, metadata.Pairs(requestIDHeader, id))
	traceRequestID(ctx, id)
	return context.WithValue(withLogNotes(ctx), requestIDKey{}, id)
}

func printable(s string) bool {
	for _, r := range s {
		if r < 0x21 || r > 0x7e {
			return false
		}
	}
	return s != ""
}

func requestIDUnary(ctx context.Context, req any, _ *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
	return h(withRequestID(ctx), req)
}

func requestIDStream(srv any, ss grpc.ServerStream, _ *grpc.StreamServerInfo, h grpc.StreamHandler) error {
	return h(srv, &contextStream{ServerStream: ss, ctx: withRequestID(ss.Context())})
}

// contextStream replaces a stream's context.
type contextStream struct {
	grpc.ServerStream
	ctx context.Context
}

func (s *contextStream) Context() context.Context { return s.ctx }

// statusUnary turns handler errors into statuses in one place (translate,
// which calls toStatus once) and logs the ones that hide an internal error,
// with the request id. Handlers return store errors as they are; only
// BatchLogInteractions translates, for the statuses its response carries.
func statusUnary(log *slog.Logger) grpc.UnaryServerInterceptor {
	return func(ctx context.Context, req any, info *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
		resp, err := h(ctx, req)
		return resp, translate(ctx, log, info.FullMethod, err)
	}
}

func statusStream(log *slog.Logger) grpc.StreamServerInterceptor {
	return func(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, h grpc.StreamHandler) error {
		return translate(ss.Context(), log, info.FullMethod, h(srv, ss))
	}
}

func translate(ctx context.Context, log *slog.Logger, method string, err error) error {
	if err == nil {
		return nil
	}
	st := toStatus(err)
	if endedByCaller(ctx, st, err) {
		log.DebugContext(ctx, "call ended by its caller", "method", method, "request_id", requestIDFrom(ctx), "error", err.Error())
		st = contextStatus(ctx.Err())
	}
	if status.Code(st) == codes.Internal {
		log.ErrorContext(ctx, "internal error", "method", method, "request_id", requestIDFrom(ctx), "error", err.Error())
	}
	return st
}

// endedByCaller reports whether err (whose status is st) is what the end of
// the call's context caused rather than an answer to the request. Once the
// caller has cancelled (or its deadline has passed), the interrupted
// statement, the transaction rolled back under a commit, the connection
// closed by the driver or the retries cut short come back as driver errors
// (INTERNAL), lost connections (UNAVAILABLE) or conflicts (ABORTED); the call
// is CANCELED (or DEADLINE_EXCEEDED) in the log and the metrics all the same.
func endedByCaller(ctx context.Context, st, err error) bool {
	if ctx.Err() == nil {
		return false
	}
	switch status.Code(st) {
	case codes.Internal, codes.Unavailable:
		return true
	}
	return errors.Is(err, store.ErrConflict)
}

// recoveryOption turns a panic into INTERNAL and logs it with its stack.
func recoveryOption(log *slog.Logger) recovery.Option {
	return recovery.WithRecoveryHandlerContext(func(ctx context.Context, p any) error {
		log.ErrorContext(ctx, "panic", "request_id", requestIDFrom(ctx), "panic", p, "stack", string(debug.Stack()))
		return withDetails(codes.Internal, "internal error; the server log has details under this request's id", apiv1.ErrorReason_ERROR_REASON_INTERNAL)
	})
}

// validator checks requests against the protovalidate rules in the protos.
type validator struct{ v protovalidate.Validator }

func newValidator() (*validator, error) {
	v, err := protovalidate.New()
	if err != nil {
		return nil, err
	}
	return &validator{v: v}, nil
}

// check returns INVALID_ARGUMENT with a field violation per broken rule.
func (v *validator) check(msg any) error {
	m, ok := msg.(proto.Message)
	if !ok {
		return nil
	}
	err := v.v.Validate(m)
	var verr *protovalidate.ValidationError
	if !errors.As(err, &verr) {
		return err
	}
	violations := make([]fieldViolation, 0, len(verr.Violations))
	for _, viol := range verr.Violations {
		violations = append(violations, fieldViolation{
			Field:       protovalidate.FieldPathString(viol.Proto.GetField()),
			Description: viol.Proto.GetMessage(),
		})
	}
	return invalidArgument(violations...)
}

func (v *validator) unary(ctx context.Context, req any, _ *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
	if err := v.check(req); err != nil {
		return nil, err
	}
	return h(ctx, req)
}

func (v *validator) stream(srv any, ss grpc.ServerStream, _ *grpc.StreamServerInfo, h grpc.StreamHandler) error {
	return h(srv, &checkedStream{ServerStream: ss, check: v.check})
}

// checkedStream runs check on every message a client streams in.
type checkedStream struct {
	grpc.ServerStream
	check func(m any) error
}

func (s *checkedStream) RecvMsg(m any) error {
	if err := s.ServerStream.RecvMsg(m); err != nil {
		return err
	}
	return s.check(m)
}
