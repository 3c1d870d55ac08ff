package store

import (
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
