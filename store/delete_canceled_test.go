package store

import (
	"context"
	"errors"
	"reflect"
	"sync"
	"testing"
)

func TestDeleteCanceledDeletesOnlyCanceledLoggedEntries(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		seedContact(t, s, "C1", ContactTypePerson, "")
		seedContact(t, s, "C2", ContactTypePerson, "")
		seg := LoggedSegment{SegmentNo: "S1", CreateTime: 1, InteractionCount: 2}
		if err := s.db.Create(&seg).Error; err != nil {
			t.Fatal(err)
		}
		att := seedAttachment(t, s)
		gone := []InteractionLogEntry{
			seedEntry(t, s, InteractionLogEntry{Canceled: true, CampaignNo: "CP", AttachmentID: att, LoggedSegmentEntryNo: &seg.EntryNo}),
			seedEntry(t, s, InteractionLogEntry{Canceled: true, CampaignNo: "CP"}),
		}
		kept := []InteractionLogEntry{
			seedEntry(t, s, InteractionLogEntry{CampaignNo: "CP", LoggedSegmentEntryNo: &seg.EntryNo}),    // not canceled
			seedEntry(t, s, InteractionLogEntry{Canceled: true, Postponed: true, CampaignNo: "CP"}),       // a draft
			seedEntry(t, s, InteractionLogEntry{Canceled: true, CampaignNo: "OTHER"}),                     // filtered out
			seedEntry(t, s, InteractionLogEntry{Canceled: true, CampaignNo: "CP", ContactNo: "C2"}),       // filtered out
			seedEntry(t, s, InteractionLogEntry{Canceled: true, CampaignNo: "CP", InteractionTime: 1000}), // before the range
		}
		if _, err := write(ctx, s, Actor{}, func(tx *Tx) (InteractionLogComment, error) {
			return tx.CreateComment(InteractionLogComment{EntryNo: gone[0].EntryNo, CommentDate: "2026-01-01", Text: "x"})
		}); err != nil {
			t.Fatal(err)
		}
		f := DeleteCanceledFilter{CampaignNo: "CP", ContactNo: "C1", Time: TimeRange{Start: 2000, HasStart: true}}

		n, err := s.CountCanceledEntries(ctx, f)
		if err != nil || n != 2 {
			t.Fatalf("count = %d, %v; want 2", n, err)
		}
		n, err = s.DeleteCanceledEntries(ctx, Actor{}, f)
		if err != nil || n != 2 {
			t.Fatalf("deleted = %d, %v; want 2", n, err)
		}
		for _, e := range gone {
			if _, ok := getEntry(t, s, e.EntryNo); ok {
				t.Errorf("entry %d should be deleted", e.EntryNo)
			}
		}
		for _, e := range kept {
			if _, ok := getEntry(t, s, e.EntryNo); !ok {
				t.Errorf("entry %d must not be deleted", e.EntryNo)
			}
		}
		if left, _ := exists(s.db, &InteractionLogComment{}, "entry_no = ?", gone[0].EntryNo); left {
			t.Error("the comments of a deleted entry are left")
		}
		if left, _ := exists(s.db, &Attachment{}, "id = ?", *att); left {
			t.Error("an attachment only a deleted entry used is left")
		}
		if after, err := s.GetLoggedSegment(ctx, seg.EntryNo); err != nil || after.InteractionCount != 1 {
			t.Errorf("logged segment count = %d (%v), want 1 after deleting one of its 2 entries", after.InteractionCount, err)
		}

		byRange := DeleteCanceledFilter{MinEntryNo: kept[2].EntryNo, MaxEntryNo: kept[2].EntryNo}
		if n, err := s.DeleteCanceledEntries(ctx, Actor{}, byRange); err != nil || n != 1 {
			t.Fatalf("delete by entry range = %d, %v; want 1", n, err)
		}
	})
}

func TestDeleteCanceledWorksInBatches(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		seedContact(t, s, "C1", ContactTypePerson, "")
		const total = 2*DeleteCanceledBatchSize + 7
		rows := make([]InteractionLogEntry, total)
		for i := range rows {
			rows[i] = InteractionLogEntry{ContactNo: "C1", Canceled: i%3 != 0, InteractionTime: 5, CreateTime: 1, UpdateTime: 1}
		}
		if err := s.db.CreateInBatches(rows, 200).Error; err != nil {
			t.Fatal(err)
		}
		n, err := s.DeleteCanceledEntries(ctx, Actor{}, DeleteCanceledFilter{})
		if want := int64(total - (total+2)/3); err != nil || n != want {
			t.Fatalf("deleted %d (%v), want %d", n, err, want)
		}
		var left int64
		s.db.Model(&InteractionLogEntry{}).Count(&left)
		if left != (total+2)/3 {
			t.Fatalf("%d entries left, want the %d uncanceled ones", left, (total+2)/3)
		}
	})
}

// The operations that commit in several transactions are not methods of Tx,
// so that calling one inside RunInTx does not compile.
func TestBatchedOperationsCannotRunInOneTransaction(t *testing.T) {
	for _, name := range []string{"DeleteCanceledEntries", "DeleteCanceledLoggedSegments"} {
		if _, ok := reflect.TypeFor[*Store]().MethodByName(name); !ok {
			t.Fatalf("Store has no method %s", name)
		}
		if _, ok := reflect.TypeFor[*Tx]().MethodByName(name); ok {
			t.Fatalf("Tx has a method %s: it commits in batches and must not run inside one transaction", name)
		}
	}
}

// TestDeleteCanceledNeverDeletesARestoredEntry races cancel/restore cycles
// against repeated deletes: an entry whose last restore succeeded must
// survive, and every entry that is gone must have been canceled when it went.
func TestDeleteCanceledNeverDeletesARestoredEntry(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		seedContact(t, s, "C1", ContactTypePerson, "")
		const toggled, cycles = 12, 8
		var entries []int64
		for range toggled {
			entries = append(entries, seedEntry(t, s, InteractionLogEntry{}).EntryNo)
		}
		never := seedEntry(t, s, InteractionLogEntry{}).EntryNo
		restored := make([]bool, toggled) // the entry is not canceled after its last operation
		for i := range restored {
			restored[i] = true
		}
		var wg sync.WaitGroup
		stop, deleterDone := make(chan struct{}), make(chan struct{})
		var deleteErr error
		go func() {
			defer close(deleterDone)
			for {
				select {
				case <-stop:
					return
				default:
				}
				if _, err := s.DeleteCanceledEntries(ctx, Actor{}, DeleteCanceledFilter{}); err != nil && !errors.Is(err, ErrConflict) {
					deleteErr = err
					return
				}
			}
		}()
		for i, no := range entries {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range cycles {
					if _, err := write(ctx, s, Actor{}, func(tx *Tx) ([]InteractionLogEntry, error) { return tx.CancelEntries([]int64{no}, false) }); err != nil {
						return
					}
					restored[i] = false
					if _, err := write(ctx, s, Actor{}, func(tx *Tx) ([]InteractionLogEntry, error) { return tx.RestoreEntries([]int64{no}) }); err != nil {
						return // deleted while canceled
					}
					restored[i] = true
				}
			}()
		}
		wg.Wait()
		close(stop)
		<-deleterDone
		// One more delete after the race, for the entries canceled last.
		if _, err := s.DeleteCanceledEntries(ctx, Actor{}, DeleteCanceledFilter{}); err != nil || deleteErr != nil {
			t.Fatal(err, deleteErr)
		}
		gone := 0
		for i, no := range entries {
			e, ok := getEntry(t, s, no)
			if !ok {
				gone++
			}
			if restored[i] && (!ok || e.Canceled) {
				t.Errorf("entry %d was restored last but is deleted or canceled (exists %v)", no, ok)
			}
			if !restored[i] && ok {
				t.Errorf("entry %d was canceled last and should have been deleted", no)
			}
		}
		if _, ok := getEntry(t, s, never); !ok {
			t.Error("an entry that was never canceled was deleted")
		}
		t.Logf("%d of %d toggled entries were deleted while canceled", gone, toggled)
	})
}
