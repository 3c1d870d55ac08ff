package storetest

import (
	"context"
	"testing"

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
