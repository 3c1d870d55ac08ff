package storetest

import (
	"context"
	"errors"
	"testing"

	"github.com/interlog/interlog/store"
)

// The operations on logged entries: cancel, restore, evaluate, update.
var interactionLogOpsTests = []test{
	{"CancelAndRestoreAreAllOrNothing", cancelAndRestoreAreAllOrNothing},
	{"RestoreRefusesEntriesOfCanceledLoggedSegments", restoreRefusesEntriesOfCanceledLoggedSegments},
	{"CancelRefusesPostponedEntries", cancelRefusesPostponedEntries},
	{"CancelReleasesOnlyUniqueAttachments", cancelReleasesOnlyUniqueAttachments},
	{"EvaluateAndUpdateEntries", evaluateAndUpdateEntries},
}

func cancelEntries(ctx context.Context, s *store.Store, entryNos ...int64) ([]store.InteractionLogEntry, error) {
	return write(ctx, s, store.Actor{}, func(tx *store.Tx) ([]store.InteractionLogEntry, error) {
		return tx.CancelEntries(entryNos, false)
	})
}

func restoreEntries(ctx context.Context, s *store.Store, entryNos ...int64) ([]store.InteractionLogEntry, error) {
	return write(ctx, s, store.Actor{}, func(tx *store.Tx) ([]store.InteractionLogEntry, error) {
		return tx.RestoreEntries(entryNos)
	})
}

func cancelAndRestoreAreAllOrNothing(t *testing.T, s *store.Store) {
	ctx := context.Background()
	seedBasics(t, s)
	e1, e2 := logEntry(t, s, store.LogRequest{}), logEntry(t, s, store.LogRequest{})

	_, err := cancelEntries(ctx, s, e1.EntryNo, 999)
	wantReason(t, err, store.ErrNotFound, store.ReasonNotFound)
	if got, _ := getEntry(t, s, e1.EntryNo); got.Canceled {
		t.Fatal("a failed cancel canceled an entry")
	}

	out, err := cancelEntries(ctx, s, e2.EntryNo, e1.EntryNo, e2.EntryNo)
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != 3 || out[0].EntryNo != e2.EntryNo || out[1].EntryNo != e1.EntryNo || !out[0].Canceled || !out[1].Canceled {
		t.Fatalf("cancel returned %+v, want e2, e1, e2 canceled in request order", out)
	}
	// Canceling again keeps the state: no toggle.
	if out, err = cancelEntries(ctx, s, e1.EntryNo); err != nil || !out[0].Canceled {
		t.Fatalf("cancel again: %v %+v", err, out)
	}
	if out, err = restoreEntries(ctx, s, e1.EntryNo, e2.EntryNo); err != nil || out[0].Canceled || out[1].Canceled {
		t.Fatalf("restore: %v %+v", err, out)
	}
	if out, err = restoreEntries(ctx, s, e1.EntryNo); err != nil || out[0].Canceled {
		t.Fatalf("restore again: %v %+v", err, out)
	}
}

func restoreRefusesEntriesOfCanceledLoggedSegments(t *testing.T, s *store.Store) {
	ctx := context.Background()
	seedBasics(t, s)
	plain := logEntry(t, s, store.LogRequest{})
	cancel(t, s, plain.EntryNo)
	seg := logSegment(t, s, store.Segment{No: "S1"}, 1)
	mustWrite(t, s, func(tx *store.Tx) (store.LoggedSegment, error) { return tx.SetLoggedSegmentCanceled(seg, true) })
	ofSegment := entriesOf(t, s, seg)[0]

	_, err := restoreEntries(ctx, s, plain.EntryNo, ofSegment.EntryNo)
	wantReason(t, err, store.ErrPrecondition, store.ReasonLoggedSegmentCanceled)
	if got, _ := getEntry(t, s, plain.EntryNo); !got.Canceled {
		t.Fatal("a refused restore restored another entry of the batch")
	}
	// Once its logged segment is restored, the entry may be canceled and restored alone.
	mustWrite(t, s, func(tx *store.Tx) (store.LoggedSegment, error) { return tx.SetLoggedSegmentCanceled(seg, false) })
	cancel(t, s, ofSegment.EntryNo)
	if _, err := restoreEntries(ctx, s, plain.EntryNo, ofSegment.EntryNo); err != nil {
		t.Fatal(err)
	}
}

func cancelRefusesPostponedEntries(t *testing.T, s *store.Store) {
	ctx := context.Background()
	seedBasics(t, s)
	draft := logEntry(t, s, store.LogRequest{Postpone: true})
	_, err := cancelEntries(ctx, s, draft.EntryNo)
	wantReason(t, err, store.ErrPrecondition, store.ReasonEntryPostponed)
	_, err = restoreEntries(ctx, s, draft.EntryNo)
	wantReason(t, err, store.ErrPrecondition, store.ReasonEntryPostponed)
}

func cancelReleasesOnlyUniqueAttachments(t *testing.T, s *store.Store) {
	ctx := context.Background()
	seedBasics(t, s)
	newAttachment := func(content string) *int64 { return ptrTo(storeFile(t, s, []byte(content)).ID) }
	unique, sharedWithEntry := newAttachment("unique"), newAttachment("shared with an entry")
	sharedWithTemplate, sharedInBatch := newAttachment("shared with a template"), newAttachment("shared in the batch")
	createTemplate(t, s, store.InteractionTemplate{Code: "TA", GroupCode: "G", AttachmentID: sharedWithTemplate})
	withAttachment := func(id *int64) store.LogRequest {
		return store.LogRequest{Overrides: store.Overrides{AttachmentID: id}}
	}
	a := logEntry(t, s, withAttachment(unique))
	b := logEntry(t, s, withAttachment(sharedWithEntry))
	other := logEntry(t, s, withAttachment(sharedWithEntry))
	c := logEntry(t, s, store.LogRequest{TemplateCode: "TA"}) // the template's attachment
	d1 := logEntry(t, s, withAttachment(sharedInBatch))
	d2 := logEntry(t, s, withAttachment(sharedInBatch))
	if !sameID(c.AttachmentID, sharedWithTemplate) {
		t.Fatalf("an entry of template TA has attachment %v, want the template's %d", c.AttachmentID, *sharedWithTemplate)
	}

	out, err := write(ctx, s, store.Actor{}, func(tx *store.Tx) ([]store.InteractionLogEntry, error) {
		return tx.CancelEntries([]int64{a.EntryNo, b.EntryNo, c.EntryNo, d1.EntryNo, d2.EntryNo}, true)
	})
	if err != nil {
		t.Fatal(err)
	}
	wantAttachment := map[int64]*int64{a.EntryNo: nil, b.EntryNo: sharedWithEntry, c.EntryNo: sharedWithTemplate, d1.EntryNo: nil, d2.EntryNo: nil}
	for _, e := range out {
		if !sameID(e.AttachmentID, wantAttachment[e.EntryNo]) {
			t.Errorf("entry %d has attachment %v, want %v", e.EntryNo, e.AttachmentID, wantAttachment[e.EntryNo])
		}
	}
	for id, wantKept := range map[*int64]bool{unique: false, sharedWithEntry: true, sharedWithTemplate: true, sharedInBatch: false} {
		if kept := attachmentExists(t, s, *id); kept != wantKept {
			t.Errorf("attachment %d kept = %v, want %v", *id, kept, wantKept)
		}
	}
	if got, _ := getEntry(t, s, other.EntryNo); !sameID(got.AttachmentID, sharedWithEntry) || got.Canceled {
		t.Fatalf("an entry outside the batch changed: %+v", got)
	}
}

func evaluateAndUpdateEntries(t *testing.T, s *store.Store) {
	ctx := context.Background()
	seedBasics(t, s)
	e1, err := write(ctx, s, store.Actor{Principal: "logger"}, func(tx *store.Tx) (store.InteractionLogEntry, error) {
		return tx.LogInteraction(store.LogRequest{ContactNo: "C1", TemplateCode: "T",
			Overrides: store.Overrides{Description: ptrTo("old"), Subject: ptrTo("keep")}})
	})
	if err != nil {
		t.Fatal(err)
	}
	evaluate := func(entryNos ...int64) ([]store.InteractionLogEntry, error) {
		return write(ctx, s, store.Actor{}, func(tx *store.Tx) ([]store.InteractionLogEntry, error) { return tx.EvaluateEntries(entryNos, 2) })
	}
	_, err = evaluate(e1.EntryNo, 12345)
	wantReason(t, err, store.ErrNotFound, store.ReasonNotFound)
	out, err := evaluate(e1.EntryNo)
	if err != nil || out[0].Evaluation != 2 {
		t.Fatalf("evaluate: %v %+v", err, out)
	}
	update := func(actor store.Actor, e store.InteractionLogEntry, fields ...store.Field) (store.InteractionLogEntry, error) {
		return write(ctx, s, actor, func(tx *store.Tx) (store.InteractionLogEntry, error) { return tx.UpdateEntry(e, fields) })
	}
	got, err := update(store.Actor{Principal: "editor"},
		store.InteractionLogEntry{EntryNo: e1.EntryNo, Description: "new", CostMicros: 5, Subject: "ignored"}, "description", "cost")
	if err != nil {
		t.Fatal(err)
	}
	if got.Description != "new" || got.CostMicros != 5 || got.Subject != "keep" || got.UserID != "logger" || got.Evaluation != 2 {
		t.Fatalf("update wrote %+v: want only description and cost changed, user_id kept", got)
	}
	_, err = update(store.Actor{}, store.InteractionLogEntry{EntryNo: 999}, "description")
	wantReason(t, err, store.ErrNotFound, store.ReasonNotFound)
	if _, err := update(store.Actor{}, store.InteractionLogEntry{EntryNo: e1.EntryNo}, "contact_no"); err == nil {
		t.Fatal("update of a field outside the allowed set succeeded")
	}
}

func sameID(a, b *int64) bool {
	return (a == nil && b == nil) || (a != nil && b != nil && *a == *b)
}

// attachmentExists reports whether the attachment is still stored.
func attachmentExists(t *testing.T, s *store.Store, id int64) bool {
	t.Helper()
	_, err := s.GetAttachment(context.Background(), id)
	if errors.Is(err, store.ErrNotFound) {
		return false
	}
	if err != nil {
		t.Fatal(err)
	}
	return true
}
