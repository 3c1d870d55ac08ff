package testserver

import (
	"context"
	"slices"
	"strings"

	"google.golang.org/grpc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"

	apiv1 "github.com/interlog/interlog/gen/interlog/v1"
)

// rawCodec sends and receives message bytes as they are, so that tests can
// send what a well-behaved client never would (strings that are not UTF-8,
// broken wire format).
type rawCodec struct{}

func (rawCodec) Name() string { return "proto" }

func (rawCodec) Marshal(v any) ([]byte, error) { return *v.(*[]byte), nil }

func (rawCodec) Unmarshal(b []byte, v any) error {
	*v.(*[]byte) = append([]byte(nil), b...)
	return nil
}

// InvokeRaw calls a unary method ("/interlog.v1.Service/Method") with req as
// the request's wire bytes and returns the response's wire bytes.
func (e *Env) InvokeRaw(ctx context.Context, method string, req []byte) ([]byte, error) {
	var resp []byte
	err := e.Conn.Invoke(ctx, method, &req, &resp, grpc.ForceCodec(rawCodec{}))
	return resp, err
}

// StreamRaw calls a client-streaming method with each of msgs as one
// message's wire bytes and returns the response's wire bytes.
func (e *Env) StreamRaw(ctx context.Context, method string, msgs ...[]byte) ([]byte, error) {
	desc := &grpc.StreamDesc{ClientStreams: true}
	stream, err := e.Conn.NewStream(ctx, desc, method, grpc.ForceCodec(rawCodec{}))
	if err != nil {
		return nil, err
	}
	for _, m := range msgs {
		if err := stream.SendMsg(&m); err != nil {
			break // the server has answered; RecvMsg returns its status
		}
	}
	if err := stream.CloseSend(); err != nil {
		return nil, err
	}
	var resp []byte
	return resp, stream.RecvMsg(&resp)
}

// Method is one RPC of the API.
type Method struct {
	FullName string // "/interlog.v1.Service/Method", as grpc names it
	Desc     protoreflect.MethodDescriptor
}

// Unary reports whether the method takes and returns one message.
func (m Method) Unary() bool { return !m.Desc.IsStreamingClient() && !m.Desc.IsStreamingServer() }

// Methods lists every RPC of the interlog.v1 services, sorted by name.
func Methods() []Method {
	var out []Method
	protoregistry.GlobalFiles.RangeFilesByPackage("interlog.v1", func(fd protoreflect.FileDescriptor) bool {
		for i := range fd.Services().Len() {
			sd := fd.Services().Get(i)
			for j := range sd.Methods().Len() {
				md := sd.Methods().Get(j)
				out = append(out, Method{FullName: "/" + string(sd.FullName()) + "/" + string(md.Name()), Desc: md})
			}
		}
		return true
	})
	slices.SortFunc(out, func(a, b Method) int { return strings.Compare(a.FullName, b.FullName) })
	return out
}

// UnaryMethods lists the unary RPCs of the interlog.v1 services.
func UnaryMethods() []Method {
	var out []Method
	for _, m := range Methods() {
		if m.Unary() {
			out = append(out, m)
		}
	}
	return out
}

// The generated package must be linked in for its descriptors to be registered.
var _ = apiv1.File_interlog_v1_common_proto
