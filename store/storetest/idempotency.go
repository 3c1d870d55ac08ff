package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/interlog/interlog/store"
)

var idempotencyTests = []test{
	{"PurgeRequestsForgetsOnlyOldIDs", purgeRequestsForgetsOnlyOldIDs},
}

func purgeRequestsForgetsOnlyOldIDs(t *testing.T, s *store.Store) {
	ctx := context.Background()
	key := func(id string) store.RequestKey { return store.RequestKey{Principal: "p", Method: "/m", RequestID: id} }
	claim := func(id string) {
		t.Helper()
		if err := s.RunInTx(ctx, store.Actor{}, func(tx *store.Tx) error { return tx.ClaimRequest(key(id), "h") }); err != nil {
			t.Fatal(err)
		}
	}
	claim("old-1")
	claim("old-2")
	// The records are stamped in microseconds: a millisecond apart, "new" is newer than
	// the cut-off and the old ones older.
	time.Sleep(time.Millisecond)
	cutoff := store.Micros(time.Now())
	time.Sleep(time.Millisecond)
	claim("new")
	n, err := s.PurgeRequests(ctx, cutoff)
	if err != nil || n != 2 {
		t.Fatalf("PurgeRequests = %d, %v; want 2 deleted", n, err)
	}
	for id, want := range map[string]bool{"old-1": false, "old-2": false, "new": true} {
		if _, found, err := s.FindRequest(ctx, key(id)); err != nil || found != want {
			t.Fatalf("request %s found=%v (%v), want %v", id, found, err, want)
		}
	}
}
