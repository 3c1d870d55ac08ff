// Package attachclient streams files to and from interlog's AttachmentService
// in chunks, so that neither side holds a whole file in memory. The upload
// command, the benchmarks and the tests use it.
package attachclient

import (
	"context"
	"errors"
	"fmt"
	"io"

	"google.golang.org/grpc"
	"google.golang.org/grpc/encoding"
	protocodec "google.golang.org/grpc/encoding/proto"
	"google.golang.org/grpc/mem"

	apiv1 "github.com/interlog/interlog/gen/interlog/v1"
	"github.com/interlog/interlog/internal/chunkwire"
)

// ChunkSize is how much of a file Upload sends per message. The service
// accepts up to 1 MiB; smaller messages keep the server's per-message
// buffers small (its peak memory per upload drops by about 6 MiB) at no cost
// in speed, which the database's writes bound.
const ChunkSize = 256 << 10

// Upload sends r as a new attachment with the given file name and content
// type (empty: application/octet-stream) and returns the stored attachment.
// requestID, when set, makes a retry with the same id return the first
// result (AIP-155).
func Upload(ctx context.Context, c apiv1.AttachmentServiceClient, fileName, contentType, requestID string, r io.Reader) (*apiv1.Attachment, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel() // on an early return, tells the server the upload is abandoned
	stream, err := c.UploadAttachment(ctx)
	if err != nil {
		return nil, err
	}
	if err := stream.Send(&apiv1.UploadAttachmentRequest{
		Part:      &apiv1.UploadAttachmentRequest_Metadata{Metadata: &apiv1.Attachment{FileName: fileName, ContentType: contentType}},
		RequestId: requestID,
	}); err != nil {
		return nil, closeAndRecv(stream, err)
	}
	for {
		// A fresh buffer each time: gRPC forbids changing a sent message.
		buf := make([]byte, ChunkSize)
		n, rerr := io.ReadFull(r, buf)
		if n > 0 {
			if err := stream.Send(&apiv1.UploadAttachmentRequest{Part: &apiv1.UploadAttachmentRequest_Chunk{Chunk: buf[:n]}}); err != nil {
				return nil, closeAndRecv(stream, err)
			}
		}
		if errors.Is(rerr, io.EOF) || errors.Is(rerr, io.ErrUnexpectedEOF) {
			break
		}
		if rerr != nil {
			return nil, fmt.Errorf("read: %w", rerr)
		}
	}
	resp, err := stream.CloseAndRecv()
	if err != nil {
		return nil, err
	}
	return resp.GetAttachment(), nil
}

// closeAndRecv returns the server's status after a failed Send: Send reports
// only io.EOF when the server ended the call, the reason comes with Recv.
func closeAndRecv(stream apiv1.AttachmentService_UploadAttachmentClient, sendErr error) error {
	if !errors.Is(sendErr, io.EOF) {
		return sendErr
	}
	_, err := stream.CloseAndRecv()
	if err == nil {
		return sendErr
	}
	return err
}

// Download writes the content of the named attachment ("attachments/{id}")
// to w and returns its metadata. On an error w may hold part of the content.
// It writes each chunk out of the buffers gRPC received it in
// (downloadMessage), so that a download makes no garbage per chunk.
func Download(ctx context.Context, c apiv1.AttachmentServiceClient, name string, w io.Writer) (*apiv1.Attachment, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stream, err := c.DownloadAttachment(ctx, &apiv1.DownloadAttachmentRequest{Name: name}, grpc.ForceCodecV2(downloadCodec{}))
	if err != nil {
		return nil, err
	}
	var msg downloadMessage
	defer msg.release()
	if err := stream.RecvMsg(&msg); err != nil {
		return nil, err
	}
	meta := msg.metadata()
	for {
		err := stream.RecvMsg(&msg)
		if errors.Is(err, io.EOF) {
			return meta, nil
		}
		if err != nil {
			return meta, err
		}
		if err := msg.writeChunk(w); err != nil {
			return meta, fmt.Errorf("write: %w", err)
		}
	}
}

// downloadMessage is a DownloadAttachmentResponse received by downloadCodec.
// A message that is a lone chunk, as the server sends them, is kept as gRPC
// received it (wire, whose first skip bytes are the field's header), so that
// its bytes are written out of gRPC's frame buffers without being copied
// (internal/chunkwire); any other (the first, with the metadata) is decoded
// by protobuf into decoded. Either is valid until the next message is
// received into it.
type downloadMessage struct {
	wire    mem.BufferSlice
	skip    int
	decoded *apiv1.DownloadAttachmentResponse
}

// metadata returns the metadata the message carries, if any.
func (m *downloadMessage) metadata() *apiv1.Attachment { return m.decoded.GetMetadata() }

// writeChunk writes the message's chunk to w and releases its buffers.
func (m *downloadMessage) writeChunk(w io.Writer) error {
	if m.wire == nil {
		_, err := w.Write(m.decoded.GetChunk())
		return err
	}
	defer m.release()
	return chunkwire.WriteAfter(w, m.wire, m.skip)
}

// release gives gRPC's buffers of a kept message back.
func (m *downloadMessage) release() {
	m.wire.Free()
	m.wire = nil
}

var downloadChunkField = (&apiv1.DownloadAttachmentResponse{}).ProtoReflect().Descriptor().Fields().ByName("chunk").Number()

// downloadCodec is gRPC's proto codec, except that it receives responses
// into a downloadMessage: kept as they are when they are a lone chunk,
// decoded by protobuf otherwise.
type downloadCodec struct{}

func (downloadCodec) Name() string { return protocodec.Name }

func (downloadCodec) Marshal(v any) (mem.BufferSlice, error) {
	return encoding.GetCodecV2(protocodec.Name).Marshal(v)
}

func (downloadCodec) Unmarshal(data mem.BufferSlice, v any) error {
	m, ok := v.(*downloadMessage)
	if !ok {
		return encoding.GetCodecV2(protocodec.Name).Unmarshal(data, v)
	}
	m.release()
	m.decoded = nil
	if skip, ok := chunkwire.LoneField(data, downloadChunkField); ok {
		data.Ref() // gRPC frees data when Unmarshal returns
		m.wire, m.skip = data, skip
		return nil
	}
	m.decoded = &apiv1.DownloadAttachmentResponse{}
	return encoding.GetCodecV2(protocodec.Name).Unmarshal(data, m.decoded)
}
