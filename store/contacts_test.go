package store

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"gorm.io/gorm"
)

// countStatements counts the SQL statements run through s while fn runs.
func countStatements(t *testing.T, s *Store, fn func()) int64 {
	t.Helper()
	var n atomic.Int64
	count := func(*gorm.DB) { n.Add(1) }
	cb := s.db.Callback()
	name := fmt.Sprintf("test:count:%p", &n)
	for _, err := range []error{
		cb.Create().After("gorm:create").Register(name, count),
		cb.Query().After("gorm:query").Register(name, count),
		cb.Update().After("gorm:update").Register(name, count),
		cb.Delete().After("gorm:delete").Register(name, count),
		cb.Raw().After("gorm:raw").Register(name, count),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	defer func() {
		_ = cb.Create().Remove(name)
		_ = cb.Query().Remove(name)
		_ = cb.Update().Remove(name)
		_ = cb.Delete().Remove(name)
		_ = cb.Raw().Remove(name)
	}()
	fn()
	return n.Load()
}

// TestBatchUpsertContactsUsesFewStatements proves that a batch of 1000 is
// written with a handful of multi-row statements, not one per contact.
func TestBatchUpsertContactsUsesFewStatements(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store) {
		// The contacts' statements are counted: the change feed's inserts
		// of the batch's changes are batched by appendChanges, on its own terms.
		s.feedOff = true
		ctx := context.Background()
		batch := make([]Contact, 1000)
		for i := range batch {
			batch[i] = Contact{No: fmt.Sprintf("P%04d", i), Type: ContactTypePerson, CompanyNo: "CO"}
		}
		batch[999] = Contact{No: "CO", Type: ContactTypeCompany}
		for round := 0; round < 2; round++ {
			var err error
			n := countStatements(t, s, func() {
				_, err = write(ctx, s, Actor{}, func(tx *Tx) ([]Contact, error) { return tx.BatchUpsertContacts(batch) })
			})
			if err != nil {
				t.Fatal(err)
			}
			if n > 6 {
				t.Fatalf("round %d: %d statements for 1000 contacts, want a handful", round, n)
			}
		}
		var count int64
		if err := s.db.Model(&Contact{}).Where("company_no = ?", "CO").Count(&count).Error; err != nil || count != 1000 {
			t.Fatalf("count %d, %v", count, err)
		}
	})
}
