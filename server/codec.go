package server

import (
	"context"
	"strconv"
	"sync"
	"unicode/utf8"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/encoding"
	protocodec "google.golang.org/grpc/encoding/proto"
	"google.golang.org/grpc/mem"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	apiv1 "github.com/interlog/interlog/gen/interlog/v1"
	"github.com/interlog/interlog/internal/chunkwire"
)

// serverCodec is grpc's proto codec, except that a request that does not
// decode is INVALID_ARGUMENT naming the field at fault, not INTERNAL.
//
// grpc-go turns every error of a codec's Unmarshal into INTERNAL ("grpc:
// failed to unmarshal the received message") before any interceptor runs, and
// the Go protobuf runtime refuses string fields that are not valid UTF-8. Such
// a request is bad input, which SPEC §4 answers with INVALID_ARGUMENT. So
// Unmarshal never fails on a request message: it leaves the message empty and
// notes why in failed, keyed by the message. The codec's guards take the note
// back at once (see serverOptions), so that failed is empty between calls
// whatever the interceptors do.
//
// Two messages of attachments bypass the generic codec, to move their bytes
// without its copies (internal/chunkwire): the chunks of an upload
// (wireDecoder, uploadChunk) and of a download (chunkwire.Encoded).
type serverCodec struct {
	base   encoding.CodecV2
	failed sync.Map // request message (a pointer) -> its INVALID_ARGUMENT error
}

func newServerCodec() *serverCodec {
	return &serverCodec{base: encoding.GetCodecV2(protocodec.Name)}
}

func (c *serverCodec) Name() string { return c.base.Name() }

func (c *serverCodec) Marshal(v any) (mem.BufferSlice, error) {
	if m, ok := v.(chunkwire.Encoded); ok {
		return m.Wire(), nil
	}
	return c.base.Marshal(v)
}

func (c *serverCodec) Unmarshal(data mem.BufferSlice, v any) error {
	if d, ok := v.(wireDecoder); ok {
		if err := decodeWith(d, data); err != nil {
			c.failed.Store(v, err)
		}
		return nil
	}
	err := c.base.Unmarshal(data, v)
	m, isProto := v.(proto.Message)
	if err == nil || !isProto {
		return err
	}
	proto.Reset(m)
	c.failed.Store(m, undecodable(m.ProtoReflect().Descriptor(), data.Materialize()))
	return nil
}

// wireDecoder is a request type that decodes its own wire bytes, for a hot
// path where the generic decoder's allocations matter (uploadChunk).
type wireDecoder interface {
	decodeWire(b []byte) error
}

// decodeWith hands d the message's bytes, contiguous (MaterializeToBuffer
// copies only what arrived in more than one buffer, into a pooled one).
func decodeWith(d wireDecoder, data mem.BufferSlice) error {
	buf := data.MaterializeToBuffer(mem.DefaultBufferPool())
	defer buf.Free()
	return d.decodeWire(buf.ReadOnlyData())
}

// take returns (and forgets) why the message m could not be decoded, or nil.
func (c *serverCodec) take(m any) error {
	if err, ok := c.failed.LoadAndDelete(m); ok {
		return err.(error)
	}
	return nil
}

// serverOptions make c the server's codec and install its guards as gRPC's
// own unary and stream interceptors. gRPC runs those before every chained
// interceptor (and allows one of each: setting another panics), and a call's
// request is decoded just before them (a unary one) or inside the stream's
// RecvMsg, which every interceptor and handler reaches through the guard. So
// every note Unmarshal leaves is taken back by the same call at once,
// whatever the chain does: none can be left behind.
func (c *serverCodec) serverOptions() []grpc.ServerOption {
	return []grpc.ServerOption{
		grpc.ForceServerCodecV2(c),
		grpc.UnaryInterceptor(c.unaryGuard),
		grpc.StreamInterceptor(c.streamGuard),
	}
}

// undecodableKey is the context key of a unary request's decoding error.
type undecodableKey struct{}

// unaryGuard moves a request's decoding error into the call's context, for
// rejectUndecodable.
func (c *serverCodec) unaryGuard(ctx context.Context, req any, _ *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
	if err := c.take(req); err != nil {
		ctx = context.WithValue(ctx, undecodableKey{}, err)
	}
	return h(ctx, req)
}

// rejectUndecodable answers a unary call whose request did not decode with
// the error. It is chained after the interceptors that log and count calls,
// so that they see the call, and before auth, so that a bad request gets the
// same answer with or without credentials.
func rejectUndecodable(ctx context.Context, req any, _ *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
	if err, ok := ctx.Value(undecodableKey{}).(error); ok {
		return nil, err
	}
	return h(ctx, req)
}

// streamGuard makes a streamed message that did not decode fail its
// RecvMsg with the error; the interceptors outside the guard's stream (all
// of them) and the handler see it as the receive's error.
func (c *serverCodec) streamGuard(srv any, ss grpc.ServerStream, _ *grpc.StreamServerInfo, h grpc.StreamHandler) error {
	return h(srv, &checkedStream{ServerStream: ss, check: c.take})
}

// undecodable explains why the wire bytes b of a message of type md do not
// decode: a field violation when the fault lies inside a known field.
func undecodable(md protoreflect.MessageDescriptor, b []byte) error {
	if path, why := wireFault(md, b, 0); path != "" {
		return invalidField(path, why)
	}
	return withDetails(codes.InvalidArgument, "the request is not a valid protobuf message of type "+string(md.FullName()), apiv1.ErrorReason_ERROR_REASON_INVALID_FIELD)
}

// maxWireDepth bounds how deep wireFault follows nested messages.
const maxWireDepth = 64

// wireFault walks the wire bytes of a message of type md and returns the path
// ("comments[1].text") of the first known field whose value cannot be decoded
// and why; the path is "" when no known field is at fault (for instance a
// broken tag between fields).
func wireFault(md protoreflect.MessageDescriptor, b []byte, depth int) (path, why string) {
	seen := map[protowire.Number]int{}
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return "", ""
		}
		b = b[n:]
		n = protowire.ConsumeFieldValue(num, typ, b)
		fd := md.Fields().ByNumber(num)
		if fd == nil {
			if n < 0 {
				return "", ""
			}
			b = b[n:]
			continue
		}
		name := fieldName(fd, seen[num])
		seen[num]++
		if n < 0 {
			return name, "is cut short or malformed on the wire"
		}
		if typ == protowire.BytesType {
			value, _ := protowire.ConsumeBytes(b)
			if inner, why := valueFault(fd, value, depth); why != "" {
				return joinPath(name, inner), why
			}
		}
		b = b[n:]
	}
	return "", ""
}

// valueFault checks one length-delimited value of field fd.
func valueFault(fd protoreflect.FieldDescriptor, value []byte, depth int) (path, why string) {
	switch fd.Kind() {
	case protoreflect.StringKind:
		if !utf8.Valid(value) {
			return "", "must be valid UTF-8"
		}
	case protoreflect.BytesKind:
	case protoreflect.MessageKind, protoreflect.GroupKind:
		if depth >= maxWireDepth {
			return "", ""
		}
		path, why := wireFault(fd.Message(), value, depth+1)
		if fd.IsMap() {
			path = "" // a map entry's key and value are not fields a caller names
		}
		return path, why
	default: // packed repeated scalars
		if fd.IsList() && !packedValid(fd.Kind(), value) {
			return "", "is cut short or malformed on the wire"
		}
	}
	return "", ""
}

// packedValid reports whether value is a sequence of whole scalars of kind k.
func packedValid(k protoreflect.Kind, value []byte) bool {
	for len(value) > 0 {
		var n int
		switch k {
		case protoreflect.Fixed32Kind, protoreflect.Sfixed32Kind, protoreflect.FloatKind:
			_, n = protowire.ConsumeFixed32(value)
		case protoreflect.Fixed64Kind, protoreflect.Sfixed64Kind, protoreflect.DoubleKind:
			_, n = protowire.ConsumeFixed64(value)
		default:
			_, n = protowire.ConsumeVarint(value)
		}
		if n < 0 {
			return false
		}
		value = value[n:]
	}
	return true
}

// fieldName is a field's path element, with the index for repeated fields
// (as in protovalidate's field paths).
func fieldName(fd protoreflect.FieldDescriptor, index int) string {
	if fd.IsList() {
		return string(fd.Name()) + "[" + strconv.Itoa(index) + "]"
	}
	return string(fd.Name())
}

func joinPath(outer, inner string) string {
	if inner == "" {
		return outer
	}
	return outer + "." + inner
}
