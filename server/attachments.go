package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"

	apiv1 "github.com/interlog/interlog/gen/interlog/v1"
	"github.com/interlog/interlog/internal/chunkwire"
	"github.com/interlog/interlog/store"
)

// DefaultMaxAttachmentBytes is the attachment size limit when Options leave it unset.
const DefaultMaxAttachmentBytes = 32 << 20

// defaultContentType is stored when an upload names none.
const defaultContentType = "application/octet-stream"

// attachmentService implements apiv1.AttachmentServiceServer.
type attachmentService struct {
	apiv1.UnimplementedAttachmentServiceServer
	store    attachmentStore
	maxBytes int64
	limits   *uploadLimits
	log      *slog.Logger
}

// attachmentStore is what attachmentService needs of the store.
type attachmentStore interface {
	writeStore
	AppendChunks(ctx context.Context, buf []byte, blobID int64, after int32) (data []byte, last int32, ok bool, err error)
	BeginUpload(ctx context.Context, limit int64) (*store.Upload, error)
	GetAttachment(ctx context.Context, id int64) (store.Attachment, error)
	ListAttachments(ctx context.Context, page store.Page) ([]store.Attachment, bool, error)
}

// UploadAttachment stores the streamed file chunk by chunk as it arrives
// (see store.Upload). Whatever goes wrong, including the client going away,
// the deferred Discard deletes what was written. A request_id makes the
// upload idempotent: the content is streamed into a blob as usual, and the
// attachment is created in one transaction with the claim of the id, or, when
// an earlier upload with that id and the same metadata and content committed,
// the new blob is discarded and the first response returned. The server
// runs a bounded number of uploads at once, and stops one whose client
// sends nothing for a while (uploadLimits).
func (s *attachmentService) UploadAttachment(stream uploadStream) error {
	release, err := s.limits.admit()
	if err != nil {
		return err
	}
	defer release()
	limited := idleLimitedStream{uploadStream: stream, idle: s.limits.idle}
	ctx := stream.Context()
	first, meta, err := receiveMetadata(limited)
	if err != nil {
		return err
	}
	up, err := s.store.BeginUpload(ctx, s.maxBytes)
	if err != nil {
		return err
	}
	defer s.discard(ctx, up)
	if err := receiveContent(ctx, limited, up); err != nil {
		return err
	}
	hash := func() string { return uploadHash(first, up) }
	resp, err := writeOnce(ctx, s.store, first.GetRequestId(), hash, func(tx *store.Tx) (*apiv1.UploadAttachmentResponse, error) {
		a, err := tx.FinishUpload(up, meta)
		if err != nil {
			return nil, err
		}
		return &apiv1.UploadAttachmentResponse{Attachment: attachmentToAPI(a)}, nil
	})
	if err != nil {
		return err
	}
	return stream.SendAndClose(resp)
}

// receiveMetadata reads the first message, which must carry the metadata.
func receiveMetadata(stream uploadStream) (*apiv1.UploadAttachmentRequest, store.Attachment, error) {
	first, err := stream.Recv()
	if errors.Is(err, io.EOF) {
		return nil, store.Attachment{}, invalidField("metadata", "the stream is empty: send the metadata first, then the chunks")
	}
	if err != nil {
		return nil, store.Attachment{}, err
	}
	meta := first.GetMetadata()
	if meta == nil {
		return nil, store.Attachment{}, invalidField("metadata", "the first message must carry the metadata (file name and content type), then the chunks follow")
	}
	if meta.GetFileName() == "" {
		return nil, store.Attachment{}, invalidField("metadata.file_name", "is required")
	}
	contentType := meta.GetContentType()
	if contentType == "" {
		contentType = defaultContentType
	} else if _, _, err := mime.ParseMediaType(contentType); err != nil {
		return nil, store.Attachment{}, invalidField("metadata.content_type", "is not a MIME type such as application/pdf")
	}
	return first, store.Attachment{FileName: meta.GetFileName(), ContentType: contentType}, nil
}

// receiveContent appends every chunk the client sends until it closes the
// stream, receiving them into one uploadChunk, whose buffer goes back to
// the pool after each append. When the next chunk is slow to come, the
// upload writes the whole chunks it buffered (Settle): an upload waiting
// for its client holds less than a chunk. (After a failed receive msg is
// left alone: an idle timeout leaves the receive running until the stream
// ends.)
func receiveContent(ctx context.Context, stream idleLimitedStream, up *store.Upload) error {
	var msg uploadChunk
	settle := func() error { return up.Settle(ctx) }
	for {
		err := stream.receive(&msg, settle)
		if errors.Is(err, io.EOF) {
			return up.Close(ctx)
		}
		if err != nil {
			return err
		}
		err = up.Append(ctx, msg.data)
		msg.release()
		if err != nil {
			return err
		}
	}
}

// discard deletes an upload that did not become an attachment. It runs even
// when the client has gone away, hence its own context.
func (s *attachmentService) discard(ctx context.Context, up *store.Upload) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if err := up.Discard(ctx); err != nil {
		s.log.WarnContext(ctx, "discarding an unfinished upload failed; the sweep will retry", "request_id", requestIDFrom(ctx), "error", err.Error())
	}
}

// uploadHash identifies an upload for request_id replays: its first message
// (metadata) without the request id, and its content.
func uploadHash(first *apiv1.UploadAttachmentRequest, up *store.Upload) string {
	sum := sha256.Sum256([]byte(fmt.Sprintf("%s/%s/%d", requestHash(first), up.SHA256(), up.Size())))
	return hex.EncodeToString(sum[:])
}

// DownloadAttachment sends the metadata, then the content in messages of
// store.ChunkBatch chunks (about 1 MiB), reading the next batch from the
// database while the previous one is being sent, into a few reused buffers
// that gRPC sends without copying (chunkwire.Buffers). It counts what it sent,
// so that an attachment deleted during the download ends in an error, not a
// short file. (Clients can check the content against the SHA-256 of the
// metadata; the server does not hash it again.)
func (s *attachmentService) DownloadAttachment(req *apiv1.DownloadAttachmentRequest, stream grpc.ServerStreamingServer[apiv1.DownloadAttachmentResponse]) error {
	ctx, cancel := context.WithCancel(stream.Context())
	defer cancel() // stops the reader when sending fails
	id, err := parseNumberName("name", req.GetName(), attachmentCollection)
	if err != nil {
		return err
	}
	a, err := s.store.GetAttachment(ctx, id)
	if err != nil {
		return err
	}
	if err := stream.Send(&apiv1.DownloadAttachmentResponse{Metadata: attachmentToAPI(a)}); err != nil {
		return err
	}
	batches, readErr := s.readAhead(ctx, a.BlobID)
	size := int64(0)
	for batch := range batches {
		size += int64(batch.size)
		if err := stream.SendMsg(batch.message); err != nil {
			return err
		}
	}
	if err := readErr(); err != nil {
		return err
	}
	switch {
	case size < a.SizeBytes:
		return withDetails(codes.NotFound, numberName(attachmentCollection, id)+" was deleted during the download",
			apiv1.ErrorReason_ERROR_REASON_ATTACHMENT_NOT_FOUND)
	case size != a.SizeBytes:
		return fmt.Errorf("attachment %d: stored content has %d bytes, not %d", id, size, a.SizeBytes)
	}
	return nil
}

// downloadBatch is one message of a download and how much content it carries.
type downloadBatch struct {
	message chunkwire.Encoded
	size    int
}

// downloadBufferCount is how many messages a download has at once: one being
// read from the database, one waiting in gRPC, one being written.
const downloadBufferCount = 3

var downloadChunkField = (&apiv1.DownloadAttachmentResponse{}).ProtoReflect().Descriptor().Fields().ByName("chunk").Number()

// readAhead reads a blob's chunks in order on its own goroutine, into
// whichever of the download's buffers gRPC has given back, until the blob
// ends, reading fails or ctx ends. The returned function waits for the reader
// and returns its error.
func (s *attachmentService) readAhead(ctx context.Context, blobID int64) (<-chan downloadBatch, func() error) {
	out := make(chan downloadBatch, 1)
	done := make(chan struct{})
	var err error
	go func() {
		defer close(done)
		defer close(out)
		buffers := chunkwire.NewBuffers(downloadChunkField, downloadBufferCount, store.ChunkSize*store.ChunkBatch)
		for seq := int32(-1); ; {
			var i int
			select {
			case i = <-buffers.Available():
			case <-ctx.Done():
				err = ctx.Err()
				return
			}
			var data []byte
			var ok bool
			if data, seq, ok, err = s.store.AppendChunks(ctx, buffers.Room(i), blobID, seq); err != nil || !ok {
				return
			}
			var batch downloadBatch
			batch.message, batch.size = buffers.Message(i, data)
			select {
			case out <- batch:
			case <-ctx.Done():
				err = ctx.Err()
				return
			}
		}
	}()
	return out, func() error {
		<-done
		return err
	}
}

func (s *attachmentService) GetAttachment(ctx context.Context, req *apiv1.GetAttachmentRequest) (*apiv1.GetAttachmentResponse, error) {
	id, err := parseNumberName("name", req.GetName(), attachmentCollection)
	if err != nil {
		return nil, err
	}
	a, err := s.store.GetAttachment(ctx, id)
	if err != nil {
		return nil, err
	}
	return &apiv1.GetAttachmentResponse{Attachment: attachmentToAPI(a)}, nil
}

func (s *attachmentService) ListAttachments(ctx context.Context, req *apiv1.ListAttachmentsRequest) (*apiv1.ListAttachmentsResponse, error) {
	p, err := newPager(req)
	if err != nil {
		return nil, err
	}
	rows, more, err := s.store.ListAttachments(ctx, p.page)
	if err != nil {
		return nil, err
	}
	resp := &apiv1.ListAttachmentsResponse{}
	resp.Attachments, resp.NextPageToken = listPage(p, rows, more, attachmentToAPI,
		func(a store.Attachment) store.Page { return store.Page{AfterNumber: a.ID} })
	return resp, nil
}

func (s *attachmentService) DeleteAttachment(ctx context.Context, req *apiv1.DeleteAttachmentRequest) (*apiv1.DeleteAttachmentResponse, error) {
	id, err := parseNumberName("name", req.GetName(), attachmentCollection)
	if err != nil {
		return nil, err
	}
	return write(ctx, s.store, req, func(tx *store.Tx) (*apiv1.DeleteAttachmentResponse, error) {
		if err := tx.DeleteAttachment(id); err != nil {
			return nil, err
		}
		return &apiv1.DeleteAttachmentResponse{}, nil
	})
}

func attachmentToAPI(a store.Attachment) *apiv1.Attachment {
	return &apiv1.Attachment{
		Name:        numberName(attachmentCollection, a.ID),
		FileName:    a.FileName,
		ContentType: a.ContentType,
		SizeBytes:   a.SizeBytes,
		Sha256:      a.Sha256,
		ReadOnly:    a.ReadOnly,
		CreateTime:  timestamp(a.CreateTime),
	}
}

// An upload that receives no chunk for uploadIdleLimit is deleted by the
// sweep, which each server runs at start and every sweepEvery. It removes
// what a crashed server left: a live upload is stopped, and removed at once,
// after Options.UploadIdleTimeout without a message (an idle timeout
// configured longer than uploadIdleLimit meets the sweep instead, and gets
// an error at its next chunk).
const (
	uploadIdleLimit = 15 * time.Minute
	sweepEvery      = 5 * time.Minute
)

// sweepUploads deletes uploads that received nothing for uploadIdleLimit.
func (s *Server) sweepUploads(ctx context.Context) (int64, error) {
	n, err := s.store.SweepAbandonedUploads(ctx, uploadIdleLimit)
	return int64(n), err
}
