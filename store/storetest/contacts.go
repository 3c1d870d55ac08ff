package storetest

import (
	"context"
	"slices"
	"testing"

	"github.com/interlog/interlog/store"
)

var contactTests = []test{
	{"DeleteContactWithSegmentLines", deleteContactWithSegmentLines},
	{"ContactsKeepTheirCompanies", contactsKeepTheirCompanies},
	{"BatchUpsertContactsWritesCompaniesFirst", batchUpsertContactsWritesCompaniesFirst},
}

func deleteContactWithSegmentLines(t *testing.T, s *store.Store) {
	ctx := context.Background()
	createContact(t, s, "C", store.ContactTypeCompany, "")
	mustWrite(t, s, func(tx *store.Tx) (store.SegmentWithCount, error) {
		return tx.CreateSegment(store.Segment{No: "S", Description: "d"})
	})
	mustWrite(t, s, func(tx *store.Tx) (store.SegmentLine, error) {
		return tx.CreateSegmentLine(store.SegmentLine{SegmentNo: "S", ContactNo: "C"})
	})
	err := s.RunInTx(ctx, store.Actor{}, func(tx *store.Tx) error { return tx.DeleteContact("C", "") })
	wantReason(t, err, store.ErrPrecondition, store.ReasonContactHasSegmentLines)
}

// contactsKeepTheirCompanies: a person's company must exist and a company is its own
// company; a company with persons, and a contact with log entries, keep their place.
func contactsKeepTheirCompanies(t *testing.T, s *store.Store) {
	ctx := context.Background()
	create := func(c store.Contact) error {
		_, err := write(ctx, s, store.Actor{}, func(tx *store.Tx) (store.Contact, error) { return tx.CreateContact(c) })
		return err
	}
	deleteContact := func(no string) error {
		return s.RunInTx(ctx, store.Actor{}, func(tx *store.Tx) error { return tx.DeleteContact(no, "") })
	}
	wantReason(t, create(store.Contact{No: "P", Type: store.ContactTypePerson, CompanyNo: "CO"}), store.ErrPrecondition, store.ReasonCompanyNotFound)
	createContact(t, s, "CO", store.ContactTypeCompany, "")
	createContact(t, s, "P", store.ContactTypePerson, "CO")
	createContact(t, s, "ALONE", store.ContactTypePerson, "")
	wantReason(t, create(store.Contact{No: "P", Type: store.ContactTypePerson}), store.ErrAlreadyExists, store.ReasonAlreadyExists)
	if co, err := s.GetContact(ctx, "CO"); err != nil || co.CompanyNo != "CO" {
		t.Fatalf("company: %+v, %v; want its own no. as its company", co, err)
	}
	_, err := s.GetContact(ctx, "NONE")
	wantReason(t, err, store.ErrNotFound, store.ReasonContactNotFound)
	ofCompany, _, err := s.ListContacts(ctx, store.ContactFilter{CompanyNo: "CO"}, store.Page{Limit: 10})
	if got := contactNos(ofCompany); err != nil || !slices.Equal(got, []string{"CO", "P"}) {
		t.Fatalf("contacts of company CO: %v, %v; want CO and P", got, err)
	}

	wantReason(t, deleteContact("CO"), store.ErrPrecondition, store.ReasonCompanyHasPersons)
	createTemplate(t, s, store.InteractionTemplate{Code: "T", GroupCode: "G"})
	logEntry(t, s, store.LogRequest{ContactNo: "P"})
	wantReason(t, deleteContact("P"), store.ErrPrecondition, store.ReasonContactHasLogEntries)
	_, err = write(ctx, s, store.Actor{}, func(tx *store.Tx) (store.Contact, error) {
		return tx.UpdateContact(store.Contact{No: "P", Type: store.ContactTypeCompany}, "", []store.Field{"type"})
	})
	wantReason(t, err, store.ErrPrecondition, store.ReasonContactTypeLocked)
	if err := deleteContact("ALONE"); err != nil {
		t.Fatal(err)
	}
	wantReason(t, deleteContact("ALONE"), store.ErrNotFound, store.ReasonContactNotFound)
}

// batchUpsertContactsWritesCompaniesFirst: a person may name a company of its own batch,
// and upserting again replaces the contacts.
func batchUpsertContactsWritesCompaniesFirst(t *testing.T, s *store.Store) {
	ctx := context.Background()
	batch := []store.Contact{
		{No: "Q", Type: store.ContactTypePerson, CompanyNo: "NEWCO", DisplayName: "Lina"},
		{No: "NEWCO", Type: store.ContactTypeCompany, DisplayName: "Fabrikam"},
	}
	mustWrite(t, s, func(tx *store.Tx) ([]store.Contact, error) { return tx.BatchUpsertContacts(batch) })
	batch[0].DisplayName = "Lina Townsend"
	mustWrite(t, s, func(tx *store.Tx) ([]store.Contact, error) { return tx.BatchUpsertContacts(batch) })
	q, err := s.GetContact(ctx, "Q")
	if err != nil || q.CompanyNo != "NEWCO" || q.DisplayName != "Lina Townsend" {
		t.Fatalf("person of the batch: %+v, %v", q, err)
	}
	all, _, err := s.ListContacts(ctx, store.ContactFilter{}, store.Page{Limit: 10})
	if got := contactNos(all); err != nil || !slices.Equal(got, []string{"NEWCO", "Q"}) {
		t.Fatalf("contacts %v, %v; want NEWCO and Q once each", got, err)
	}
	_, err = write(ctx, s, store.Actor{}, func(tx *store.Tx) ([]store.Contact, error) {
		return tx.BatchUpsertContacts([]store.Contact{{No: "R", Type: store.ContactTypePerson, CompanyNo: "NONE"}})
	})
	wantReason(t, err, store.ErrPrecondition, store.ReasonCompanyNotFound)
}

func contactNos(contacts []store.Contact) []string {
	var nos []string
	for _, c := range contacts {
		nos = append(nos, c.No)
	}
	return nos
}
