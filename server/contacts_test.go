package server_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	apiv1 "github.com/interlog/interlog/gen/interlog/v1"
	ts "github.com/interlog/interlog/internal/testserver"
)

const (
	company = apiv1.ContactType_CONTACT_TYPE_COMPANY
	person  = apiv1.ContactType_CONTACT_TYPE_PERSON
)

func TestContactLifecycle(t *testing.T) {
	ts.ForEachEngine(t, func(t *testing.T, env *ts.Env) {
		ctx := context.Background()
		acme := createContact(t, env, &apiv1.Contact{No: " ct-1 ", Type: company, DisplayName: "Acme", CompanyNo: "IGNORED"})
		if acme.GetName() != "contacts/CT-1" || acme.GetNo() != "CT-1" || acme.GetCompanyNo() != "CT-1" || acme.GetEtag() == "" || acme.GetCreateTime() == nil {
			t.Fatalf("created company %v: want its own no. as company no., a name and an etag", acme)
		}
		ann := createContact(t, env, &apiv1.Contact{
			No: "p-1", Type: person, DisplayName: "Ann", CompanyNo: "ct-1", LanguageCode: "da",
			CorrespondenceType: apiv1.CorrespondenceType_CORRESPONDENCE_TYPE_EMAIL, SalespersonCode: "sp",
			Email: "ann@example.com", Phone: "+45 1234", PrivacyBlocked: true,
		})
		if ann.GetCompanyNo() != "CT-1" || ann.GetLanguageCode() != "DA" || ann.GetSalespersonCode() != "SP" || !ann.GetPrivacyBlocked() {
			t.Fatalf("created person %v", ann)
		}
		_, err := env.Contacts.CreateContact(ctx, &apiv1.CreateContactRequest{Contact: &apiv1.Contact{No: "P-1", Type: person}})
		ts.WantCode(t, err, codes.AlreadyExists, "ALREADY_EXISTS")

		got, err := env.Contacts.GetContact(ctx, &apiv1.GetContactRequest{Name: "contacts/p-1"})
		ts.NoErr(t, err)
		if got.GetContact().GetEmail() != "ann@example.com" || got.GetContact().GetEtag() != ann.GetEtag() {
			t.Fatalf("get: %v", got.GetContact())
		}
		_, err = env.Contacts.GetContact(ctx, &apiv1.GetContactRequest{Name: "contacts/NOPE"})
		ts.WantCode(t, err, codes.NotFound, "CONTACT_NOT_FOUND")

		upd, err := env.Contacts.UpdateContact(ctx, &apiv1.UpdateContactRequest{
			Contact:    &apiv1.Contact{Name: ann.GetName(), DisplayName: "Ann B.", Phone: "ignored", Etag: ann.GetEtag()},
			UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"display_name"}},
		})
		ts.NoErr(t, err)
		if c := upd.GetContact(); c.GetDisplayName() != "Ann B." || c.GetPhone() != "+45 1234" || c.GetEtag() == ann.GetEtag() {
			t.Fatalf("update changed more or less than the mask: %v", c)
		}
		_, err = env.Contacts.UpdateContact(ctx, &apiv1.UpdateContactRequest{
			Contact:    &apiv1.Contact{Name: ann.GetName(), DisplayName: "Lost", Etag: ann.GetEtag()},
			UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"display_name"}},
		})
		ts.WantCode(t, err, codes.Aborted, "ETAG_MISMATCH")
		_, err = env.Contacts.UpdateContact(ctx, &apiv1.UpdateContactRequest{
			Contact:    &apiv1.Contact{Name: ann.GetName(), No: "OTHER"},
			UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"no"}},
		})
		ts.WantInvalid(t, err, "update_mask")
		_, err = env.Contacts.UpdateContact(ctx, &apiv1.UpdateContactRequest{
			Contact:    &apiv1.Contact{Name: "contacts/NOPE", DisplayName: "x"},
			UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"display_name"}},
		})
		ts.WantCode(t, err, codes.NotFound, "CONTACT_NOT_FOUND")

		_, err = env.Contacts.DeleteContact(ctx, &apiv1.DeleteContactRequest{Name: ann.GetName(), Etag: ann.GetEtag()})
		ts.WantCode(t, err, codes.Aborted, "ETAG_MISMATCH")
		_, err = env.Contacts.DeleteContact(ctx, &apiv1.DeleteContactRequest{Name: acme.GetName()})
		ts.WantCode(t, err, codes.FailedPrecondition, "COMPANY_HAS_PERSONS")
		_, err = env.Contacts.DeleteContact(ctx, &apiv1.DeleteContactRequest{Name: ann.GetName(), Etag: upd.GetContact().GetEtag()})
		ts.NoErr(t, err)
		_, err = env.Contacts.DeleteContact(ctx, &apiv1.DeleteContactRequest{Name: acme.GetName()})
		ts.NoErr(t, err)
		_, err = env.Contacts.DeleteContact(ctx, &apiv1.DeleteContactRequest{Name: acme.GetName()})
		ts.WantCode(t, err, codes.NotFound, "CONTACT_NOT_FOUND")
	})
}

func TestContactCompanyRules(t *testing.T) {
	ts.ForEachEngine(t, func(t *testing.T, env *ts.Env) {
		ctx := context.Background()
		createContact(t, env, &apiv1.Contact{No: "CO", Type: company})
		createContact(t, env, &apiv1.Contact{No: "CO2", Type: company})
		bob := createContact(t, env, &apiv1.Contact{No: "BOB", Type: person})

		// A person's company must exist and be a company.
		for _, companyNo := range []string{"MISSING", "BOB"} {
			_, err := env.Contacts.CreateContact(ctx, &apiv1.CreateContactRequest{Contact: &apiv1.Contact{No: "EVE", Type: person, CompanyNo: companyNo}})
			ts.WantCode(t, err, codes.FailedPrecondition, "COMPANY_NOT_FOUND")
			_, err = env.Contacts.UpdateContact(ctx, &apiv1.UpdateContactRequest{
				Contact:    &apiv1.Contact{Name: bob.GetName(), CompanyNo: companyNo},
				UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"company_no"}},
			})
			ts.WantCode(t, err, codes.FailedPrecondition, "COMPANY_NOT_FOUND")
		}

		// Moving a person between companies, then a company that persons name cannot become a person.
		_, err := env.Contacts.UpdateContact(ctx, &apiv1.UpdateContactRequest{
			Contact:    &apiv1.Contact{Name: bob.GetName(), CompanyNo: "co"},
			UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"company_no"}},
		})
		ts.NoErr(t, err)
		_, err = env.Contacts.UpdateContact(ctx, &apiv1.UpdateContactRequest{
			Contact:    &apiv1.Contact{Name: "contacts/CO", Type: person},
			UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"type"}},
		})
		ts.WantCode(t, err, codes.FailedPrecondition, "COMPANY_HAS_PERSONS")

		// A company without persons may become a person; it stops being its own company.
		resp, err := env.Contacts.UpdateContact(ctx, &apiv1.UpdateContactRequest{
			Contact:    &apiv1.Contact{Name: "contacts/CO2", Type: person},
			UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"type"}},
		})
		ts.NoErr(t, err)
		if c := resp.GetContact(); c.GetType() != person || c.GetCompanyNo() != "" {
			t.Fatalf("company turned person: %v, want type PERSON and no company", c)
		}
		// And a person that becomes a company is its own company.
		resp, err = env.Contacts.UpdateContact(ctx, &apiv1.UpdateContactRequest{
			Contact:    &apiv1.Contact{Name: bob.GetName(), Type: company},
			UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"type"}},
		})
		ts.NoErr(t, err)
		if c := resp.GetContact(); c.GetCompanyNo() != "BOB" {
			t.Fatalf("person turned company: %v, want company no. BOB", c)
		}
		// "*" replaces every updatable field, so type is required.
		_, err = env.Contacts.UpdateContact(ctx, &apiv1.UpdateContactRequest{
			Contact: &apiv1.Contact{Name: bob.GetName()}, UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"*"}},
		})
		ts.WantInvalid(t, err, "contact.type")
	})
}

func TestContactInvalidInput(t *testing.T) {
	ts.ForEachEngine(t, func(t *testing.T, env *ts.Env) {
		ctx := context.Background()
		cases := []struct {
			name  string
			c     *apiv1.Contact
			field string
		}{
			{"missing contact", nil, "contact"},
			{"blank no", &apiv1.Contact{No: " ", Type: company}, "contact.no"},
			{"no too long", &apiv1.Contact{No: strings.Repeat("N", 21), Type: company}, "contact.no"},
			{"no with bad character", &apiv1.Contact{No: "A*B", Type: company}, "contact.no"},
			{"missing type", &apiv1.Contact{No: "A"}, "contact.type"},
			{"unknown type", &apiv1.Contact{No: "A", Type: 7}, "contact.type"},
			{"bad company no", &apiv1.Contact{No: "A", Type: person, CompanyNo: "X;Y"}, "contact.company_no"},
			{"bad language", &apiv1.Contact{No: "A", Type: person, LanguageCode: "ENGLISH-LONG"}, "contact.language_code"},
			{"bad salesperson", &apiv1.Contact{No: "A", Type: person, SalespersonCode: "S%"}, "contact.salesperson_code"},
			{"unknown correspondence type", &apiv1.Contact{No: "A", Type: person, CorrespondenceType: 9}, "contact.correspondence_type"},
			{"bad e-mail", &apiv1.Contact{No: "A", Type: person, Email: "not an address"}, "contact.email"},
			{"name too long", &apiv1.Contact{No: "A", Type: person, DisplayName: strings.Repeat("x", 101)}, "contact.display_name"},
			{"control character", &apiv1.Contact{No: "A", Type: person, Phone: "12\x0034"}, "contact.phone"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				_, err := env.Contacts.CreateContact(ctx, &apiv1.CreateContactRequest{Contact: c.c})
				ts.WantInvalid(t, err, c.field)
			})
		}
		for _, name := range []string{"contacts/", "contact/A", "contacts/A/B", "contacts/" + strings.Repeat("N", 21)} {
			_, err := env.Contacts.GetContact(ctx, &apiv1.GetContactRequest{Name: name})
			ts.WantInvalid(t, err, "name")
		}
		_, err := env.Contacts.ListContacts(ctx, &apiv1.ListContactsRequest{CompanyNo: "A;B"})
		ts.WantInvalid(t, err, "company_no")
	})
}

func TestContactListFilters(t *testing.T) {
	ts.ForEachEngine(t, func(t *testing.T, env *ts.Env) {
		for _, c := range []*apiv1.Contact{
			{No: "C1", Type: company, DisplayName: "50% Off Ltd"},
			{No: "C2", Type: company, DisplayName: "50 Percent"},
			{No: "P1", Type: person, DisplayName: "a_b [x]*?", CompanyNo: "C1"},
			{No: "P2", Type: person, DisplayName: "axb", CompanyNo: "C1"},
			{No: "P3", Type: person, DisplayName: "Axb", CompanyNo: "C2"},
			{No: "P4", Type: person, DisplayName: "50% Off Ltd too"},
		} {
			createContact(t, env, c)
		}
		cases := []struct {
			name string
			req  *apiv1.ListContactsRequest
			want string
		}{
			{"all", &apiv1.ListContactsRequest{}, "C1 C2 P1 P2 P3 P4"},
			{"companies", &apiv1.ListContactsRequest{Type: company}, "C1 C2"},
			{"persons", &apiv1.ListContactsRequest{Type: person}, "P1 P2 P3 P4"},
			{"company no. includes the company itself", &apiv1.ListContactsRequest{CompanyNo: "c1"}, "C1 P1 P2"},
			{"persons of a company", &apiv1.ListContactsRequest{CompanyNo: "C1", Type: person}, "P1 P2"},
			{"percent is literal", &apiv1.ListContactsRequest{DisplayNamePrefix: "50%"}, "C1 P4"},
			{"underscore is literal", &apiv1.ListContactsRequest{DisplayNamePrefix: "a_"}, "P1"},
			{"brackets and globs are literal", &apiv1.ListContactsRequest{DisplayNamePrefix: "a_b [x]*?"}, "P1"},
			{"prefix is case-sensitive", &apiv1.ListContactsRequest{DisplayNamePrefix: "ax"}, "P2"},
			{"prefix and type", &apiv1.ListContactsRequest{DisplayNamePrefix: "50", Type: company}, "C1 C2"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				if got := listContactNos(t, env, c.req); got != c.want {
					t.Fatalf("got %q, want %q", got, c.want)
				}
			})
		}
	})
}

// listContactNos pages through a contact list two at a time and joins the nos.
func listContactNos(t *testing.T, env *ts.Env, req *apiv1.ListContactsRequest) string {
	t.Helper()
	var nos []string
	req.PageSize = 2
	for {
		resp, err := env.Contacts.ListContacts(context.Background(), req)
		ts.NoErr(t, err)
		for _, c := range resp.GetContacts() {
			nos = append(nos, c.GetNo())
		}
		if req.PageToken = resp.GetNextPageToken(); req.PageToken == "" {
			return strings.Join(nos, " ")
		}
	}
}

func TestBatchUpsertContacts(t *testing.T) {
	ts.ForEachEngine(t, func(t *testing.T, env *ts.Env) {
		ctx := context.Background()
		old := createContact(t, env, &apiv1.Contact{No: "OLD", Type: company, DisplayName: "Old name", Phone: "1"})

		// Persons come before their company in the request; the batch still holds.
		resp, err := env.Contacts.BatchUpsertContacts(ctx, &apiv1.BatchUpsertContactsRequest{Contacts: []*apiv1.Contact{
			{No: "p1", Type: person, DisplayName: "Person 1", CompanyNo: "new"},
			{No: "p2", Type: person, DisplayName: "Person 2", CompanyNo: "old"},
			{No: "new", Type: company, DisplayName: "New Co"},
			{No: "old", Type: company, DisplayName: "New name", Etag: old.GetEtag()},
		}})
		ts.NoErr(t, err)
		var nos []string
		for _, c := range resp.GetContacts() {
			nos = append(nos, c.GetNo()+"/"+c.GetCompanyNo())
		}
		if got := strings.Join(nos, " "); got != "P1/NEW P2/OLD NEW/NEW OLD/OLD" {
			t.Fatalf("batch returned %s, want request order with companies resolved", got)
		}
		stored, err := env.Contacts.GetContact(ctx, &apiv1.GetContactRequest{Name: "contacts/OLD"})
		ts.NoErr(t, err)
		s := stored.GetContact()
		if s.GetDisplayName() != "New name" || s.GetPhone() != "" || s.GetEtag() == old.GetEtag() ||
			!s.GetCreateTime().AsTime().Equal(old.GetCreateTime().AsTime()) || s.GetEtag() != resp.GetContacts()[3].GetEtag() {
			t.Fatalf("replaced contact %v: want new values, a new etag and the first create time %v", s, old.GetCreateTime().AsTime())
		}

		// All or nothing: one bad person refuses the whole batch.
		_, err = env.Contacts.BatchUpsertContacts(ctx, &apiv1.BatchUpsertContactsRequest{Contacts: []*apiv1.Contact{
			{No: "P3", Type: person},
			{No: "OLD", Type: company, DisplayName: "Not written"},
			{No: "P4", Type: person, CompanyNo: "P1"},
		}})
		ts.WantCode(t, err, codes.FailedPrecondition, "COMPANY_NOT_FOUND")
		_, err = env.Contacts.GetContact(ctx, &apiv1.GetContactRequest{Name: "contacts/P3"})
		ts.WantCode(t, err, codes.NotFound, "CONTACT_NOT_FOUND")
		stored, _ = env.Contacts.GetContact(ctx, &apiv1.GetContactRequest{Name: "contacts/OLD"})
		if stored.GetContact().GetDisplayName() != "New name" {
			t.Fatalf("a refused batch changed OLD: %v", stored.GetContact())
		}

		// A company of the batch that becomes a person cannot be named by a person.
		_, err = env.Contacts.BatchUpsertContacts(ctx, &apiv1.BatchUpsertContactsRequest{Contacts: []*apiv1.Contact{
			{No: "NEW", Type: person}, {No: "P1", Type: person, CompanyNo: "NEW"},
		}})
		ts.WantCode(t, err, codes.FailedPrecondition, "COMPANY_NOT_FOUND")
		// A company that stored persons name cannot become a person.
		_, err = env.Contacts.BatchUpsertContacts(ctx, &apiv1.BatchUpsertContactsRequest{Contacts: []*apiv1.Contact{{No: "OLD", Type: person}}})
		ts.WantCode(t, err, codes.FailedPrecondition, "COMPANY_HAS_PERSONS")
		// A stale etag refuses the batch, and so does an etag for a contact that does not exist.
		for _, c := range []*apiv1.Contact{{No: "OLD", Type: company, Etag: old.GetEtag()}, {No: "GHOST", Type: company, Etag: "abc"}} {
			_, err = env.Contacts.BatchUpsertContacts(ctx, &apiv1.BatchUpsertContactsRequest{Contacts: []*apiv1.Contact{c}})
			ts.WantCode(t, err, codes.Aborted, "ETAG_MISMATCH")
		}

		// It can when the same batch moves its persons away.
		_, err = env.Contacts.BatchUpsertContacts(ctx, &apiv1.BatchUpsertContactsRequest{Contacts: []*apiv1.Contact{
			{No: "NEW", Type: person}, {No: "P1", Type: person},
		}})
		ts.NoErr(t, err)

		_, err = env.Contacts.BatchUpsertContacts(ctx, &apiv1.BatchUpsertContactsRequest{Contacts: []*apiv1.Contact{{No: "A", Type: company}, {No: " a", Type: company}}})
		ts.WantInvalid(t, err, "contacts[1].no")
		_, err = env.Contacts.BatchUpsertContacts(ctx, &apiv1.BatchUpsertContactsRequest{Contacts: []*apiv1.Contact{{No: "A", Type: company}, {No: "B"}}})
		ts.WantInvalid(t, err, "contacts[1].type")
		_, err = env.Contacts.BatchUpsertContacts(ctx, &apiv1.BatchUpsertContactsRequest{})
		ts.WantInvalid(t, err, "contacts")
		_, err = env.Contacts.BatchUpsertContacts(ctx, &apiv1.BatchUpsertContactsRequest{Contacts: manyContacts(1001)})
		ts.WantInvalid(t, err, "contacts")
	})
}

func TestBatchUpsertThousandContacts(t *testing.T) {
	ts.ForEachEngine(t, func(t *testing.T, env *ts.Env) {
		ctx := context.Background()
		contacts := manyContacts(1000)
		for round := 0; round < 2; round++ { // insert, then replace
			resp, err := env.Contacts.BatchUpsertContacts(ctx, &apiv1.BatchUpsertContactsRequest{Contacts: contacts})
			ts.NoErr(t, err)
			if len(resp.GetContacts()) != 1000 {
				t.Fatalf("round %d: %d contacts returned", round, len(resp.GetContacts()))
			}
		}
		list, err := env.Contacts.ListContacts(ctx, &apiv1.ListContactsRequest{PageSize: 1000, CompanyNo: "CO0000"})
		ts.NoErr(t, err)
		if n := len(list.GetContacts()); n != 100 {
			t.Fatalf("company CO0000 has %d contacts, want itself and its 99 persons", n)
		}
	})
}

// manyContacts returns n contacts: every 100th a company, the others its persons.
func manyContacts(n int) []*apiv1.Contact {
	out := make([]*apiv1.Contact, n)
	for i := range out {
		companyNo := fmt.Sprintf("CO%04d", i/100*100)
		if i%100 == 0 {
			out[i] = &apiv1.Contact{No: companyNo, Type: company, DisplayName: "Company"}
		} else {
			out[i] = &apiv1.Contact{No: fmt.Sprintf("PE%04d", i), Type: person, DisplayName: "Person", CompanyNo: companyNo}
		}
	}
	return out
}
