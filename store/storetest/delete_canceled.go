package storetest

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/interlog/interlog/store"
)

var deleteCanceledTests = []test{
	{"DeleteCanceledDeletesOnlyCanceledLoggedEntries", deleteCanceledDeletesOnlyCanceledLoggedEntries},
	{"DeleteCanceledWorksInBatches", deleteCanceledWorksInBatches},
	{"DeleteCanceledNeverDeletesARestoredEntry", deleteCanceledNeverDeletesARestoredEntry},
}

func deleteCanceledDeletesOnlyCanceledLoggedEntries(t *testing.T, s *store.Store) {
	ctx := context.Background()
	seedBasics(t, s)
	createContact(t, s, "C2", store.ContactTypePerson, "")
	seg := logSegment(t, s, store.Segment{No: "S1", CampaignNo: "CP"}, 2)
	ofSegment := entriesOf(t, s, seg)
	att := ptrTo(storeFile(t, s, []byte("used by one entry")).ID)
	inCampaign := func(o store.Overrides) store.LogRequest {
		o.CampaignNo = ptrTo("CP")
		return store.LogRequest{Overrides: o}
	}
	gone := []store.InteractionLogEntry{
		ofSegment[0],
		logEntry(t, s, inCampaign(store.Overrides{AttachmentID: att})),
	}
	kept := []store.InteractionLogEntry{
		ofSegment[1], // not canceled
		logEntry(t, s, store.LogRequest{Overrides: store.Overrides{CampaignNo: ptrTo("CP")}, Postpone: true}),  // a draft
		logEntry(t, s, store.LogRequest{Overrides: store.Overrides{CampaignNo: ptrTo("OTHER")}}),               // filtered out
		logEntry(t, s, store.LogRequest{ContactNo: "C2", Overrides: store.Overrides{CampaignNo: ptrTo("CP")}}), // filtered out
		logEntry(t, s, inCampaign(store.Overrides{InteractionTime: ptrTo(int64(1000))})),                       // before the range
	}
	cancel(t, s, gone[0].EntryNo, gone[1].EntryNo, kept[2].EntryNo, kept[3].EntryNo, kept[4].EntryNo)
	mustWrite(t, s, func(tx *store.Tx) (store.InteractionLogComment, error) {
		return tx.CreateComment(store.InteractionLogComment{EntryNo: gone[0].EntryNo, CommentDate: "2026-01-01", Text: "x"})
	})
	f := store.DeleteCanceledFilter{CampaignNo: "CP", ContactNo: "C1", Time: store.TimeRange{Start: 2000, HasStart: true}}

	n, err := s.CountCanceledEntries(ctx, f)
	if err != nil || n != 2 {
		t.Fatalf("count = %d, %v; want 2", n, err)
	}
	n, err = s.DeleteCanceledEntries(ctx, store.Actor{}, f)
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
	if _, _, err := s.ListComments(ctx, gone[0].EntryNo, store.Page{Limit: 1}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the comments of a deleted entry: %v, want NOT_FOUND", err)
	}
	if attachmentExists(t, s, *att) {
		t.Error("an attachment only a deleted entry used is left")
	}
	if after, err := s.GetLoggedSegment(ctx, seg); err != nil || after.InteractionCount != 1 {
		t.Errorf("logged segment count = %d (%v), want 1 after deleting one of its 2 entries", after.InteractionCount, err)
	}

	byRange := store.DeleteCanceledFilter{MinEntryNo: kept[2].EntryNo, MaxEntryNo: kept[2].EntryNo}
	if n, err := s.DeleteCanceledEntries(ctx, store.Actor{}, byRange); err != nil || n != 1 {
		t.Fatalf("delete by entry range = %d, %v; want 1", n, err)
	}
}

func deleteCanceledWorksInBatches(t *testing.T, s *store.Store) {
	ctx := context.Background()
	seedBasics(t, s)
	const total = 2*store.DeleteCanceledBatchSize + 7
	var canceled []int64
	for logged := 0; logged < total; {
		batch := make([]store.LogRequest, min(store.DeleteCanceledBatchSize, total-logged))
		for i, e := range logEntries(t, s, batch...) {
			if (logged+i)%3 != 0 {
				canceled = append(canceled, e.EntryNo)
			}
		}
		logged += len(batch)
	}
	cancel(t, s, canceled...)
	n, err := s.DeleteCanceledEntries(ctx, store.Actor{}, store.DeleteCanceledFilter{})
	if want := int64(len(canceled)); err != nil || n != want {
		t.Fatalf("deleted %d (%v), want %d", n, err, want)
	}
	if left := len(listEntries(t, s, store.EntryFilter{})); left != total-len(canceled) {
		t.Fatalf("%d entries left, want the %d uncanceled ones", left, total-len(canceled))
	}
}

// deleteCanceledNeverDeletesARestoredEntry races cancel/restore cycles against repeated
// deletes: an entry whose last restore succeeded must survive, and every entry that is
// gone must have been canceled when it went.
func deleteCanceledNeverDeletesARestoredEntry(t *testing.T, s *store.Store) {
	ctx := context.Background()
	seedBasics(t, s)
	const toggled, cycles = 12, 8
	var entries []int64
	for _, e := range logEntries(t, s, make([]store.LogRequest, toggled+1)...) {
		entries = append(entries, e.EntryNo)
	}
	entries, never := entries[:toggled], entries[toggled]
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
			if _, err := s.DeleteCanceledEntries(ctx, store.Actor{}, store.DeleteCanceledFilter{}); err != nil && !errors.Is(err, store.ErrConflict) {
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
				if _, err := cancelEntries(ctx, s, no); err != nil {
					return
				}
				restored[i] = false
				if _, err := restoreEntries(ctx, s, no); err != nil {
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
	if _, err := s.DeleteCanceledEntries(ctx, store.Actor{}, store.DeleteCanceledFilter{}); err != nil || deleteErr != nil {
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
}
