package storetest

import (
	"context"
	"errors"
	"testing"

	"github.com/interlog/interlog/store"
)

var loggedSegmentTests = []test{
	{"LoggedSegmentCancelCascadesAndRestoreRestoresAll", loggedSegmentCancelCascadesAndRestoreRestoresAll},
	{"DeleteCanceledLoggedSegmentsKeepsEntries", deleteCanceledLoggedSegmentsKeepsEntries},
}

// entryStates counts the entries linked to a logged segment by canceled state.
func entryStates(t *testing.T, s *store.Store, loggedSegment int64) (canceled, notCanceled int) {
	t.Helper()
	for _, e := range entriesOf(t, s, loggedSegment) {
		if e.Canceled {
			canceled++
		} else {
			notCanceled++
		}
	}
	return canceled, notCanceled
}

func setLoggedSegmentCanceled(ctx context.Context, s *store.Store, entryNo int64, canceled bool) (store.LoggedSegment, error) {
	return write(ctx, s, store.Actor{}, func(tx *store.Tx) (store.LoggedSegment, error) {
		return tx.SetLoggedSegmentCanceled(entryNo, canceled)
	})
}

func loggedSegmentCancelCascadesAndRestoreRestoresAll(t *testing.T, s *store.Store) {
	ctx := context.Background()
	seedBasics(t, s)
	a := logSegment(t, s, store.Segment{No: "A"}, 3)
	b := logSegment(t, s, store.Segment{No: "B"}, 2)
	// One entry of A was canceled on its own before the segment was.
	cancel(t, s, entriesOf(t, s, a)[0].EntryNo)
	ls, err := setLoggedSegmentCanceled(ctx, s, a, true)
	if err != nil || !ls.Canceled {
		t.Fatalf("cancel: %v %v", ls, err)
	}
	if c, n := entryStates(t, s, a); c != 3 || n != 0 {
		t.Fatalf("after cancel: %d canceled, %d not; want all 3 canceled", c, n)
	}
	if c, n := entryStates(t, s, b); c != 0 || n != 2 {
		t.Fatalf("the other logged segment changed: %d canceled, %d not", c, n)
	}
	if ls, err = setLoggedSegmentCanceled(ctx, s, a, false); err != nil || ls.Canceled {
		t.Fatalf("restore: %v %v", ls, err)
	}
	if c, n := entryStates(t, s, a); c != 0 || n != 3 {
		t.Fatalf("after restore: %d canceled, %d not; want every entry restored", c, n)
	}
	if _, err := setLoggedSegmentCanceled(ctx, s, 999, true); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("missing logged segment: %v", err)
	}
}

// deleteCanceledLoggedSegmentsKeepsEntries: a segment no. is logged once (LogSegment
// refuses a second logged segment of the same no.), so each logged segment here has its own.
func deleteCanceledLoggedSegmentsKeepsEntries(t *testing.T, s *store.Store) {
	ctx := context.Background()
	seedBasics(t, s)
	a := logSegment(t, s, store.Segment{No: "A"}, 2)
	b := logSegment(t, s, store.Segment{No: "B"}, 2)
	keep := logSegment(t, s, store.Segment{No: "K"}, 1)
	for _, no := range []int64{a, b} {
		if _, err := setLoggedSegmentCanceled(ctx, s, no, true); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := s.CountCanceledLoggedSegments(ctx, "A"); err != nil || n != 1 {
		t.Fatalf("validate only: %d %v, want 1", n, err)
	}
	if n, err := s.CountCanceledLoggedSegments(ctx, ""); err != nil || n != 2 {
		t.Fatalf("validate only, every segment no.: %d %v, want 2", n, err)
	}
	if _, err := s.GetLoggedSegment(ctx, a); err != nil {
		t.Fatalf("validate_only deleted: %v", err)
	}
	if n, err := s.DeleteCanceledLoggedSegments(ctx, store.Actor{}, "A"); err != nil || n != 1 {
		t.Fatalf("delete A: %d %v, want 1", n, err)
	}
	if _, err := s.GetLoggedSegment(ctx, a); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("logged segment %d still there: %v", a, err)
	}
	canceledOfA := listEntries(t, s, store.EntryFilter{SegmentNo: "A", Canceled: ptrTo(true)})
	unlinked := 0
	for _, e := range canceledOfA {
		if e.LoggedSegmentEntryNo == nil {
			unlinked++
		}
	}
	if unlinked != 2 || len(canceledOfA) != 2 {
		t.Fatalf("%d canceled entries of A, %d of them unlinked; want the 2 entries kept, unlinked", len(canceledOfA), unlinked)
	}
	if c, n := entryStates(t, s, b); c != 2 || n != 0 {
		t.Fatalf("the entries of B, canceled but not asked for, changed: %d canceled, %d not", c, n)
	}
	if c, n := entryStates(t, s, keep); c != 0 || n != 1 {
		t.Fatalf("the uncanceled logged segment's entry changed: %d %d", c, n)
	}
	if n, err := s.DeleteCanceledLoggedSegments(ctx, store.Actor{}, ""); err != nil || n != 1 {
		t.Fatalf("delete all: %d %v, want 1 (B)", n, err)
	}
	if _, err := s.GetLoggedSegment(ctx, keep); err != nil {
		t.Fatalf("uncanceled logged segment deleted: %v", err)
	}
}
