package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"gorm.io/gorm"
)

// storeFile uploads data as an attachment.
func storeFile(t *testing.T, s *Store, data []byte) Attachment {
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
	a, err := write(ctx, s, Actor{}, func(tx *Tx) (Attachment, error) {
		return tx.FinishUpload(up, Attachment{FileName: "f", ContentType: "text/plain"})
	})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// wantProblems fails unless CheckAttachments reports exactly problems
// containing each of want, in any order.
func wantProblems(t *testing.T, s *Store, want ...string) {
	t.Helper()
	r, err := s.CheckAttachments(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Problems) != len(want) {
		t.Fatalf("problems %q, want %d containing %q", r.Problems, len(want), want)
	}
	for _, w := range want {
		found := false
		for _, p := range r.Problems {
			found = found || strings.Contains(p, w)
		}
		if !found {
			t.Fatalf("problems %q do not mention %q", r.Problems, w)
		}
	}
}

// TestCheckAttachmentsFindsEachProblem breaks the storage in every way the
// check knows and expects each to be reported: the end-to-end tests rely on
// this check to prove that nothing is orphaned or lost.
func TestCheckAttachmentsFindsEachProblem(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		a := storeFile(t, s, []byte(strings.Repeat("x", ChunkSize+1)))
		wantProblems(t, s)
		missing := int64(999)

		steps := []struct {
			breakIt func(db *gorm.DB) error
			problem string
		}{
			{func(db *gorm.DB) error {
				return db.Create(&AttachmentChunk{BlobID: 77, Seq: 0, Data: []byte("x")}).Error
			},
				"chunks of blob 77"},
			{func(db *gorm.DB) error { return db.Create(&AttachmentBlob{CreateTime: 1}).Error },
				"is incomplete"},
			{func(db *gorm.DB) error {
				sha := strings.Repeat("0", 64)
				return db.Create(&AttachmentBlob{Sha256: &sha, Complete: true, CreateTime: 1}).Error
			}, "complete but used by no attachment"},
			{func(db *gorm.DB) error {
				return db.Model(&AttachmentChunk{}).Where("blob_id = ? AND seq = 1", a.BlobID).Update("data", []byte("yy")).Error
			}, fmt.Sprintf("records %d bytes but has %d bytes", ChunkSize+1, ChunkSize+2)},
			{func(db *gorm.DB) error {
				return db.Create(&Attachment{BlobID: missing, Sha256: "x", CreateTime: 1}).Error
			}, "points at a missing"},
			{func(db *gorm.DB) error {
				return db.Create(&InteractionGroup{Code: "G", Etag: "e"}).Error
			}, ""},
			{func(db *gorm.DB) error {
				return db.Create(&InteractionTemplate{Code: "T", GroupCode: "G", Etag: "e", AttachmentID: &missing}).Error
			}, "a template refers to attachment 999"},
			{func(db *gorm.DB) error {
				return db.Create(&InteractionTemplateLanguage{TemplateCode: "T", LanguageCode: "L", AttachmentID: &missing}).Error
			}, "a template language row refers to attachment 999"},
			{func(db *gorm.DB) error {
				return db.Create(&Contact{No: "C", Type: ContactTypePerson, Etag: "e"}).Error
			}, ""},
			{func(db *gorm.DB) error {
				return db.Create(&InteractionLogEntry{ContactNo: "C", AttachmentID: &missing}).Error
			}, "a log entry refers to attachment 999"},
			{func(db *gorm.DB) error {
				return db.Create(&InteractionLogEntry{ContactNo: "C", AttachmentID: &a.ID}).Error
			}, "used by a logged entry but is not read-only"},
		}
		var want []string
		for _, step := range steps {
			if err := step.breakIt(s.db.WithContext(ctx)); err != nil {
				t.Fatal(err)
			}
			if step.problem != "" {
				want = append(want, step.problem)
			}
			wantProblems(t, s, want...)
		}
	})
}

// TestEntryMakesAttachmentReadOnly is the part of logging an interaction
// that touches its attachment: a draft shares it, a logged entry makes it
// read-only, and an attachment released meanwhile makes the logging retry.
func TestEntryMakesAttachmentReadOnly(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		a := storeFile(t, s, []byte("letter"))
		if err := s.db.Create(&Contact{No: "C", Type: ContactTypePerson, Etag: "e"}).Error; err != nil {
			t.Fatal(err)
		}
		insert := func(e InteractionLogEntry) error {
			return s.inTx(ctx, func(tx *gorm.DB) error { return insertEntries(tx, []InteractionLogEntry{e}) })
		}
		if err := insert(InteractionLogEntry{ContactNo: "C", AttachmentID: &a.ID, Postponed: true}); err != nil {
			t.Fatal(err)
		}
		if got, err := s.GetAttachment(ctx, a.ID); err != nil || got.ReadOnly {
			t.Fatalf("after a draft: %+v, %v; want not read-only", got, err)
		}
		if err := insert(InteractionLogEntry{ContactNo: "C", AttachmentID: &a.ID}); err != nil {
			t.Fatal(err)
		}
		if got, err := s.GetAttachment(ctx, a.ID); err != nil || !got.ReadOnly {
			t.Fatalf("after logging: %+v, %v; want read-only", got, err)
		}
		missing := int64(12345)
		err := s.inTx(ctx, func(tx *gorm.DB) error {
			return shareEntryAttachments(tx, []InteractionLogEntry{{AttachmentID: &missing}})
		})
		if !errors.Is(err, ErrConflict) {
			t.Fatalf("sharing a released attachment: %v, want ErrConflict (the logging is retried)", err)
		}
		err = s.RunInTx(ctx, Actor{}, func(tx *Tx) error { return tx.DeleteAttachment(a.ID) })
		if !errors.Is(err, ErrPrecondition) || !strings.Contains(err.Error(), "interaction log entry") {
			t.Fatalf("delete of an attachment entries use: %v", err)
		}
		wantProblems(t, s)

		// Deleting the entries and releasing deletes the attachment and its content.
		err = s.RunInTx(ctx, Actor{}, func(tx *Tx) error {
			if err := tx.db.Where("attachment_id = ?", a.ID).Delete(&InteractionLogEntry{}).Error; err != nil {
				return err
			}
			return tx.releaseAttachments(&a.ID)
		})
		if err != nil {
			t.Fatal(err)
		}
		wantProblems(t, s)
		if r, _ := s.CheckAttachments(ctx); r.Attachments != 0 || r.Blobs != 0 || r.Chunks != 0 {
			t.Fatalf("after releasing the last reference: %+v", r)
		}
	})
}
