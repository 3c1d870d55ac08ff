package store

import (
	"context"
	"errors"
	"testing"
)

// Store-level tests of the operations on logged entries. Entries are
// inserted directly, as LogInteraction would leave them.

func seedContact(t *testing.T, s *Store, no string, typ int16, companyNo string) {
	t.Helper()
	c := Contact{No: no, Type: typ, CompanyNo: companyNo, Etag: "e", CreateTime: 1, UpdateTime: 1}
	if err := s.db.Create(&c).Error; err != nil {
		t.Fatal(err)
	}
}

// seedEntry inserts an entry; ContactNo defaults to "C1", which must exist.
func seedEntry(t *testing.T, s *Store, e InteractionLogEntry) InteractionLogEntry {
	t.Helper()
	if e.ContactNo == "" {
		e.ContactNo = "C1"
	}
	if e.InteractionTime == 0 {
		e.InteractionTime = nowMicros()
	}
	e.CreateTime, e.UpdateTime = nowMicros(), nowMicros()
	if err := s.db.Create(&e).Error; err != nil {
		t.Fatal(err)
	}
	return e
}

func seedAttachment(t *testing.T, s *Store) *int64 {
	t.Helper()
	b := AttachmentBlob{SizeBytes: 1, Complete: true, CreateTime: 1}
	if err := s.db.Create(&b).Error; err != nil {
		t.Fatal(err)
	}
	a := Attachment{BlobID: b.ID, SizeBytes: 1, Sha256: "x", CreateTime: 1}
	if err := s.db.Create(&a).Error; err != nil {
		t.Fatal(err)
	}
	return &a.ID
}

func wantReason(t *testing.T, err error, kind error, reason Reason) {
	t.Helper()
	var se *Error
	if !errors.Is(err, kind) || !errors.As(err, &se) || se.Reason != reason {
		t.Fatalf("got %v, want %v with reason %d", err, kind, reason)
	}
}

func getEntry(t *testing.T, s *Store, no int64) (InteractionLogEntry, bool) {
	t.Helper()
	var rows []InteractionLogEntry
	if err := s.db.Where("entry_no = ?", no).Find(&rows).Error; err != nil {
		t.Fatal(err)
	}
	if len(rows) == 0 {
		return InteractionLogEntry{}, false
	}
	return rows[0], true
}

func TestCancelAndRestoreAreAllOrNothing(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		seedContact(t, s, "C1", ContactTypePerson, "")
		e1, e2 := seedEntry(t, s, InteractionLogEntry{}), seedEntry(t, s, InteractionLogEntry{})

		_, err := write(ctx, s, Actor{}, func(tx *Tx) ([]InteractionLogEntry, error) { return tx.CancelEntries([]int64{e1.EntryNo, 999}, false) })
		wantReason(t, err, ErrNotFound, ReasonNotFound)
		if got, _ := getEntry(t, s, e1.EntryNo); got.Canceled {
			t.Fatal("a failed cancel canceled an entry")
		}

		out, err := write(ctx, s, Actor{}, func(tx *Tx) ([]InteractionLogEntry, error) {
			return tx.CancelEntries([]int64{e2.EntryNo, e1.EntryNo, e2.EntryNo}, false)
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(out) != 3 || out[0].EntryNo != e2.EntryNo || out[1].EntryNo != e1.EntryNo || !out[0].Canceled || !out[1].Canceled {
			t.Fatalf("cancel returned %+v, want e2, e1, e2 canceled in request order", out)
		}
		// Canceling again keeps the state: no toggle.
		if out, err = write(ctx, s, Actor{}, func(tx *Tx) ([]InteractionLogEntry, error) { return tx.CancelEntries([]int64{e1.EntryNo}, false) }); err != nil || !out[0].Canceled {
			t.Fatalf("cancel again: %v %+v", err, out)
		}
		if out, err = write(ctx, s, Actor{}, func(tx *Tx) ([]InteractionLogEntry, error) { return tx.RestoreEntries([]int64{e1.EntryNo, e2.EntryNo}) }); err != nil || out[0].Canceled || out[1].Canceled {
			t.Fatalf("restore: %v %+v", err, out)
		}
		if out, err = write(ctx, s, Actor{}, func(tx *Tx) ([]InteractionLogEntry, error) { return tx.RestoreEntries([]int64{e1.EntryNo}) }); err != nil || out[0].Canceled {
			t.Fatalf("restore again: %v %+v", err, out)
		}
	})
}

func TestRestoreRefusesEntriesOfCanceledLoggedSegments(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		seedContact(t, s, "C1", ContactTypePerson, "")
		seg := LoggedSegment{SegmentNo: "S1", CreateTime: 1, Canceled: true, InteractionCount: 1}
		if err := s.db.Create(&seg).Error; err != nil {
			t.Fatal(err)
		}
		plain := seedEntry(t, s, InteractionLogEntry{Canceled: true})
		ofSegment := seedEntry(t, s, InteractionLogEntry{Canceled: true, LoggedSegmentEntryNo: &seg.EntryNo})
		_, err := write(ctx, s, Actor{}, func(tx *Tx) ([]InteractionLogEntry, error) {
			return tx.RestoreEntries([]int64{plain.EntryNo, ofSegment.EntryNo})
		})
		wantReason(t, err, ErrPrecondition, ReasonLoggedSegmentCanceled)
		if got, _ := getEntry(t, s, plain.EntryNo); !got.Canceled {
			t.Fatal("a refused restore restored another entry of the batch")
		}
		if err := s.db.Model(&seg).Update("canceled", false).Error; err != nil {
			t.Fatal(err)
		}
		if _, err := write(ctx, s, Actor{}, func(tx *Tx) ([]InteractionLogEntry, error) {
			return tx.RestoreEntries([]int64{plain.EntryNo, ofSegment.EntryNo})
		}); err != nil {
			t.Fatal(err)
		}
	})
}

func TestCancelRefusesPostponedEntries(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		seedContact(t, s, "C1", ContactTypePerson, "")
		draft := seedEntry(t, s, InteractionLogEntry{Postponed: true})
		_, err := write(ctx, s, Actor{}, func(tx *Tx) ([]InteractionLogEntry, error) { return tx.CancelEntries([]int64{draft.EntryNo}, false) })
		wantReason(t, err, ErrPrecondition, ReasonEntryPostponed)
		_, err = write(ctx, s, Actor{}, func(tx *Tx) ([]InteractionLogEntry, error) { return tx.RestoreEntries([]int64{draft.EntryNo}) })
		wantReason(t, err, ErrPrecondition, ReasonEntryPostponed)
	})
}

func TestCancelReleasesOnlyUniqueAttachments(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		seedContact(t, s, "C1", ContactTypePerson, "")
		unique, sharedWithEntry, sharedWithTemplate, sharedInBatch := seedAttachment(t, s), seedAttachment(t, s), seedAttachment(t, s), seedAttachment(t, s)
		if _, err := write(ctx, s, Actor{}, func(tx *Tx) (InteractionGroup, error) { return tx.CreateGroup(InteractionGroup{Code: "G"}) }); err != nil {
			t.Fatal(err)
		}
		if _, err := write(ctx, s, Actor{}, func(tx *Tx) (InteractionTemplate, error) {
			return tx.CreateTemplate(InteractionTemplate{Code: "T", GroupCode: "G", AttachmentID: sharedWithTemplate})
		}); err != nil {
			t.Fatal(err)
		}
		a := seedEntry(t, s, InteractionLogEntry{AttachmentID: unique})
		b := seedEntry(t, s, InteractionLogEntry{AttachmentID: sharedWithEntry})
		other := seedEntry(t, s, InteractionLogEntry{AttachmentID: sharedWithEntry})
		c := seedEntry(t, s, InteractionLogEntry{AttachmentID: sharedWithTemplate})
		d1 := seedEntry(t, s, InteractionLogEntry{AttachmentID: sharedInBatch})
		d2 := seedEntry(t, s, InteractionLogEntry{AttachmentID: sharedInBatch})

		out, err := write(ctx, s, Actor{}, func(tx *Tx) ([]InteractionLogEntry, error) {
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
			kept, err := exists(s.db, &Attachment{}, "id = ?", *id)
			if err != nil || kept != wantKept {
				t.Errorf("attachment %d kept = %v (%v), want %v", *id, kept, err, wantKept)
			}
		}
		if got, _ := getEntry(t, s, other.EntryNo); !sameID(got.AttachmentID, sharedWithEntry) || got.Canceled {
			t.Fatalf("an entry outside the batch changed: %+v", got)
		}
	})
}

func TestEvaluateAndUpdateEntries(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		seedContact(t, s, "C1", ContactTypePerson, "")
		e1 := seedEntry(t, s, InteractionLogEntry{Description: "old", UserID: "logger", Subject: "keep"})
		_, err := write(ctx, s, Actor{}, func(tx *Tx) ([]InteractionLogEntry, error) { return tx.EvaluateEntries([]int64{e1.EntryNo, 12345}, 2) })
		wantReason(t, err, ErrNotFound, ReasonNotFound)
		out, err := write(ctx, s, Actor{}, func(tx *Tx) ([]InteractionLogEntry, error) { return tx.EvaluateEntries([]int64{e1.EntryNo}, 2) })
		if err != nil || out[0].Evaluation != 2 {
			t.Fatalf("evaluate: %v %+v", err, out)
		}
		got, err := write(ctx, s, Actor{Principal: "editor"}, func(tx *Tx) (InteractionLogEntry, error) {
			return tx.UpdateEntry(InteractionLogEntry{EntryNo: e1.EntryNo, Description: "new", CostMicros: 5, Subject: "ignored"},
				[]Field{"description", "cost"})
		})
		if err != nil {
			t.Fatal(err)
		}
		if got.Description != "new" || got.CostMicros != 5 || got.Subject != "keep" || got.UserID != "logger" || got.Evaluation != 2 {
			t.Fatalf("update wrote %+v: want only description and cost changed, user_id kept", got)
		}
		_, err = write(ctx, s, Actor{}, func(tx *Tx) (InteractionLogEntry, error) {
			return tx.UpdateEntry(InteractionLogEntry{EntryNo: 999}, []Field{"description"})
		})
		wantReason(t, err, ErrNotFound, ReasonNotFound)
		if _, err := write(ctx, s, Actor{}, func(tx *Tx) (InteractionLogEntry, error) {
			return tx.UpdateEntry(InteractionLogEntry{EntryNo: e1.EntryNo}, []Field{"contact_no"})
		}); err == nil {
			t.Fatal("update of a field outside the allowed set succeeded")
		}
	})
}

func TestCommentsKeepTheCount(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store) {
		ctx, writer := context.Background(), Actor{Principal: "writer"}
		seedContact(t, s, "C1", ContactTypePerson, "")
		e := seedEntry(t, s, InteractionLogEntry{})
		var ids []int64
		for _, text := range []string{"one", "two", "three"} {
			c, err := write(ctx, s, writer, func(tx *Tx) (InteractionLogComment, error) {
				return tx.CreateComment(InteractionLogComment{EntryNo: e.EntryNo, CommentDate: "2026-11-27", Text: text})
			})
			if err != nil {
				t.Fatal(err)
			}
			if c.UserID != "writer" || c.ID == 0 {
				t.Fatalf("created %+v", c)
			}
			ids = append(ids, c.ID)
		}
		_, err := write(ctx, s, Actor{}, func(tx *Tx) (InteractionLogComment, error) {
			return tx.CreateComment(InteractionLogComment{EntryNo: 999, CommentDate: "2026-11-27", Text: "x"})
		})
		wantReason(t, err, ErrNotFound, ReasonNotFound)

		page, more, err := s.ListComments(ctx, e.EntryNo, Page{Limit: 2})
		if err != nil || !more || len(page) != 2 || page[0].Text != "one" {
			t.Fatalf("first page: %v %v %+v", err, more, page)
		}
		page, more, err = s.ListComments(ctx, e.EntryNo, Page{Limit: 2, HasAfter: true, AfterNumber: page[1].ID})
		if err != nil || more || len(page) != 1 || page[0].Text != "three" {
			t.Fatalf("second page: %v %v %+v", err, more, page)
		}
		_, _, err = s.ListComments(ctx, 999, Page{Limit: 2})
		wantReason(t, err, ErrNotFound, ReasonNotFound)

		upd, err := write(ctx, s, Actor{Principal: "editor"}, func(tx *Tx) (InteractionLogComment, error) {
			return tx.UpdateComment(InteractionLogComment{EntryNo: e.EntryNo, ID: ids[1], Text: "TWO", CommentDate: "1999-01-01"}, []Field{"text"})
		})
		if err != nil || upd.Text != "TWO" || upd.CommentDate != "2026-11-27" || upd.UserID != "editor" {
			t.Fatalf("update: %v %+v", err, upd)
		}
		// A comment is addressed through its own entry only.
		other := seedEntry(t, s, InteractionLogEntry{})
		_, err = write(ctx, s, Actor{}, func(tx *Tx) (InteractionLogComment, error) {
			return tx.UpdateComment(InteractionLogComment{EntryNo: other.EntryNo, ID: ids[0], Text: "x"}, []Field{"text"})
		})
		wantReason(t, err, ErrNotFound, ReasonNotFound)
		wantReason(t, s.RunInTx(ctx, Actor{}, func(tx *Tx) error { return tx.DeleteComment(other.EntryNo, ids[0]) }), ErrNotFound, ReasonNotFound)

		if err := s.RunInTx(ctx, Actor{}, func(tx *Tx) error { return tx.DeleteComment(e.EntryNo, ids[0]) }); err != nil {
			t.Fatal(err)
		}
		wantReason(t, s.RunInTx(ctx, Actor{}, func(tx *Tx) error { return tx.DeleteComment(e.EntryNo, ids[0]) }), ErrNotFound, ReasonNotFound)
		if got, _ := getEntry(t, s, e.EntryNo); got.CommentCount != 2 {
			t.Fatalf("comment count %d after 3 creates and 1 delete, want 2", got.CommentCount)
		}
	})
}
