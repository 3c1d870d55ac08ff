package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/mem"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/emptypb"

	apiv1 "github.com/interlog/interlog/gen/interlog/v1"
)

func field(num protowire.Number, value []byte) []byte {
	return protowire.AppendBytes(protowire.AppendTag(nil, num, protowire.BytesType), value)
}

// A request that does not decode is left empty, its error is handed out once
// and then forgotten, so that the codec keeps nothing per call.
func TestRequestCodecRemembersFailureOnce(t *testing.T) {
	c := newServerCodec()
	good := field(2, field(3, []byte("FIRST")))
	bad := field(2, field(3, []byte("second \xff")))
	wire := append(append(field(1, []byte("segments/S")), good...), bad...)

	req := &apiv1.BatchCreateSegmentLinesRequest{}
	if err := c.Unmarshal(mem.BufferSlice{mem.SliceBuffer(wire)}, req); err != nil {
		t.Fatalf("Unmarshal: %v", err)
	}
	if !proto.Equal(req, &apiv1.BatchCreateSegmentLinesRequest{}) {
		t.Fatalf("half-decoded request left behind: %v", req)
	}
	wantInvalidField(t, c.take(req), "segment_lines[1].contact_no")
	if err := c.take(req); err != nil {
		t.Fatalf("failure handed out twice: %v", err)
	}
	c.failed.Range(func(k, _ any) bool {
		t.Fatalf("codec still holds %v", k)
		return false
	})

	// A request that decodes is not remembered.
	if err := c.Unmarshal(mem.BufferSlice{mem.SliceBuffer(append(field(1, []byte("segments/S")), good...))}, req); err != nil {
		t.Fatal(err)
	}
	if err := c.take(req); err != nil || req.GetParent() != "segments/S" || len(req.GetSegmentLines()) != 1 {
		t.Fatalf("good request: %v, %v", req, err)
	}
}

// guardedService answers GetAttachment, and receives an upload's messages
// as the real service does (the first as a message, the rest as chunks)
// until the stream ends or fails.
type guardedService struct {
	apiv1.UnimplementedAttachmentServiceServer
}

func (guardedService) GetAttachment(context.Context, *apiv1.GetAttachmentRequest) (*apiv1.GetAttachmentResponse, error) {
	return &apiv1.GetAttachmentResponse{}, nil
}

func (guardedService) UploadAttachment(stream uploadStream) error {
	if _, err := stream.Recv(); err != nil {
		return err
	}
	var chunk uploadChunk
	for {
		err := stream.RecvMsg(&chunk)
		chunk.release()
		if errors.Is(err, io.EOF) {
			return stream.SendAndClose(&apiv1.UploadAttachmentResponse{})
		}
		if err != nil {
			return err
		}
	}
}

var errRefused = status.Error(codes.PermissionDenied, "refused")

func refuseUnary(context.Context, any, *grpc.UnaryServerInfo, grpc.UnaryHandler) (any, error) {
	return nil, errRefused
}

func passUnary(ctx context.Context, req any, _ *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
	return h(ctx, req)
}

func refuseStream(any, grpc.ServerStream, *grpc.StreamServerInfo, grpc.StreamHandler) error {
	return errRefused
}

// refuseAfterFirst receives the first message itself and then ends the call.
func refuseAfterFirst(_ any, ss grpc.ServerStream, _ *grpc.StreamServerInfo, _ grpc.StreamHandler) error {
	if err := ss.RecvMsg(new(apiv1.UploadAttachmentRequest)); err != nil {
		return err
	}
	return errRefused
}

// wireMessage sends wire as it is: protobuf writes a message's unknown
// fields back unchanged.
func wireMessage(wire []byte) *emptypb.Empty {
	m := &emptypb.Empty{}
	m.ProtoReflect().SetUnknown(wire)
	return m
}

// Whatever the interceptor chain does (end a call before the request's
// decoding error is looked at, never look at it, receive a message itself),
// the codec holds no decoding error after a call: its guards take each one
// back at once.
func TestCodecHoldsNothingAfterACallWhateverTheInterceptorOrder(t *testing.T) {
	goodName := field(1, []byte("attachments/1"))
	badName := field(1, []byte("attachments/\xff"))
	metadata := field(1, field(2, []byte("a.pdf")))
	badMetadata := field(1, field(2, []byte("a\xff.pdf")))
	chunk := field(2, []byte("content"))
	cutShort := chunk[:len(chunk)-2]
	unaryChains := map[string][]grpc.UnaryServerInterceptor{
		"none":                      nil,
		"reject, then refuse":       {rejectUndecodable, refuseUnary},
		"refuse, then reject":       {refuseUnary, rejectUndecodable},
		"pass through, then reject": {passUnary, rejectUndecodable},
	}
	streamChains := map[string][]grpc.StreamServerInterceptor{
		"none":                  nil,
		"refuse":                {refuseStream},
		"receive first, refuse": {refuseAfterFirst},
	}
	uploads := map[string][][]byte{
		"good":                        {metadata, chunk, chunk},
		"bad first message":           {badMetadata, chunk},
		"chunk cut short":             {metadata, chunk, cutShort, chunk},
		"metadata in a later message": {metadata, metadata},
	}
	for chain, unary := range unaryChains {
		c := newServerCodec()
		conn := serveGuarded(t, c, unary, nil)
		for name, req := range map[string][]byte{"good": goodName, "bad": badName} {
			err := conn.Invoke(context.Background(), apiv1.AttachmentService_GetAttachment_FullMethodName, wireMessage(req), new(emptypb.Empty))
			wantNothingHeld(t, c, fmt.Sprintf("unary chain %q, %s request (%v)", chain, name, err))
		}
	}
	for chain, stream := range streamChains {
		c := newServerCodec()
		conn := serveGuarded(t, c, nil, stream)
		for name, msgs := range uploads {
			err := upload(conn, msgs)
			wantNothingHeld(t, c, fmt.Sprintf("stream chain %q, %s upload (%v)", chain, name, err))
		}
	}
}

// serveGuarded serves guardedService with c and the given chains, and
// returns a connection to it.
func serveGuarded(t *testing.T, c *serverCodec, unary []grpc.UnaryServerInterceptor, stream []grpc.StreamServerInterceptor) *grpc.ClientConn {
	t.Helper()
	srv := grpc.NewServer(append(c.serverOptions(), grpc.ChainUnaryInterceptor(unary...), grpc.ChainStreamInterceptor(stream...))...)
	apiv1.RegisterAttachmentServiceServer(srv, guardedService{})
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(lis)
	t.Cleanup(srv.Stop)
	conn, err := grpc.NewClient(lis.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

// upload sends msgs as one upload and returns its status.
func upload(conn *grpc.ClientConn, msgs [][]byte) error {
	desc := &grpc.StreamDesc{ClientStreams: true}
	stream, err := conn.NewStream(context.Background(), desc, apiv1.AttachmentService_UploadAttachment_FullMethodName)
	if err != nil {
		return err
	}
	for _, m := range msgs {
		if err := stream.SendMsg(wireMessage(m)); err != nil {
			break // the server ended the call; its status comes with RecvMsg
		}
	}
	if err := stream.CloseSend(); err != nil {
		return err
	}
	return stream.RecvMsg(new(emptypb.Empty))
}

func wantNothingHeld(t *testing.T, c *serverCodec, after string) {
	t.Helper()
	c.failed.Range(func(k, v any) bool {
		t.Errorf("after %s the codec still holds %T: %v", after, k, v)
		return true
	})
}
