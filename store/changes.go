package store

import (
	"context"
	"strconv"
	"strings"

	"gorm.io/gorm"
)

// The change feed (issue 15, SPEC §7). Every mutation appends its changes to
// the outbox table changes in its own transaction (appendChanges), so that a
// rolled-back call leaves none and an acknowledged one always has them. The
// sequencer (sequencer.go) later gives committed changes their sequence, the
// order in which they became visible; readers (ListChanges) read sequenced
// changes only.

// ChangeKind says what happened to a resource. The numbers are stored and
// equal the API's ChangeKind numbers; never renumber one.
type ChangeKind int16

// The kinds of change.
const (
	ChangeEntryLogged             ChangeKind = 1
	ChangeEntryPostponed          ChangeKind = 2
	ChangeEntryResumed            ChangeKind = 3
	ChangeEntryUpdated            ChangeKind = 4
	ChangeEntryCanceled           ChangeKind = 5
	ChangeEntryRestored           ChangeKind = 6
	ChangeEntryEvaluated          ChangeKind = 7
	ChangeEntryDeleted            ChangeKind = 8
	ChangeCommentCreated          ChangeKind = 9
	ChangeCommentUpdated          ChangeKind = 10
	ChangeCommentDeleted          ChangeKind = 11
	ChangeLoggedSegmentLogged     ChangeKind = 12
	ChangeLoggedSegmentCanceled   ChangeKind = 13
	ChangeLoggedSegmentRestored   ChangeKind = 14
	ChangeLoggedSegmentDeleted    ChangeKind = 15
	ChangeContactCreated          ChangeKind = 16
	ChangeContactUpdated          ChangeKind = 17
	ChangeContactDeleted          ChangeKind = 18
	ChangeGroupCreated            ChangeKind = 19
	ChangeGroupUpdated            ChangeKind = 20
	ChangeGroupDeleted            ChangeKind = 21
	ChangeTemplateCreated         ChangeKind = 22
	ChangeTemplateUpdated         ChangeKind = 23
	ChangeTemplateDeleted         ChangeKind = 24
	ChangeTemplateLanguageCreated ChangeKind = 25
	ChangeTemplateLanguageUpdated ChangeKind = 26
	ChangeTemplateLanguageDeleted ChangeKind = 27
	ChangeTemplateSetupUpdated    ChangeKind = 28
	ChangeAttachmentCreated       ChangeKind = 29
	ChangeAttachmentDeleted       ChangeKind = 30
	lastChangeKind                           = ChangeAttachmentDeleted
)

// ChangeKinds lists every kind, for the server's mapping test.
func ChangeKinds() []ChangeKind {
	kinds := make([]ChangeKind, 0, lastChangeKind)
	for k := ChangeKind(1); k <= lastChangeKind; k++ {
		kinds = append(kinds, k)
	}
	return kinds
}

// ResourceType names the kind of resource a change is about. The numbers are
// stored and equal the API's ResourceType numbers; never renumber one.
type ResourceType int16

// The resource types of changes, with the model Change.Resource holds for each.
const (
	ResourceEntry            ResourceType = 1 // InteractionLogEntry; key: entry no.
	ResourceComment          ResourceType = 2 // InteractionLogComment; key: entry no., comment id
	ResourceLoggedSegment    ResourceType = 3 // LoggedSegment; key: entry no.
	ResourceContact          ResourceType = 4 // Contact; key: no.
	ResourceGroup            ResourceType = 5 // InteractionGroup; key: code
	ResourceTemplate         ResourceType = 6 // InteractionTemplate; key: code
	ResourceTemplateLanguage ResourceType = 7 // InteractionTemplateLanguage; key: template code, language code
	ResourceTemplateSetup    ResourceType = 8 // Setup; key: empty
	ResourceAttachment       ResourceType = 9 // Attachment; key: id
	lastResourceType                      = ResourceAttachment
)

// ResourceTypes lists every resource type, for the server's mapping test.
func ResourceTypes() []ResourceType {
	types := make([]ResourceType, 0, lastResourceType)
	for t := ResourceType(1); t <= lastResourceType; t++ {
		types = append(types, t)
	}
	return types
}

// Change is one change as a mutation appends it.
type Change struct {
	Kind         ChangeKind
	ResourceType ResourceType
	// Key is the resource's key, its parts joined by ChangeKey: "10000"
	// for an entry, ChangeKey("10000", "7") for its comment 7.
	Key string
	// The filter columns (ListChanges' ChangeFilter): the contact and its
	// company (an entry's snapshot, a comment's entry's, a contact's own),
	// the template and the group the resource belongs to; blank when none.
	ContactNo        string
	ContactCompanyNo string
	TemplateCode     string
	GroupCode        string
	// Resource is the store model after the change (the value, not a
	// pointer: InteractionLogEntry, Contact, ...; see ResourceType), nil for
	// a deletion. It is stored as the store's ResourceEncoder encodes it
	// (change_rows.go).
	Resource any
}

// keySeparator joins a key's parts: no code, number or id contains it.
const keySeparator = "|"

// ChangeKey joins the parts of a resource's key.
func ChangeKey(parts ...string) string { return strings.Join(parts, keySeparator) }

// KeyParts splits Key into the parts ChangeKey joined.
func (c Change) KeyParts() []string { return strings.Split(c.Key, keySeparator) }

// changeRow is a row of changes, as GORM names its table and columns for
// the few statements that go through GORM (the sequencer's, pruning's); see
// change_rows.go for what a row holds.
type changeRow struct {
	ID               int64  `gorm:"primaryKey;autoIncrement"`
	Sequence         *int64 // the last sequence of its changes
	ChangeCount      int64
	ChangeTime       int64
	Principal        string
	RequestID        string
	Kind             ChangeKind
	ResourceType     ResourceType
	ResourceKey      string
	ContactNo        string
	ContactCompanyNo string
	TemplateCode     string
	GroupCode        string
	Payload          []byte
}

// TableName implements gorm's Tabler.
func (changeRow) TableName() string { return "changes" }

// changeReadBatch is how many entries appendLoggedSegmentEntries reads at a
// time.
const changeReadBatch = 1000

// appendChanges inserts changes in tx, the transaction of the mutation they
// describe, as tx's actor (the principal and request id of the call), packed
// into rows (change_rows.go). It does nothing when the store runs without a
// change feed. The rows become visible when tx commits and get their
// sequences then (the sequencer is woken after every commit, see inTx).
func (tx *Tx) appendChanges(changes ...Change) error {
	if tx.store.feedOff || len(changes) == 0 {
		return nil
	}
	return tx.insertChanges(changes, maxChangesPerRow)
}

// insertChanges inserts changes in rows of up to perRow changes.
func (tx *Tx) insertChanges(changes []Change, perRow int) error {
	rows, err := tx.store.packChanges(changes, perRow)
	if err != nil {
		return err
	}
	return insertChangeRows(tx.db, nowMicros(), tx.actor, rows)
}

// AppendChanges appends changes in tx as a mutation does, and Store's
// AppendChanges in a transaction of its own: for callers outside the store
// that exercise the feed without a mutation, such as its tests.
func (tx *Tx) AppendChanges(changes ...Change) error {
	return tx.run(func(*gorm.DB) error { return tx.appendChanges(changes...) })
}

// AppendChanges: see Tx.AppendChanges.
func (s *Store) AppendChanges(ctx context.Context, principal, requestID string, changes ...Change) error {
	return s.RunInTx(ctx, Actor{Principal: principal, RequestID: requestID}, func(tx *Tx) error {
		return tx.AppendChanges(changes...)
	})
}

// AppendChangesUnpacked is AppendChanges with each change in a row of its
// own, as that many mutations of one resource each would write them, in one
// transaction: for benchmarks and tests that need a backlog of such rows
// without a transaction per change.
func (s *Store) AppendChangesUnpacked(ctx context.Context, principal, requestID string, changes ...Change) error {
	return s.RunInTx(ctx, Actor{Principal: principal, RequestID: requestID}, func(tx *Tx) error {
		if tx.store.feedOff {
			return nil
		}
		return tx.run(func(*gorm.DB) error { return tx.insertChanges(changes, 1) })
	})
}

// keyOfNumber is the key of a resource named by a number.
func keyOfNumber(n int64) string { return strconv.FormatInt(n, 10) }

// changeOfEntry is a change of kind to entry e, which is nil for a deletion
// (its filter columns come from the entry as it was).
func changeOfEntry(kind ChangeKind, e InteractionLogEntry, deleted bool) Change {
	c := Change{Kind: kind, ResourceType: ResourceEntry, Key: keyOfNumber(e.EntryNo),
		ContactNo: e.ContactNo, ContactCompanyNo: e.ContactCompanyNo, TemplateCode: e.TemplateCode, GroupCode: e.GroupCode}
	if !deleted {
		c.Resource = e
	}
	return c
}

// changesOfEntries is a change of kind to each distinct entry of entries, in
// their order (a batch operation may name an entry twice).
func changesOfEntries(kind ChangeKind, entries []InteractionLogEntry) []Change {
	seen := make(map[int64]bool, len(entries))
	changes := make([]Change, 0, len(entries))
	for _, e := range entries {
		if !seen[e.EntryNo] {
			seen[e.EntryNo] = true
			changes = append(changes, changeOfEntry(kind, e, false))
		}
	}
	return changes
}

// changeOfComment is a change of kind to comment c of entry e: nil resource
// for a deletion.
func changeOfComment(kind ChangeKind, e InteractionLogEntry, c InteractionLogComment, deleted bool) Change {
	ch := Change{Kind: kind, ResourceType: ResourceComment, Key: ChangeKey(keyOfNumber(e.EntryNo), keyOfNumber(c.ID)),
		ContactNo: e.ContactNo, ContactCompanyNo: e.ContactCompanyNo, TemplateCode: e.TemplateCode, GroupCode: e.GroupCode}
	if !deleted {
		ch.Resource = c
	}
	return ch
}

// changeOfLoggedSegment is a change of kind to logged segment ls.
func changeOfLoggedSegment(kind ChangeKind, ls LoggedSegment, deleted bool) Change {
	c := Change{Kind: kind, ResourceType: ResourceLoggedSegment, Key: keyOfNumber(ls.EntryNo)}
	if !deleted {
		c.Resource = ls
	}
	return c
}

// appendLoggedSegmentEntries appends a change of kind for every entry of a
// logged segment, as edit leaves it (nil: as stored), reading them a batch
// at a time: a logged segment may have 100 000 entries.
func (tx *Tx) appendLoggedSegmentEntries(loggedSegmentEntryNo int64, kind ChangeKind, edit func(*InteractionLogEntry)) error {
	if tx.store.feedOff {
		return nil
	}
	var batch []InteractionLogEntry
	return tx.db.Where("logged_segment_entry_no = ?", loggedSegmentEntryNo).
		FindInBatches(&batch, changeReadBatch, func(*gorm.DB, int) error {
			changes := make([]Change, len(batch))
			for i := range batch {
				if edit != nil {
					edit(&batch[i])
				}
				changes[i] = changeOfEntry(kind, batch[i], false)
			}
			return tx.appendChanges(changes...)
		}).Error
}

// record appends changes once an operation of tx has succeeded (err is its
// error, returned as is when set).
func (tx *Tx) record(err error, changes ...Change) error {
	if err != nil {
		return err
	}
	return tx.run(func(*gorm.DB) error { return tx.appendChanges(changes...) })
}

// resourceUnless is a change's resource: r, or nil for a deletion.
func resourceUnless(deleted bool, r any) any {
	if deleted {
		return nil
	}
	return r
}

func changeOfContact(kind ChangeKind, c Contact, deleted bool) Change {
	return Change{Kind: kind, ResourceType: ResourceContact, Key: c.No,
		ContactNo: c.No, ContactCompanyNo: c.CompanyNo, Resource: resourceUnless(deleted, c)}
}

func changeOfGroup(kind ChangeKind, g InteractionGroup, deleted bool) Change {
	return Change{Kind: kind, ResourceType: ResourceGroup, Key: g.Code, GroupCode: g.Code, Resource: resourceUnless(deleted, g)}
}

func changeOfTemplate(kind ChangeKind, t InteractionTemplate, deleted bool) Change {
	return Change{Kind: kind, ResourceType: ResourceTemplate, Key: t.Code,
		TemplateCode: t.Code, GroupCode: t.GroupCode, Resource: resourceUnless(deleted, t)}
}

// changeOfLanguage is a change of a template's language row; its filter
// column is the template's code alone (the row does not hold its group).
func changeOfLanguage(kind ChangeKind, l InteractionTemplateLanguage, deleted bool) Change {
	return Change{Kind: kind, ResourceType: ResourceTemplateLanguage, Key: ChangeKey(l.TemplateCode, l.LanguageCode),
		TemplateCode: l.TemplateCode, Resource: resourceUnless(deleted, l)}
}

func changeOfAttachment(kind ChangeKind, a Attachment, deleted bool) Change {
	return Change{Kind: kind, ResourceType: ResourceAttachment, Key: keyOfNumber(a.ID), Resource: resourceUnless(deleted, a)}
}
