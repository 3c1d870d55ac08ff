package storetest

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/interlog/interlog/store"
)

// storeFile uploads data as an attachment.
func storeFile(t *testing.T, s *store.Store, data []byte) store.Attachment {
	t.Helper()
	ctx := context.Background()
	up, err := s.BeginUpload(ctx, 64<<20)
	if err != nil {
		t.Fatal(err)
	}
	if err := up.Append(ctx, data); err != nil {
		t.Fatal(err)
	}
	if err := up.Close(ctx); err != nil {
		t.Fatal(err)
	}
	return mustWrite(t, s, func(tx *store.Tx) (store.Attachment, error) {
		return tx.FinishUpload(up, store.Attachment{FileName: "f", ContentType: "text/plain"})
	})
}

var attachmentTests = []test{
	{"UploadLimitAndSweep", uploadLimitAndSweep},
}

// wantProblems fails unless CheckAttachments reports exactly problems containing each of
// want, in any order.
func wantProblems(t *testing.T, s *store.Store, want ...string) {
	t.Helper()
	r, err := s.CheckAttachments(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Problems) != len(want) {
		t.Fatalf("problems %q, want %d containing %q", r.Problems, len(want), want)
	}
	for _, w := range want {
		if !slices.ContainsFunc(r.Problems, func(p string) bool { return strings.Contains(p, w) }) {
			t.Fatalf("problems %q do not mention %q", r.Problems, w)
		}
	}
}

func uploadLimitAndSweep(t *testing.T, s *store.Store) {
	ctx := context.Background()
	// Enough for one write of chunks and a buffered rest.
	const size = store.ChunkBatch*store.ChunkSize + 10
	up, err := s.BeginUpload(ctx, size)
	if err != nil {
		t.Fatal(err)
	}
	if err := up.Append(ctx, make([]byte, size)); err != nil {
		t.Fatal(err)
	}
	if err := up.Append(ctx, []byte{1}); !errors.Is(err, store.ErrLimit) {
		t.Fatalf("append beyond the limit: %v, want ErrLimit", err)
	}

	kept := storeFile(t, s, []byte("complete content is never swept"))
	if r, _ := s.CheckAttachments(ctx); r.Chunks != store.ChunkBatch+1 {
		t.Fatalf("%d chunks stored, want the upload's %d and the complete file's", r.Chunks, store.ChunkBatch)
	}
	if n, err := s.SweepAbandonedUploads(ctx, time.Hour); err != nil || n != 0 {
		t.Fatalf("sweep of uploads idle for an hour: %d, %v; want 0 (the upload is fresh)", n, err)
	}
	// A negative idle time puts the cut-off in the future: every incomplete blob counts
	// as abandoned.
	if n, err := s.SweepAbandonedUploads(ctx, -time.Minute); err != nil || n != 1 {
		t.Fatalf("sweep: %d, %v; want the one unfinished upload", n, err)
	}
	wantProblems(t, s)
	r, _ := s.CheckAttachments(ctx)
	if r.Blobs != 1 || r.Chunks != 1 || r.Attachments != 1 {
		t.Fatalf("after the sweep: %+v, want only the complete attachment %d", r, kept.ID)
	}
	// The swept upload can neither write nor finish.
	if err := up.Close(ctx); !errors.Is(err, store.ErrPrecondition) {
		t.Fatalf("write after the sweep: %v, want ErrPrecondition", err)
	}
	_, err = write(ctx, s, store.Actor{}, func(tx *store.Tx) (store.Attachment, error) {
		return tx.FinishUpload(up, store.Attachment{FileName: "f"})
	})
	if !errors.Is(err, store.ErrPrecondition) {
		t.Fatalf("finish after the sweep: %v, want ErrPrecondition", err)
	}
	if err := up.Discard(ctx); err != nil {
		t.Fatal(err)
	}
	wantProblems(t, s)
}
