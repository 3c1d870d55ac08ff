package store

import (
	"context"
	"errors"
	"testing"
)

// seedLoggedSegment writes a logged segment with n entries for contact C1
// straight into the tables and returns its entry no.
func seedLoggedSegment(t *testing.T, s *Store, segmentNo string, n int) int64 {
	t.Helper()
	if err := s.db.Where("no = ?", "C1").FirstOrCreate(&Contact{No: "C1", Type: ContactTypePerson, Etag: "e"}).Error; err != nil {
		t.Fatal(err)
	}
	ls := LoggedSegment{SegmentNo: segmentNo, Description: "d", CreateTime: nowMicros(), InteractionCount: int64(n)}
	if err := s.db.Create(&ls).Error; err != nil {
		t.Fatal(err)
	}
	for range n {
		e := InteractionLogEntry{ContactNo: "C1", SegmentNo: segmentNo, LoggedSegmentEntryNo: &ls.EntryNo, InteractionTime: 1, CreateTime: 1, UpdateTime: 1}
		if err := s.db.Create(&e).Error; err != nil {
			t.Fatal(err)
		}
	}
	return ls.EntryNo
}

// entryStates counts the entries linked to a logged segment by canceled state.
func entryStates(t *testing.T, s *Store, loggedSegment int64) (canceled, notCanceled int) {
	t.Helper()
	var entries []InteractionLogEntry
	if err := s.db.Where("logged_segment_entry_no = ?", loggedSegment).Find(&entries).Error; err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Canceled {
			canceled++
		} else {
			notCanceled++
		}
	}
	return canceled, notCanceled
}

func TestLoggedSegmentCancelCascadesAndRestoreRestoresAll(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		a := seedLoggedSegment(t, s, "A", 3)
		b := seedLoggedSegment(t, s, "B", 2)
		// One entry of A was canceled on its own before the segment was.
		if err := s.db.Model(&InteractionLogEntry{}).Where("logged_segment_entry_no = ?", a).Limit(1).Update("canceled", true).Error; err != nil {
			t.Fatal(err)
		}
		ls, err := write(ctx, s, Actor{}, func(tx *Tx) (LoggedSegment, error) { return tx.SetLoggedSegmentCanceled(a, true) })
		if err != nil || !ls.Canceled {
			t.Fatalf("cancel: %v %v", ls, err)
		}
		if c, n := entryStates(t, s, a); c != 3 || n != 0 {
			t.Fatalf("after cancel: %d canceled, %d not; want all 3 canceled", c, n)
		}
		if c, n := entryStates(t, s, b); c != 0 || n != 2 {
			t.Fatalf("the other logged segment changed: %d canceled, %d not", c, n)
		}
		if ls, err = write(ctx, s, Actor{}, func(tx *Tx) (LoggedSegment, error) { return tx.SetLoggedSegmentCanceled(a, false) }); err != nil || ls.Canceled {
			t.Fatalf("restore: %v %v", ls, err)
		}
		if c, n := entryStates(t, s, a); c != 0 || n != 3 {
			t.Fatalf("after restore: %d canceled, %d not; want every entry restored", c, n)
		}
		if _, err := write(ctx, s, Actor{}, func(tx *Tx) (LoggedSegment, error) { return tx.SetLoggedSegmentCanceled(999, true) }); !errors.Is(err, ErrNotFound) {
			t.Fatalf("missing logged segment: %v", err)
		}
	})
}

func TestDeleteCanceledLoggedSegmentsKeepsEntries(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		a1 := seedLoggedSegment(t, s, "A", 2)
		a2 := seedLoggedSegment(t, s, "A", 1)
		b := seedLoggedSegment(t, s, "B", 2)
		keep := seedLoggedSegment(t, s, "A", 1)
		for _, no := range []int64{a1, a2, b} {
			if _, err := write(ctx, s, Actor{}, func(tx *Tx) (LoggedSegment, error) { return tx.SetLoggedSegmentCanceled(no, true) }); err != nil {
				t.Fatal(err)
			}
		}
		if n, err := s.CountCanceledLoggedSegments(ctx, "A"); err != nil || n != 2 {
			t.Fatalf("validate only: %d %v, want 2", n, err)
		}
		if _, err := s.GetLoggedSegment(ctx, a1); err != nil {
			t.Fatalf("validate_only deleted: %v", err)
		}
		if n, err := s.DeleteCanceledLoggedSegments(ctx, Actor{}, "A"); err != nil || n != 2 {
			t.Fatalf("delete A: %d %v, want 2", n, err)
		}
		for _, gone := range []int64{a1, a2} {
			if _, err := s.GetLoggedSegment(ctx, gone); !errors.Is(err, ErrNotFound) {
				t.Fatalf("logged segment %d still there: %v", gone, err)
			}
		}
		var unlinked int64
		s.db.Model(&InteractionLogEntry{}).Where("segment_no = ? AND logged_segment_entry_no IS NULL AND canceled", "A").Count(&unlinked)
		if unlinked != 3 {
			t.Fatalf("%d canceled, unlinked entries of A; want the 3 entries kept", unlinked)
		}
		if c, n := entryStates(t, s, keep); c != 0 || n != 1 {
			t.Fatalf("the uncanceled logged segment's entry changed: %d %d", c, n)
		}
		if n, err := s.DeleteCanceledLoggedSegments(ctx, Actor{}, ""); err != nil || n != 1 {
			t.Fatalf("delete all: %d %v, want 1 (B)", n, err)
		}
		if _, err := s.GetLoggedSegment(ctx, keep); err != nil {
			t.Fatalf("uncanceled logged segment deleted: %v", err)
		}
	})
}
