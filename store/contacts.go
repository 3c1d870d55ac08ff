package store

import (
	"context"
	"errors"
	"slices"
	"strings"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Contact rules (SPEC §2.4), enforced by every write below:
//   - a company's company_no is its own no.;
//   - a person's company_no is blank or names an existing COMPANY
//     (else FAILED_PRECONDITION, reason COMPANY_NOT_FOUND);
//   - the type cannot change while the contact has log entries
//     (CONTACT_TYPE_LOCKED), and a company cannot become a person while
//     persons name it (COMPANY_HAS_PERSONS);
//   - a contact with log entries, segment lines or (for a company) persons
//     cannot be deleted.

// contactColumns are the columns a contact write sets, besides its key and stamps.
var contactColumns = []string{
	"type", "display_name", "company_no", "language_code", "correspondence_type",
	"salesperson_code", "email", "phone", "privacy_blocked",
}

// maxBatchContacts bounds BatchUpsertContacts (SPEC §2.4).
const maxBatchContacts = 1000

// ContactFilter selects contacts for ListContacts; zero fields do not filter.
type ContactFilter struct {
	Type              int16
	CompanyNo         string
	DisplayNamePrefix string // case-sensitive
}

// CreateContact inserts a contact. ErrAlreadyExists when the no. is taken.
func (tx *Tx) CreateContact(c Contact) (Contact, error) {
	c.CompanyNo = ownCompanyNo(c)
	stampNew(tx.user(), &c.Etag, &c.UserID, &c.CreateTime, &c.UpdateTime)
	err := tx.run(func(db *gorm.DB) error {
		if err := requireCompany(db, c); err != nil {
			return err
		}
		return alreadyExists(db.Create(&c).Error, "contact %q already exists", c.No)
	})
	return c, tx.record(err, changeOfContact(ChangeContactCreated, c, false))
}

// GetContact reads one contact; NOT_FOUND with reason CONTACT_NOT_FOUND.
func (s *Store) GetContact(ctx context.Context, no string) (Contact, error) {
	var c Contact
	err := s.read(ctx).Where("no = ?", no).Take(&c).Error
	return c, contactNotFound(err, no)
}

// ListContacts returns contacts in no. order after page.AfterCode.
func (s *Store) ListContacts(ctx context.Context, f ContactFilter, page Page) ([]Contact, bool, error) {
	q := s.read(ctx)
	if f.Type != 0 {
		q = q.Where("type = ?", f.Type)
	}
	if f.CompanyNo != "" {
		q = q.Where("company_no = ?", f.CompanyNo)
	}
	if f.DisplayNamePrefix != "" {
		q = s.whereNamePrefix(q, f.DisplayNamePrefix)
	}
	return pageByCode[Contact](q, "no", page)
}

// whereNamePrefix keeps contacts whose display name starts with prefix, case
// sensitively and with the prefix's wildcard characters taken literally. MySQL
// uses LIKE (case-sensitive under utf8mb4_bin); SQLite's LIKE ignores ASCII
// case, so there GLOB does the job. Both can use idx_contacts_name.
func (s *Store) whereNamePrefix(q *gorm.DB, prefix string) *gorm.DB {
	if s.dialect == SQLite {
		return q.Where("display_name GLOB ?", globEscaper.Replace(prefix)+"*")
	}
	return q.Where("display_name LIKE ? ESCAPE '!'", likeEscaper.Replace(prefix)+"%")
}

var (
	likeEscaper = strings.NewReplacer("!", "!!", "%", "!%", "_", "!_")
	globEscaper = strings.NewReplacer("[", "[[]", "*", "[*]", "?", "[?]")
)

// UpdateContact writes the named fields of c (by no.) when etag matches.
func (tx *Tx) UpdateContact(c Contact, etag string, fields []Field) (Contact, error) {
	columns, err := ContactUpdatable.columnsOf("a contact", fields)
	if err != nil {
		return Contact{}, err
	}
	var out Contact
	err = tx.run(func(db *gorm.DB) error {
		var cur Contact
		if err := lockRow(db, &cur, "no = ?", c.No); err != nil {
			return contactNotFound(err, c.No)
		}
		if err := checkEtag(etag, cur.Etag, "contact "+quote(c.No)); err != nil {
			return err
		}
		next, err := nextContact(cur, c, columns)
		if err != nil {
			return err
		}
		if err := checkContactChange(db, cur, next); err != nil {
			return err
		}
		stampUpdate(tx.user(), &next.Etag, &next.UserID, &next.UpdateTime)
		if err := db.Model(&Contact{}).Where("no = ?", c.No).
			Select(withStamps(contactColumns)).Updates(&next).Error; err != nil {
			return err
		}
		out = next
		return tx.appendChanges(changeOfContact(ChangeContactUpdated, out, false))
	})
	return out, err
}

// nextContact returns the contact an update leaves: cur with the named
// columns taken from c, and the company no. its type requires.
func nextContact(cur, c Contact, columns []string) (Contact, error) {
	next, err := withColumns(cur, c, columns)
	if cur.Type == ContactTypeCompany && next.Type == ContactTypePerson && !slices.Contains(columns, "company_no") {
		next.CompanyNo = "" // a former company does not keep itself as its company
	}
	next.CompanyNo = ownCompanyNo(next)
	return next, err
}

// checkContactChange enforces the rules of changing cur into next.
func checkContactChange(tx *gorm.DB, cur, next Contact) error {
	if next.Type != cur.Type {
		if err := refuseTypeChange(tx, cur); err != nil {
			return err
		}
	}
	return requireCompany(tx, next)
}

// refuseTypeChange fails when the contact's type may not change: it has log
// entries, or it is a company that persons name. Persons whose no. is in
// rewritten are left out: their new company is checked on its own.
func refuseTypeChange(tx *gorm.DB, cur Contact, rewritten ...string) error {
	logged, err := exists(tx, &InteractionLogEntry{}, "contact_no = ?", cur.No)
	if err != nil {
		return err
	}
	if logged {
		return newError(ErrPrecondition, ReasonContactTypeLocked,
			"contact %q has interaction log entries, so its type cannot change", cur.No)
	}
	if cur.Type == ContactTypeCompany {
		return refuseIfPersons(tx, cur.No, "become a person", rewritten...)
	}
	return nil
}

// refuseIfPersons fails when persons other than those in except name the company.
func refuseIfPersons(tx *gorm.DB, companyNo, action string, except ...string) error {
	query, args := "company_no = ? AND type = ?", []any{companyNo, ContactTypePerson}
	if len(except) > 0 {
		query, args = query+" AND no NOT IN ?", append(args, except)
	}
	has, err := exists(tx, &Contact{}, query, args...)
	if err != nil || !has {
		return err
	}
	return newError(ErrPrecondition, ReasonCompanyHasPersons,
		"company %q still has persons, so it cannot %s: move or delete its persons first", companyNo, action)
}

// DeleteContact deletes a contact without log entries, segment lines or persons.
func (tx *Tx) DeleteContact(no, etag string) error {
	return tx.run(func(db *gorm.DB) error {
		var cur Contact
		if err := lockRow(db, &cur, "no = ?", no); err != nil {
			return contactNotFound(err, no)
		}
		if err := checkEtag(etag, cur.Etag, "contact "+quote(no)); err != nil {
			return err
		}
		if err := refuseIfReferenced(db, no); err != nil {
			return err
		}
		if cur.Type == ContactTypeCompany {
			if err := refuseIfPersons(db, no, "be deleted"); err != nil {
				return err
			}
		}
		if err := db.Where("no = ?", no).Delete(&Contact{}).Error; err != nil {
			return err
		}
		return tx.appendChanges(changeOfContact(ChangeContactDeleted, cur, true))
	})
}

// refuseIfReferenced fails when log entries or segment lines name the contact.
func refuseIfReferenced(tx *gorm.DB, no string) error {
	refs := []struct {
		model  any
		reason Reason
		what   string
	}{
		{&InteractionLogEntry{}, ReasonContactHasLogEntries, "interaction log entries"},
		{&SegmentLine{}, ReasonContactHasSegmentLines, "segment lines"},
	}
	for _, r := range refs {
		used, err := exists(tx, r.model, "contact_no = ?", no)
		if err != nil {
			return err
		}
		if used {
			return newError(ErrPrecondition, r.reason, "contact %q has %s, so it cannot be deleted", no, r.what)
		}
	}
	return nil
}

// ownCompanyNo returns the company no. the contact must store: its own no.
// for a company, the given one for a person.
func ownCompanyNo(c Contact) string {
	if c.Type == ContactTypeCompany {
		return c.No
	}
	return c.CompanyNo
}

// requireCompany checks that a person's company exists and is a company, and
// keeps it from changing until the transaction ends.
func requireCompany(tx *gorm.DB, c Contact) error {
	if c.Type != ContactTypePerson || c.CompanyNo == "" {
		return nil
	}
	var company Contact
	err := shareRow(tx, &company, "no = ?", c.CompanyNo)
	if err != nil && !isNotFound(err) {
		return err
	}
	if err != nil || company.Type != ContactTypeCompany {
		return companyNotFound(c.No, c.CompanyNo)
	}
	return nil
}

func companyNotFound(personNo, companyNo string) error {
	return newError(ErrPrecondition, ReasonCompanyNotFound,
		"contact %q names company %q, which is not an existing company contact", personNo, companyNo)
}

// contactNotFound turns a missing contact row into NOT_FOUND/CONTACT_NOT_FOUND.
func contactNotFound(err error, no string) error {
	return notFoundReason(err, ReasonContactNotFound, "contact %q", no)
}

// BatchUpsertContacts creates or replaces up to 1000 contacts, all or
// nothing, and returns them as stored in the given order. The rules are those
// of CreateContact and UpdateContact, checked for the whole batch as if its
// companies were written before its persons, so a person may name a company
// of the same batch. A contact's etag, when set, must match the stored one.
// The rows are written with multi-row upserts, not one statement per contact.
func (tx *Tx) BatchUpsertContacts(contacts []Contact) ([]Contact, error) {
	if len(contacts) > maxBatchContacts {
		return nil, newError(ErrLimit, ReasonLimitExceeded, "at most %d contacts per batch, got %d", maxBatchContacts, len(contacts))
	}
	var out []Contact
	err := tx.run(func(db *gorm.DB) error {
		current, err := lockContacts(db, contactNos(contacts))
		if err != nil {
			return err
		}
		out, err = upsertRows(tx.user(), contacts, current)
		if err != nil {
			return err
		}
		if err := checkBatch(db, out, current); err != nil {
			return err
		}
		if err := db.Clauses(clause.OnConflict{
			Columns:   []clause.Column{{Name: "no"}},
			DoUpdates: clause.AssignmentColumns(withStamps(contactColumns)),
		}).CreateInBatches(sortCompaniesFirst(out), 500).Error; err != nil {
			return err
		}
		return tx.appendChanges(upsertChanges(out, current)...)
	})
	return out, err
}

// upsertChanges are the changes of BatchUpsertContacts: a contact that did
// not exist is created (by its first row, when the batch names it twice),
// the others updated.
func upsertChanges(rows []Contact, current map[string]Contact) []Change {
	created := make(map[string]bool, len(rows))
	changes := make([]Change, len(rows))
	for i, c := range rows {
		kind := ChangeContactUpdated
		if _, found := current[c.No]; !found && !created[c.No] {
			kind, created[c.No] = ChangeContactCreated, true
		}
		changes[i] = changeOfContact(kind, c, false)
	}
	return changes
}

// upsertRows computes the rows a batch stores, keeping the creation stamp of
// existing contacts and checking their etags.
func upsertRows(user string, contacts []Contact, current map[string]Contact) ([]Contact, error) {
	out := make([]Contact, len(contacts))
	for i, c := range contacts {
		cur, found := current[c.No]
		wantEtag := c.Etag
		c.CompanyNo = ownCompanyNo(c)
		stampNew(user, &c.Etag, &c.UserID, &c.CreateTime, &c.UpdateTime)
		if found {
			if err := checkEtag(wantEtag, cur.Etag, "contact "+quote(c.No)); err != nil {
				return nil, err
			}
			c.CreateTime = cur.CreateTime
		} else if wantEtag != "" {
			return nil, checkEtag(wantEtag, "", "contact "+quote(c.No))
		}
		out[i] = c
	}
	return out, nil
}

// checkBatch enforces the contact rules on the rows of a batch: type changes
// of existing contacts, and every person's company as it will be after the batch.
func checkBatch(tx *gorm.DB, rows []Contact, current map[string]Contact) error {
	var retyped []Contact
	for _, c := range rows {
		if cur, found := current[c.No]; found && cur.Type != c.Type {
			retyped = append(retyped, cur)
		}
	}
	for _, cur := range retyped {
		if err := refuseTypeChange(tx, cur, contactNos(rows)...); err != nil {
			return err
		}
	}
	companies, err := companiesAfterBatch(tx, rows)
	if err != nil {
		return err
	}
	for _, c := range rows {
		if c.Type == ContactTypePerson && c.CompanyNo != "" && !companies[c.CompanyNo] {
			return companyNotFound(c.No, c.CompanyNo)
		}
	}
	return nil
}

// companiesAfterBatch returns which of the companies the batch's persons name
// will be companies once the batch is written: the batch's own rows win over
// stored ones. The stored companies are share-locked.
func companiesAfterBatch(tx *gorm.DB, rows []Contact) (map[string]bool, error) {
	inBatch := map[string]int16{}
	for _, c := range rows {
		inBatch[c.No] = c.Type
	}
	isCompany := map[string]bool{}
	var lookup []string
	for _, c := range rows {
		if c.Type != ContactTypePerson || c.CompanyNo == "" {
			continue
		}
		if typ, ok := inBatch[c.CompanyNo]; ok {
			isCompany[c.CompanyNo] = typ == ContactTypeCompany
		} else {
			lookup = append(lookup, c.CompanyNo)
		}
	}
	if len(lookup) == 0 {
		return isCompany, nil
	}
	var found []string
	err := tx.Model(&Contact{}).Clauses(clause.Locking{Strength: clause.LockingStrengthShare}).
		Where("no IN ? AND type = ?", distinct(lookup), ContactTypeCompany).Pluck("no", &found).Error
	for _, no := range found {
		isCompany[no] = true
	}
	return isCompany, err
}

// lockContacts reads the given contacts for update, keyed by no.
func lockContacts(tx *gorm.DB, nos []string) (map[string]Contact, error) {
	var rows []Contact
	if err := tx.Clauses(lockingUpdate).Where("no IN ?", distinct(nos)).Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make(map[string]Contact, len(rows))
	for _, c := range rows {
		out[c.No] = c
	}
	return out, nil
}

// sortCompaniesFirst returns a copy of rows with companies before persons.
func sortCompaniesFirst(rows []Contact) []Contact {
	out := slices.Clone(rows)
	slices.SortStableFunc(out, func(a, b Contact) int {
		return boolRank(a.Type != ContactTypeCompany) - boolRank(b.Type != ContactTypeCompany)
	})
	return out
}

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}

func contactNos(contacts []Contact) []string {
	nos := make([]string, len(contacts))
	for i, c := range contacts {
		nos[i] = c.No
	}
	return nos
}

// distinct returns the distinct values in first-seen order.
func distinct[T comparable](values []T) []T {
	seen := make(map[T]bool, len(values))
	out := make([]T, 0, len(values))
	for _, v := range values {
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}

// isNotFound reports a missing row.
func isNotFound(err error) bool { return errors.Is(err, gorm.ErrRecordNotFound) }
