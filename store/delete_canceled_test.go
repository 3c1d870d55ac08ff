package store

import (
	"context"
	"reflect"

	"testing"
)

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

// TestDeleteCanceledLeavesNoOrphansAndNoDrafts covers what the conformance suite's
// deleteCanceled tests cannot see through the API: a canceled draft (which no API call
// makes, but whose row the filter must still exclude) is kept, and a deleted entry's
// comments go with it.
func TestDeleteCanceledLeavesNoOrphansAndNoDrafts(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		seedContact(t, s, "C1", ContactTypePerson, "")
		gone := seedEntry(t, s, InteractionLogEntry{Canceled: true})
		draft := seedEntry(t, s, InteractionLogEntry{Canceled: true, Postponed: true})
		if _, err := write(ctx, s, Actor{}, func(tx *Tx) (InteractionLogComment, error) {
			return tx.CreateComment(InteractionLogComment{EntryNo: gone.EntryNo, CommentDate: "2026-01-01", Text: "x"})
		}); err != nil {
			t.Fatal(err)
		}
		if n, err := s.DeleteCanceledEntries(ctx, Actor{}, DeleteCanceledFilter{}); err != nil || n != 1 {
			t.Fatalf("deleted = %d, %v; want 1", n, err)
		}
		if kept, _ := exists(s.db, &InteractionLogEntry{}, "entry_no = ?", draft.EntryNo); !kept {
			t.Error("a canceled draft was deleted")
		}
		if left, _ := exists(s.db, &InteractionLogComment{}, "entry_no = ?", gone.EntryNo); left {
			t.Error("the comments of a deleted entry are left")
		}
	})
}

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
