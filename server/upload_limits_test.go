package server_test

import (
	"bytes"
	"context"
	"runtime"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc/codes"

	apiv1 "github.com/interlog/interlog/gen/interlog/v1"
	ts "github.com/interlog/interlog/internal/testserver"
	"github.com/interlog/interlog/server"
	"github.com/interlog/interlog/store"
)

// startUpload opens an upload, sends its metadata and one chunk of n bytes,
// and leaves the stream open.
func startUpload(t *testing.T, env *ts.Env, ctx context.Context, n int) apiv1.AttachmentService_UploadAttachmentClient {
	t.Helper()
	stream, err := env.Attachments.UploadAttachment(ctx)
	ts.NoErr(t, err)
	ts.NoErr(t, stream.Send(metadataMessage("stalled.bin", "")))
	ts.NoErr(t, stream.Send(chunkMessage(content(n, uint64(n)))))
	return stream
}

// waitForRows polls until a table has n rows: what the server has written
// shows how far it got with an upload.
func waitForRows(t *testing.T, env *ts.Env, table string, n int) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); countRows(t, env, table, "1=1") != n; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%s never held %d rows", table, n)
		}
	}
}

// TestConcurrentUploadsAreLimited: with two uploads running on a server
// that allows two, a third is RESOURCE_EXHAUSTED at its first message and
// stores nothing; once one finishes, the next is taken.
func TestConcurrentUploadsAreLimited(t *testing.T) {
	opts := ts.Options{Server: server.Options{MaxConcurrentUploads: 2, UploadIdleTimeout: time.Minute}}
	ts.ForEachEngineWith(t, opts, func(t *testing.T, env *ts.Env) {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		first := startUpload(t, env, ctx, store.ChunkSize)
		second := startUpload(t, env, ctx, store.ChunkSize)
		waitForRows(t, env, "attachment_chunks", 2) // both are in the server's hands

		third, err := env.Attachments.UploadAttachment(ctx)
		ts.NoErr(t, err)
		_ = third.Send(metadataMessage("third.bin", ""))
		_, err = third.CloseAndRecv()
		ts.WantCode(t, err, codes.ResourceExhausted, "LIMIT_EXCEEDED")
		if msg := err.Error(); !strings.Contains(msg, "uploads") || !strings.Contains(msg, "(2)") {
			t.Fatalf("refusal %q: want it to say that the server runs its 2 uploads", msg)
		}
		if n := countRows(t, env, "attachment_blobs", "1=1"); n != 2 {
			t.Fatalf("%d blobs after the refusal, want the 2 of the running uploads", n)
		}

		resp, err := first.CloseAndRecv()
		ts.NoErr(t, err)
		if resp.GetAttachment().GetSizeBytes() != store.ChunkSize {
			t.Fatalf("first upload: %v", resp)
		}
		upload(t, env, "next.bin", []byte("a slot is free again"))
		_, err = second.CloseAndRecv()
		ts.NoErr(t, err)
	})
}

// TestStalledUploadIsStopped: an upload whose client stops sending is ended
// with DEADLINE_EXCEEDED after the idle timeout, and what it sent is gone
// when the client hears of it; so is an upload that never sends its
// metadata. A client that keeps sending is not stopped.
func TestStalledUploadIsStopped(t *testing.T) {
	opts := ts.Options{Server: server.Options{MaxConcurrentUploads: 1, UploadIdleTimeout: time.Second}}
	ts.ForEachEngineWith(t, opts, func(t *testing.T, env *ts.Env) {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		stalled := startUpload(t, env, ctx, store.ChunkSize+10) // a stored chunk and the start of the next
		err := stalled.RecvMsg(new(apiv1.UploadAttachmentResponse))
		ts.WantCode(t, err, codes.DeadlineExceeded, "DEADLINE_EXCEEDED")
		if !strings.Contains(err.Error(), "received nothing for 1s") {
			t.Fatalf("message %q: want it to say why the upload was stopped", err)
		}
		wantStorage(t, env, 0, 0)

		silent, err := env.Attachments.UploadAttachment(ctx)
		ts.NoErr(t, err)
		err = silent.RecvMsg(new(apiv1.UploadAttachmentResponse))
		ts.WantCode(t, err, codes.DeadlineExceeded, "DEADLINE_EXCEEDED")

		// Both gave their slot back, and a steady upload of many chunks
		// (each well within the timeout) completes.
		data := content(4*mib+3, 9)
		if a := upload(t, env, "steady.bin", data); a.GetSizeBytes() != int64(len(data)) || a.GetSha256() != sha256Hex(data) {
			t.Fatalf("steady upload: %v", a)
		}
	})
}

// TestStalledUploadsHoldLessThanAChunkEach: uploads that each sent a 1 MiB
// message and stopped hold, all told in this process (server and client),
// less heap than one such message each.
func TestStalledUploadsHoldLessThanAChunkEach(t *testing.T) {
	const uploads = 40
	opts := ts.Options{Server: server.Options{MaxConcurrentUploads: uploads, UploadIdleTimeout: 5 * time.Minute}}
	ts.ForEachEngineWith(t, opts, func(t *testing.T, env *ts.Env) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		upload(t, env, "warm-up.bin", content(2*mib, 1)) // the pools and buffers of one upload
		before := heapInUse()
		for range uploads {
			startUpload(t, env, ctx, mib)
		}
		waitForRows(t, env, "attachment_chunks", uploads*4+int(chunksOf(2*mib)))
		perUpload := (heapInUse() - before) / uploads
		t.Logf("%d stalled uploads of a 1 MiB message: %d KiB of heap each", uploads, perUpload>>10)
		if perUpload > mib {
			t.Fatalf("each stalled upload holds %d KiB, more than the 1024 KiB of its message", perUpload>>10)
		}
	})
}

// heapInUse is the heap still in use after a collection.
func heapInUse() int64 {
	var m runtime.MemStats
	runtime.GC()
	runtime.GC() // sync.Pools keep what they held until a second collection
	runtime.ReadMemStats(&m)
	return int64(m.HeapAlloc)
}

// TestSlowUploadKeepsItsContent: an upload whose client pauses (so that the
// server writes the chunks it buffered) and then goes on stores the file
// exactly, in chunks of the usual size.
func TestSlowUploadKeepsItsContent(t *testing.T) {
	ts.ForEachEngineWith(t, attachmentOptions, func(t *testing.T, env *ts.Env) {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		data := content(3*mib, 5)
		first := store.ChunkSize + 10
		stream := startUpload(t, env, ctx, 0)
		ts.NoErr(t, stream.Send(chunkMessage(data[:first])))
		waitForRows(t, env, "attachment_chunks", 1) // the pause wrote the whole chunk
		ts.NoErr(t, stream.Send(chunkMessage(data[first:mib])))
		ts.NoErr(t, stream.Send(chunkMessage(data[mib:2*mib])))
		ts.NoErr(t, stream.Send(chunkMessage(data[2*mib:])))
		resp, err := stream.CloseAndRecv()
		ts.NoErr(t, err)
		if got := download(t, env, resp.GetAttachment().GetName()); !bytes.Equal(got, data) {
			t.Fatalf("downloaded %d bytes that differ from the %d uploaded", len(got), len(data))
		}
		wantStorage(t, env, 1, chunksOf(len(data)))
	})
}
