package server

import (
	"fmt"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"

	apiv1 "github.com/interlog/interlog/gen/interlog/v1"
)

// Defaults of the upload limits when Options leave them unset.
const (
	DefaultMaxConcurrentUploads = 64
	DefaultUploadIdleTimeout    = 30 * time.Second
)

// uploadLimits bound how many uploads the server runs at once and how long
// each waits for its client's next message. A waiting upload holds a blob
// row, the start of its next chunk and a goroutine: without these bounds,
// clients that send a chunk and stop would hold them for ever, and the
// memory of the server with them.
type uploadLimits struct {
	slots slots
	idle  time.Duration
}

func newUploadLimits(maxUploads int, idle time.Duration) *uploadLimits {
	return &uploadLimits{slots: make(slots, maxUploads), idle: idle}
}

// admit takes a slot for an upload; see slots.take.
func (l *uploadLimits) admit() (release func(), err error) {
	return l.slots.take("uploads")
}

// slots bound how many calls of one kind (uploads, watches) the server runs
// at once, over all connections.
type slots chan struct{}

// take takes a slot for a call, or refuses it at once with
// RESOURCE_EXHAUSTED when every slot is taken; what names the calls in the
// message. release gives the slot back.
func (s slots) take(what string) (release func(), err error) {
	select {
	case s <- struct{}{}:
		return func() { <-s }, nil
	default:
		return nil, withDetails(codes.ResourceExhausted,
			fmt.Sprintf("the server is running as many %s as it allows at once (%d): retry later", what, cap(s)),
			apiv1.ErrorReason_ERROR_REASON_LIMIT_EXCEEDED)
	}
}

// uploadStream is the server side of an UploadAttachment call.
type uploadStream = grpc.ClientStreamingServer[apiv1.UploadAttachmentRequest, apiv1.UploadAttachmentResponse]

// idleLimitedStream is an upload stream whose receives fail with
// DEADLINE_EXCEEDED when the client sends nothing for idle.
type idleLimitedStream struct {
	uploadStream
	idle time.Duration
}

func (s idleLimitedStream) Recv() (*apiv1.UploadAttachmentRequest, error) {
	m := new(apiv1.UploadAttachmentRequest)
	if err := s.RecvMsg(m); err != nil {
		return nil, err
	}
	return m, nil
}

// uploadPause is how long an upload waits for its client's next message
// before it writes what it has buffered (store.Upload.Settle): a client
// streaming a file has the next message on its way already, so one that
// has not sent it by then is slow or stalled, and the upload should not
// hold a batch of chunks for it.
const uploadPause = 20 * time.Millisecond

// RecvMsg receives into m on another goroutine and stops waiting after
// s.idle: gRPC offers no receive with a timeout. After a timeout the caller
// must return from the handler without touching m again; that ends the
// stream, and with it the pending receive.
func (s idleLimitedStream) RecvMsg(m any) error { return s.receive(m, nil) }

// receive is RecvMsg that also calls pause, if set, once no message has
// come for uploadPause.
func (s idleLimitedStream) receive(m any, pause func() error) error {
	received := make(chan error, 1)
	go func() { received <- s.uploadStream.RecvMsg(m) }()
	idle := time.NewTimer(s.idle)
	defer idle.Stop()
	var paused <-chan time.Time
	if pause != nil {
		t := time.NewTimer(uploadPause)
		defer t.Stop()
		paused = t.C
	}
	for {
		select {
		case err := <-received:
			return err
		case <-paused:
			paused = nil
			if err := pause(); err != nil {
				return err
			}
		case <-idle.C:
			return withDetails(codes.DeadlineExceeded,
				fmt.Sprintf("the upload received nothing for %s and was stopped; nothing of it was kept: upload the file again", s.idle),
				apiv1.ErrorReason_ERROR_REASON_DEADLINE_EXCEEDED)
		}
	}
}
