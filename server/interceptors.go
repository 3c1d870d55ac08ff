package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"log/slog"
	"runtime/debug"
	"strings"

	"buf.build/go/protovalidate"
	"github.com/google/uuid"
	"github.com/grpc-ecosystem/go-grpc-middleware/v2/interceptors/recovery"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"

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

// idempotency implements AIP-155 for every request with a request_id field:
// the first response is stored in the same transaction as the request's
// work, and a retry with the same id and the same request gets it back. Ids
// are scoped to the principal and the method (store.RequestKey): the same id
// from another principal or for another method is a new request.
type idempotency struct{ store *store.Store }

func (i *idempotency) unary(ctx context.Context, req any, info *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
	msg, ok := req.(proto.Message)
	if !ok {
		return h(ctx, req)
	}
	id := requestIDField(msg)
	if id == "" {
		return h(ctx, req)
	}
	hash := requestHash(msg)
	key := requestKey(ctx, info.FullMethod, id)
	if batchedMethods[info.FullMethod] {
		if resp, found, err := i.replay(ctx, key, hash); found || err != nil {
			return resp, err
		}
		return i.recordAfter(ctx, req, key, hash, h)
	}
	return i.once(ctx, key, hash, func(ctx context.Context) (proto.Message, error) {
		r, err := h(ctx, req)
		if err != nil {
			return nil, err
		}
		return r.(proto.Message), nil
	})
}

// requestKey scopes a request id to the caller (auth has run) and the method.
func requestKey(ctx context.Context, method, id string) store.RequestKey {
	return store.RequestKey{Principal: principalFrom(ctx), Method: method, RequestID: id}
}

// once runs work for a request with a request id unless an earlier request
// with that key ran it, in which case it returns that request's response. The
// work runs in one transaction with the claim of the id and the record of
// its response.
func (i *idempotency) once(ctx context.Context, key store.RequestKey, hash string, work func(ctx context.Context) (proto.Message, error)) (proto.Message, error) {
	if resp, found, err := i.replay(ctx, key, hash); found || err != nil {
		return resp, err
	}
	var resp proto.Message
	claimed := false
	err := i.store.RunInTx(ctx, func(ctx context.Context) error {
		claimed = false
		if err := i.store.ClaimRequest(ctx, key, hash); err != nil {
			return err
		}
		claimed = true
		r, err := work(ctx)
		if err != nil {
			return err
		}
		b, err := proto.Marshal(r)
		if err != nil {
			return err
		}
		resp = r
		return i.store.SaveResponse(ctx, key, b)
	})
	if !claimed && errors.Is(err, store.ErrAlreadyExists) {
		// A concurrent request with the same id committed first.
		if resp, found, rerr := i.replay(ctx, key, hash); found || rerr != nil {
			return resp, rerr
		}
	}
	return resp, err
}

// batchedMethods commit their work in several transactions (bulk deletes
// that must not hold locks for long), so they cannot run inside the
// request's transaction: their store methods refuse to (store.ErrInTransaction).
var batchedMethods = map[string]bool{
	apiv1.InteractionLogService_DeleteCanceledInteractionLogEntries_FullMethodName: true,
	apiv1.SegmentService_DeleteCanceledLoggedSegments_FullMethodName:               true,
}

// recordAfter runs a batched method outside any transaction and records its
// response once its work is done. A retry after a failure continues the work
// (each batch that committed stays done). Two calls with the same request id
// running at the same time may both work; that is safe because batched
// methods are idempotent in effect (deleting what is already deleted does
// nothing), and both callers get the response recorded first.
func (i *idempotency) recordAfter(ctx context.Context, req any, key store.RequestKey, hash string, h grpc.UnaryHandler) (any, error) {
	resp, err := h(ctx, req)
	if err != nil {
		return nil, err
	}
	b, err := proto.Marshal(resp.(proto.Message))
	if err != nil {
		return nil, err
	}
	err = i.store.RunInTx(ctx, func(ctx context.Context) error {
		if err := i.store.ClaimRequest(ctx, key, hash); err != nil {
			return err
		}
		return i.store.SaveResponse(ctx, key, b)
	})
	if errors.Is(err, store.ErrAlreadyExists) {
		if first, found, rerr := i.replay(ctx, key, hash); found || rerr != nil {
			return first, rerr
		}
	}
	return resp, err
}

// replay returns the stored response of an earlier request with this key.
func (i *idempotency) replay(ctx context.Context, key store.RequestKey, hash string) (proto.Message, bool, error) {
	rec, found, err := i.store.FindRequest(ctx, key)
	if err != nil || !found {
		return nil, false, err
	}
	if rec.RequestHash != hash {
		return nil, true, invalidArgumentBecause(apiv1.ErrorReason_ERROR_REASON_REQUEST_ID_REUSED, fieldViolation{
			Field: "request_id", Description: "was already used with a different request: use a new request id for a new request",
		})
	}
	resp, err := newResponse(key.Method)
	if err != nil {
		return nil, true, err
	}
	return resp, true, proto.Unmarshal(rec.Response, resp)
}

// requestIDField reads the request's request_id field, if it has one.
func requestIDField(msg proto.Message) string {
	m := msg.ProtoReflect()
	f := m.Descriptor().Fields().ByName("request_id")
	if f == nil || f.Kind() != protoreflect.StringKind {
		return ""
	}
	return m.Get(f).String()
}

// requestHash identifies a request's content apart from its request id.
func requestHash(msg proto.Message) string {
	c := proto.Clone(msg)
	m := c.ProtoReflect()
	m.Clear(m.Descriptor().Fields().ByName("request_id"))
	b, _ := proto.MarshalOptions{Deterministic: true}.Marshal(c)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// newResponse makes an empty response message of a gRPC method
// ("/pkg.Service/Method").
func newResponse(fullMethod string) (proto.Message, error) {
	service, method, _ := strings.Cut(strings.TrimPrefix(fullMethod, "/"), "/")
	d, err := protoregistry.GlobalFiles.FindDescriptorByName(protoreflect.FullName(service))
	if err != nil {
		return nil, err
	}
	sd, ok := d.(protoreflect.ServiceDescriptor)
	if !ok {
		return nil, errors.New("not a service: " + service)
	}
	md := sd.Methods().ByName(protoreflect.Name(method))
	if md == nil {
		return nil, errors.New("no method " + fullMethod)
	}
	mt, err := protoregistry.GlobalTypes.FindMessageByName(md.Output().FullName())
	if err != nil {
		return nil, err
	}
	return mt.New().Interface(), nil
}
