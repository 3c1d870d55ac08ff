package store

import (
	"context"
	"testing"
	"time"
)

func TestPurgeRequestsForgetsOnlyOldIDs(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		for _, id := range []string{"old-1", "old-2", "new"} {
			if err := s.RunInTx(ctx, Actor{}, func(tx *Tx) error {
				return tx.ClaimRequest(RequestKey{Principal: "p", Method: "/m", RequestID: id}, "h")
			}); err != nil {
				t.Fatal(err)
			}
		}
		// Age two records by two days.
		past := Micros(time.Now().Add(-48 * time.Hour))
		if err := s.db.Model(&IdempotencyKey{}).Where("request_id LIKE ?", "old-%").Update("create_time", past).Error; err != nil {
			t.Fatal(err)
		}
		n, err := s.PurgeRequests(ctx, Micros(time.Now().Add(-25*time.Hour)))
		if err != nil || n != 2 {
			t.Fatalf("PurgeRequests = %d, %v; want 2 deleted", n, err)
		}
		for id, want := range map[string]bool{"old-1": false, "old-2": false, "new": true} {
			if _, found, err := s.FindRequest(ctx, RequestKey{Principal: "p", Method: "/m", RequestID: id}); err != nil || found != want {
				t.Fatalf("request %s found=%v (%v), want %v", id, found, err, want)
			}
		}
	})
}
