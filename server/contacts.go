package server

import (
	"context"
	"fmt"

	apiv1 "github.com/interlog/interlog/gen/interlog/v1"
	"github.com/interlog/interlog/store"
)

const contactCollection = "contacts"

// contactService implements apiv1.ContactServiceServer.
type contactService struct {
	apiv1.UnimplementedContactServiceServer
	store contactStore
}

// contactStore is what contactService needs of the store.
type contactStore interface {
	writeStore
	ContactStatistics(ctx context.Context, contactNo string) (store.ContactStats, error)
	GetContact(ctx context.Context, no string) (store.Contact, error)
	ListContacts(ctx context.Context, f store.ContactFilter, page store.Page) ([]store.Contact, bool, error)
}

// contactUpdatable lists the fields UpdateContact may change.
var contactUpdatable = updatablePaths(store.ContactUpdatable)

func (s *contactService) CreateContact(ctx context.Context, req *apiv1.CreateContactRequest) (*apiv1.CreateContactResponse, error) {
	in := req.GetContact()
	no, err := requireCode("contact.no", in.GetNo(), longCode)
	if err != nil {
		return nil, err
	}
	c, err := contactFromAPI("contact.", in, no, true)
	if err != nil {
		return nil, err
	}
	return write(ctx, s.store, req, func(tx *store.Tx) (*apiv1.CreateContactResponse, error) {
		out, err := tx.CreateContact(c)
		if err != nil {
			return nil, err
		}
		return &apiv1.CreateContactResponse{Contact: contactToAPI(out)}, nil
	})
}

func (s *contactService) GetContact(ctx context.Context, req *apiv1.GetContactRequest) (*apiv1.GetContactResponse, error) {
	no, err := parseCodeName("name", req.GetName(), contactCollection, longCode)
	if err != nil {
		return nil, err
	}
	c, err := s.store.GetContact(ctx, no)
	if err != nil {
		return nil, err
	}
	return &apiv1.GetContactResponse{Contact: contactToAPI(c)}, nil
}

func (s *contactService) ListContacts(ctx context.Context, req *apiv1.ListContactsRequest) (*apiv1.ListContactsResponse, error) {
	company := normalizeCode(req.GetCompanyNo())
	p, err := newPager(req)
	if err != nil {
		return nil, err
	}
	filter := store.ContactFilter{Type: int16(req.GetType()), CompanyNo: company, DisplayNamePrefix: req.GetDisplayNamePrefix()}
	rows, more, err := s.store.ListContacts(ctx, filter, p.page)
	if err != nil {
		return nil, err
	}
	resp := &apiv1.ListContactsResponse{}
	resp.Contacts, resp.NextPageToken = listPage(p, rows, more, contactToAPI,
		func(c store.Contact) store.Page { return store.Page{AfterCode: c.No} })
	return resp, nil
}

func (s *contactService) UpdateContact(ctx context.Context, req *apiv1.UpdateContactRequest) (*apiv1.UpdateContactResponse, error) {
	in := req.GetContact()
	no, err := parseCodeName("contact.name", in.GetName(), contactCollection, longCode)
	if err != nil {
		return nil, err
	}
	fields, err := maskFields(req.GetUpdateMask(), in, contactUpdatable)
	if err != nil {
		return nil, err
	}
	c, err := contactFromAPI("contact.", in, no, masked(fields, "type"))
	if err != nil {
		return nil, err
	}
	return write(ctx, s.store, req, func(tx *store.Tx) (*apiv1.UpdateContactResponse, error) {
		out, err := tx.UpdateContact(c, in.GetEtag(), fields)
		if err != nil {
			return nil, err
		}
		return &apiv1.UpdateContactResponse{Contact: contactToAPI(out)}, nil
	})
}

func (s *contactService) DeleteContact(ctx context.Context, req *apiv1.DeleteContactRequest) (*apiv1.DeleteContactResponse, error) {
	no, err := parseCodeName("name", req.GetName(), contactCollection, longCode)
	if err != nil {
		return nil, err
	}
	return write(ctx, s.store, req, func(tx *store.Tx) (*apiv1.DeleteContactResponse, error) {
		if err := tx.DeleteContact(no, req.GetEtag()); err != nil {
			return nil, err
		}
		return &apiv1.DeleteContactResponse{}, nil
	})
}

func (s *contactService) BatchUpsertContacts(ctx context.Context, req *apiv1.BatchUpsertContactsRequest) (*apiv1.BatchUpsertContactsResponse, error) {
	contacts := make([]store.Contact, 0, len(req.GetContacts()))
	seen := map[string]bool{}
	for i, in := range req.GetContacts() {
		prefix := fmt.Sprintf("contacts[%d].", i)
		no, err := requireCode(prefix+"no", in.GetNo(), longCode)
		if err != nil {
			return nil, err
		}
		if seen[no] {
			return nil, invalidField(prefix+"no", fmt.Sprintf("contact %q appears more than once in the batch", no))
		}
		seen[no] = true
		c, err := contactFromAPI(prefix, in, no, true)
		if err != nil {
			return nil, err
		}
		c.Etag = in.GetEtag()
		contacts = append(contacts, c)
	}
	return write(ctx, s.store, req, func(tx *store.Tx) (*apiv1.BatchUpsertContactsResponse, error) {
		out, err := tx.BatchUpsertContacts(contacts)
		if err != nil {
			return nil, err
		}
		return &apiv1.BatchUpsertContactsResponse{Contacts: allToAPI(out, contactToAPI)}, nil
	})
}

// contactFromAPI converts and checks the writable fields of a contact; p is
// the field path prefix for violations. needType makes type required.
func contactFromAPI(p string, in *apiv1.Contact, no string, needType bool) (store.Contact, error) {
	if needType && in.GetType() == apiv1.ContactType_CONTACT_TYPE_UNSPECIFIED {
		return store.Contact{}, invalidField(p+"type", "is required: COMPANY or PERSON")
	}
	company := normalizeCode(in.GetCompanyNo())
	lang := normalizeCode(in.GetLanguageCode())
	salesperson := normalizeCode(in.GetSalespersonCode())
	return store.Contact{
		No:                 no,
		Type:               int16(in.GetType()),
		DisplayName:        in.GetDisplayName(),
		CompanyNo:          company,
		LanguageCode:       lang,
		CorrespondenceType: int16(in.GetCorrespondenceType()),
		SalespersonCode:    salesperson,
		Email:              in.GetEmail(),
		Phone:              in.GetPhone(),
		PrivacyBlocked:     in.GetPrivacyBlocked(),
	}, nil
}

func contactToAPI(c store.Contact) *apiv1.Contact {
	return &apiv1.Contact{
		Name:               codeName(contactCollection, c.No),
		No:                 c.No,
		Type:               apiv1.ContactType(c.Type),
		DisplayName:        c.DisplayName,
		CompanyNo:          c.CompanyNo,
		LanguageCode:       c.LanguageCode,
		CorrespondenceType: apiv1.CorrespondenceType(c.CorrespondenceType),
		SalespersonCode:    c.SalespersonCode,
		Email:              c.Email,
		Phone:              c.Phone,
		PrivacyBlocked:     c.PrivacyBlocked,
		Etag:               c.Etag,
		CreateTime:         timestamp(c.CreateTime),
		UpdateTime:         timestamp(c.UpdateTime),
	}
}

// GetContactStatistics totals the contact's entries (SPEC §3); canceled and
// postponed entries never count.
func (s *contactService) GetContactStatistics(ctx context.Context, req *apiv1.GetContactStatisticsRequest) (*apiv1.GetContactStatisticsResponse, error) {
	no, err := parseCodeName("name", req.GetName(), contactCollection, longCode)
	if err != nil {
		return nil, err
	}
	st, err := s.store.ContactStatistics(ctx, no)
	if err != nil {
		return nil, err
	}
	t := totalsToAPI(st.Totals)
	return &apiv1.GetContactStatisticsResponse{
		InteractionCount:    t.GetInteractionCount(),
		TotalCost:           t.GetTotalCost(),
		TotalDuration:       t.GetTotalDuration(),
		LastInteractionTime: timestampOf(st.LastInteractionTime),
		LastAttemptTime:     timestampOf(st.LastAttemptTime),
	}, nil
}
