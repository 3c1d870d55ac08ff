package store

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
	"gorm.io/gorm/schema"
)

// LogRequest is one LogInteraction call.
type LogRequest struct {
	ContactNo    string
	TemplateCode string
	Overrides    Overrides
	// Comments are stored with the entry, dated today (UTC).
	Comments []string
	// Postpone stores a draft: only the contact must exist.
	Postpone bool
}

// LogInteraction logs one interaction through the pipeline (BuildEntry) and
// stores its comments, all in one transaction. NOT_FOUND with reason
// CONTACT_NOT_FOUND, TEMPLATE_NOT_FOUND or ATTACHMENT_NOT_FOUND for missing
// references; invalid overrides name their field under "overrides.".
func (tx *Tx) LogInteraction(r LogRequest) (InteractionLogEntry, error) {
	var e InteractionLogEntry
	err := tx.run(func(db *gorm.DB) error {
		c, t, err := loadContactAndTemplate(db, r.ContactNo, r.TemplateCode)
		if err != nil {
			return err
		}
		attachments, err := shareAttachments(db, []LogRequest{r})
		if err != nil {
			return err
		}
		p, err := buildLogged(r, c, t, attachments, tx.user(), nowMicros())
		if err != nil {
			return err
		}
		batch := []pendingEntry{p}
		err = tx.insertLogged(batch)
		e = batch[0].Entry
		return err
	})
	return e, err
}

// pendingEntry is an entry that the pipeline built for a LogRequest, not
// stored yet, with what is stored beside it.
type pendingEntry struct {
	Entry InteractionLogEntry
	// Draft is a postponed entry's overrides, kept for ResumeInteraction;
	// nil for a logged entry.
	Draft    *Overrides
	Comments []string
	// stored are the comments as inserted, with their ids.
	stored []InteractionLogComment
}

// buildLogged runs the pipeline for one LogRequest on its contact and
// template as read (blank when missing) and the attachments that exist of
// those requests name (shareAttachments): the checks of LogInteraction, in
// its order, and its errors.
func buildLogged(r LogRequest, c Contact, t TemplateRows, attachments map[int64]bool, user string, now int64) (pendingEntry, error) {
	in, err := pipelineInput(c, t, r.ContactNo, r.TemplateCode, r.Postpone, user, now)
	if err != nil {
		return pendingEntry{}, err
	}
	if id := r.Overrides.AttachmentID; id != nil && !attachments[*id] {
		return pendingEntry{}, notFound(ReasonAttachmentNotFound, fmt.Sprintf("attachment %d", *id))
	}
	in.Overrides = r.Overrides
	p := pendingEntry{Comments: r.Comments}
	if r.Postpone {
		if r.Overrides.InteractionTime == nil {
			// The draft keeps the time it was made unless resumed with another.
			in.Overrides.InteractionTime = &in.Now
		}
		p.Draft = &in.Overrides
	}
	if p.Entry, err = BuildEntry(in); err != nil {
		return pendingEntry{}, PrefixField(err, "overrides.")
	}
	p.Entry.CommentCount = int32(len(r.Comments))
	return p, nil
}

// shareAttachments reads which of the attachments that requests name as
// their own exist, share-locked (as requireAttachment locks one), so that
// they are not released before the transaction ends.
func shareAttachments(tx *gorm.DB, reqs []LogRequest) (map[int64]bool, error) {
	var ids []int64
	for _, r := range reqs {
		if r.Overrides.AttachmentID != nil {
			ids = append(ids, *r.Overrides.AttachmentID)
		}
	}
	found := make(map[int64]bool, len(ids))
	for chunk := range slices.Chunk(distinct(ids), inChunk) {
		var rows []int64
		if err := tx.Model(&Attachment{}).Clauses(lockingShare).Where("id IN ?", chunk).Pluck("id", &rows).Error; err != nil {
			return nil, err
		}
		for _, id := range rows {
			found[id] = true
		}
	}
	return found, nil
}

// insertLogged stores built entries, filling their EntryNo, with the drafts'
// overrides and the comments, each kind in multi-row INSERTs, and appends
// their changes: logged or postponed, and each comment created.
func (tx *Tx) insertLogged(pending []pendingEntry) error {
	if err := insertLoggedRows(tx.db, pending); err != nil {
		return err
	}
	changes := make([]Change, 0, len(pending))
	for _, p := range pending {
		kind := ChangeEntryLogged
		if p.Entry.Postponed {
			kind = ChangeEntryPostponed
		}
		changes = append(changes, changeOfEntry(kind, p.Entry, false))
		for _, c := range p.stored {
			changes = append(changes, changeOfComment(ChangeCommentCreated, p.Entry, c, false))
		}
	}
	return tx.appendChanges(changes...)
}

// insertLoggedRows is insertLogged's INSERTs. It fills the entries' EntryNo
// and their stored comments.
func insertLoggedRows(tx *gorm.DB, pending []pendingEntry) error {
	entries := make([]InteractionLogEntry, len(pending))
	for i, p := range pending {
		entries[i] = p.Entry
	}
	if err := insertEntries(tx, entries); err != nil {
		return err
	}
	var drafts []PostponedInteraction
	var comments []InteractionLogComment
	for i := range pending {
		p := &pending[i]
		p.Entry = entries[i]
		if p.Draft != nil {
			b, err := json.Marshal(p.Draft)
			if err != nil {
				return err
			}
			drafts = append(drafts, PostponedInteraction{EntryNo: p.Entry.EntryNo, Overrides: string(b)})
		}
		comments = appendComments(comments, p.Entry, p.Comments)
	}
	if len(drafts) > 0 {
		if err := tx.CreateInBatches(drafts, insertBatch(tx, 2, draftInsertBatch)).Error; err != nil {
			return err
		}
	}
	if len(comments) == 0 {
		return nil
	}
	if err := tx.CreateInBatches(comments, insertBatch(tx, 6, commentInsertBatch)).Error; err != nil {
		return err
	}
	for i := range pending { // comments are in pending's order, with their ids now
		n := len(pending[i].Comments)
		pending[i].stored, comments = comments[:n], comments[n:]
	}
	return nil
}

// Rows per INSERT of drafts' overrides and of comments on MySQL (comments
// are up to 2000 characters: 1000 of them stay well under max_allowed_packet).
const (
	draftInsertBatch   = 1000
	commentInsertBatch = 1000
)

// appendComments appends the comment rows of a new entry, dated the entry's
// creation day (UTC).
func appendComments(rows []InteractionLogComment, e InteractionLogEntry, texts []string) []InteractionLogComment {
	date := Time(e.CreateTime).Format("2006-01-02")
	for _, text := range texts {
		rows = append(rows, InteractionLogComment{
			EntryNo: e.EntryNo, CommentDate: date, Text: text,
			UserID: e.UserID, CreateTime: e.CreateTime, UpdateTime: e.CreateTime,
		})
	}
	return rows
}

// insertEntry stores one entry and returns it with its entry no.
func insertEntry(tx *gorm.DB, e InteractionLogEntry) (InteractionLogEntry, error) {
	batch := []InteractionLogEntry{e}
	err := insertEntries(tx, batch)
	return batch[0], err
}

// loadInput fetches what BuildEntry needs for one interaction: the contact
// (share-locked) and the template with its language rows. A draft tolerates
// a missing template. One query does it all (see loadContactAndTemplate).
func loadInput(tx *gorm.DB, user, contactNo, templateCode string, draft bool) (InteractionInput, error) {
	c, t, err := loadContactAndTemplate(tx, contactNo, templateCode)
	if err != nil {
		return InteractionInput{}, err
	}
	return pipelineInput(c, t, contactNo, templateCode, draft, user, nowMicros())
}

// pipelineInput checks that the contact and template read for an
// interaction exist (a draft tolerates a missing template) and makes the
// pipeline's input of them: NOT_FOUND CONTACT_NOT_FOUND or TEMPLATE_NOT_FOUND.
func pipelineInput(c Contact, t TemplateRows, contactNo, templateCode string, draft bool, user string, now int64) (InteractionInput, error) {
	if c.No == "" {
		return InteractionInput{}, newError(ErrNotFound, ReasonContactNotFound, "contact %q not found", contactNo)
	}
	if t.Template.Code == "" && !draft {
		return InteractionInput{}, templateNotFound(templateCode)
	}
	t.Template.Code = templateCode
	return InteractionInput{Contact: c, Template: t, Postponed: draft, UserID: user, Now: now}, nil
}

// loadContactAndTemplate reads a contact, share-locked, with a template and
// its language rows in one query: logging one interaction pays for every
// round trip. The share lock covers the template and its rows too, which
// keeps them from changing until the entry is logged. A missing contact or
// template comes back blank.
func loadContactAndTemplate(tx *gorm.DB, contactNo, templateCode string) (Contact, TemplateRows, error) {
	lock := lockingShare
	if isTiDB(tx) {
		// TiDB's locking read of an outer join also locks one key for the
		// missing (NULL) rows of a table, the same key in every call: all
		// logging queued on it, and at 64 concurrent calls some waited out
		// the 50 s lock wait timeout. So the template and its rows are locked
		// first, by themselves, and the join locks the contact alone.
		if err := shareTemplateRows(tx, templateCode); err != nil {
			return Contact{}, TemplateRows{}, err
		}
		lock.Table = clause.Table{Name: "contacts"}
	}
	var rows []contactTemplateRow
	err := scanRows(tx.Table("contacts").Select("contacts.*, "+templateColumns()+", "+languageColumns).
		Joins("LEFT JOIN interaction_templates t ON t.code = ?", templateCode).
		Joins("LEFT JOIN interaction_template_languages l ON l.template_code = t.code").
		Where("contacts.no = ?", contactNo).Clauses(lock), &rows)
	if err != nil || len(rows) == 0 {
		return Contact{}, TemplateRows{}, err
	}
	t := TemplateRows{Template: rows[0].Template}
	for _, r := range rows {
		if r.Language.LanguageCode != "" {
			t.Languages = append(t.Languages, r.Language)
		}
	}
	sortLanguages(t.Languages)
	return rows[0].Contact, t, nil
}

// shareTemplateRows share-locks a template and its language rows.
func shareTemplateRows(tx *gorm.DB, templateCode string) error {
	var codes []string
	if err := tx.Model(&InteractionTemplate{}).Clauses(lockingShare).Where("code = ?", templateCode).Pluck("code", &codes).Error; err != nil {
		return err
	}
	return tx.Model(&InteractionTemplateLanguage{}).Clauses(lockingShare).Where("template_code = ?", templateCode).Pluck("language_code", &codes).Error
}

// contactTemplateRow is a row of contacts joined to a template and its rows.
type contactTemplateRow struct {
	Contact
	Template InteractionTemplate         `gorm:"embedded;embeddedPrefix:t_"`
	Language InteractionTemplateLanguage `gorm:"embedded;embeddedPrefix:l_"`
}

// templateColumns selects every column of interaction_templates t under the
// t_ prefix.
var templateColumns = sync.OnceValue(func() string {
	sch, err := schema.Parse(&InteractionTemplate{}, &schemaCache, schema.NamingStrategy{})
	if err != nil {
		panic(err) // the model is static: this fails in every test or never
	}
	parts := make([]string, len(sch.DBNames))
	for i, col := range sch.DBNames {
		parts[i] = "t." + col + " AS t_" + col
	}
	return strings.Join(parts, ", ")
})

func templateNotFound(code string) error {
	return newError(ErrNotFound, ReasonTemplateNotFound, "interaction template %q not found", code)
}

// ResumeRequest is one ResumeInteraction call.
type ResumeRequest struct {
	EntryNo int64
	// TemplateCode replaces the draft's template when set.
	TemplateCode string
	// Overrides replace the draft's overrides field by field.
	Overrides Overrides
}

// ResumeInteraction completes a draft: the pipeline runs again with every
// check, on the draft's contact, the draft's (or the new) template and the
// draft's overrides under the new ones, and the same entry is rewritten as a
// logged one. FAILED_PRECONDITION ENTRY_NOT_POSTPONED for a logged entry.
func (tx *Tx) ResumeInteraction(r ResumeRequest) (InteractionLogEntry, error) {
	var out InteractionLogEntry
	err := tx.run(func(db *gorm.DB) error {
		draft, saved, err := lockDraft(db, r.EntryNo)
		if err != nil {
			return err
		}
		templateCode := draft.TemplateCode
		if r.TemplateCode != "" {
			templateCode = r.TemplateCode
		}
		in, err := loadInput(db, tx.user(), draft.ContactNo, templateCode, false)
		if err != nil {
			return err
		}
		in.Overrides = saved.Merge(r.Overrides)
		if err := requireAttachment(db, in.Overrides.AttachmentID); err != nil {
			return err
		}
		e, err := BuildEntry(in)
		if err != nil {
			return PrefixField(err, "overrides.")
		}
		e.EntryNo, e.CreateTime = draft.EntryNo, draft.CreateTime
		if err := db.Model(&InteractionLogEntry{}).Where("entry_no = ?", e.EntryNo).
			Select("*").Omit("entry_no", "create_time", "comment_count").Updates(&e).Error; err != nil {
			return err
		}
		if err := db.Delete(&PostponedInteraction{}, e.EntryNo).Error; err != nil {
			return err
		}
		if err := shareEntryAttachments(db, []InteractionLogEntry{e}); err != nil {
			return err
		}
		if err := tx.releaseAttachments(draft.AttachmentID); err != nil {
			return err
		}
		if err := db.Take(&out, e.EntryNo).Error; err != nil {
			return err
		}
		return tx.appendChanges(changeOfEntry(ChangeEntryResumed, out, false))
	})
	return out, err
}

// lockDraft reads a postponed entry for update with the overrides it was
// logged with.
func lockDraft(tx *gorm.DB, entryNo int64) (InteractionLogEntry, Overrides, error) {
	e, err := requireEntry(tx, entryNo)
	if err != nil {
		return e, Overrides{}, err
	}
	if !e.Postponed {
		return e, Overrides{}, newError(ErrPrecondition, ReasonEntryNotPostponed,
			"interaction log entry %d is not postponed", entryNo)
	}
	var row PostponedInteraction
	if err := tx.Limit(1).Find(&row, entryNo).Error; err != nil {
		return e, Overrides{}, err
	}
	var o Overrides
	if row.Overrides != "" {
		if err := json.Unmarshal([]byte(row.Overrides), &o); err != nil {
			return e, Overrides{}, err
		}
	}
	return e, o, nil
}

// DeletePostponedInteraction deletes a draft with its comments and releases
// its attachment. FAILED_PRECONDITION ENTRY_NOT_POSTPONED for a logged entry.
func (tx *Tx) DeletePostponedInteraction(entryNo int64) error {
	return tx.run(func(db *gorm.DB) error {
		draft, _, err := lockDraft(db, entryNo)
		if err != nil {
			return err
		}
		changes, err := entryDeletions(db, []InteractionLogEntry{draft})
		if err != nil {
			return err
		}
		for _, model := range []any{&InteractionLogComment{}, &PostponedInteraction{}, &InteractionLogEntry{}} {
			if err := db.Where("entry_no = ?", entryNo).Delete(model).Error; err != nil {
				return err
			}
		}
		if err := tx.releaseAttachments(draft.AttachmentID); err != nil {
			return err
		}
		return tx.appendChanges(changes...)
	})
}

// DocumentRequest is one RecordDocumentInteraction call. Overrides may set
// the salesperson (blank takes the contact's), campaign no., opportunity no.,
// description and interaction time.
type DocumentRequest struct {
	Document  Document
	ContactNo string
	Overrides Overrides
}

// RecordDocumentInteraction logs that a document was printed or sent, with
// the template the setup names for its type. recorded is false, with no
// error and no entry, when the setup names none. The template may carry no
// attachment, neither its own nor on a language row (FAILED_PRECONDITION
// TEMPLATE_HAS_ATTACHMENT).
func (tx *Tx) RecordDocumentInteraction(r DocumentRequest) (e InteractionLogEntry, recorded bool, err error) {
	err = tx.run(func(db *gorm.DB) error {
		slot, _ := SlotForDocumentType(r.Document.Type)
		var setup []TemplateSetupSlot
		if err := db.Where("slot = ?", slot).Limit(1).Find(&setup).Error; err != nil || len(setup) == 0 {
			return err
		}
		in, err := loadInput(db, tx.user(), r.ContactNo, setup[0].TemplateCode, false)
		if err != nil {
			return err
		}
		if in.Template.hasAttachment() {
			return templateHasAttachment(in.Template.Template.Code)
		}
		in.Overrides, in.Document = r.Overrides, r.Document
		if e, err = BuildEntry(in); err != nil {
			return err
		}
		if e, err = insertEntry(db, e); err != nil {
			return err
		}
		recorded = true
		return tx.appendChanges(changeOfEntry(ChangeEntryLogged, e, false))
	})
	return e, recorded, err
}

// GetEntry reads one interaction log entry.
func (s *Store) GetEntry(ctx context.Context, entryNo int64) (InteractionLogEntry, error) {
	var e InteractionLogEntry
	err := s.read(ctx).Where("entry_no = ?", entryNo).Take(&e).Error
	if isNotFound(err) {
		return e, noSuchEntry(entryNo)
	}
	return e, classify(err)
}

// EntryOrder sorts a list of entries: by entry no., or by interaction time
// then entry no.; ascending unless Descending.
type EntryOrder struct {
	ByTime     bool
	Descending bool
}

// ListEntries returns the entries f selects in the given order, one keyset
// page at a time: after page.AfterNumber (entry no.) or, in time order, after
// (page.AfterTime, page.AfterNumber). Drafts are left out unless f.Postponed
// says otherwise. Pages never skip or repeat rows that existed when the
// first page was read, however many entries are logged meanwhile.
func (s *Store) ListEntries(ctx context.Context, f EntryFilter, order EntryOrder, page Page) ([]InteractionLogEntry, bool, error) {
	var rows []InteractionLogEntry
	if err := entriesPage(s.read(ctx), f, order, page).Find(&rows).Error; err != nil {
		return nil, false, classify(err)
	}
	rows, more := trimPage(rows, page.Limit)
	return rows, more, nil
}

// entriesPage builds the query of one page of ListEntries.
func entriesPage(q *gorm.DB, f EntryFilter, order EntryOrder, page Page) *gorm.DB {
	if f.Postponed == nil {
		f.Postponed = new(bool)
	}
	q = f.apply(q.Model(&InteractionLogEntry{})).Limit(page.Limit + 1)
	if !*f.Postponed && q.Dialector.Name() == string(MySQL) {
		// idx_entries_postponed (postponed, entry_no) is for lists of drafts.
		// For logged entries MariaDB still picks it, as ref access on
		// postponed = false (which it guesses is half the table), and then
		// walks it past every row before the page instead of seeking to the
		// page: a page after 100 000 entries read 100 000 index entries (650
		// ms newest first). The primary key seeks. Likewise
		// idx_entries_logged_segment_state, which counts a logged segment's
		// entries: MariaDB picked it for a logged segment's entries and sorted
		// them, where idx_entries_logged_segment reads them in order.
		table := "interaction_log_entries IGNORE INDEX (idx_entries_postponed, idx_entries_logged_segment_state)"
		if f.LoggedSegmentEntryNo != nil && f.ContactNo == "" && isTiDB(q) {
			// TiDB walks the primary key for a logged segment's entries while
			// its statistics of the table are not loaded, and drops an
			// optimizer hint that comes with IGNORE INDEX: name the index.
			table = "interaction_log_entries USE INDEX (idx_entries_logged_segment)"
		}
		q = q.Table(table)
	}
	dir, after, from := "ASC", ">", ">="
	if order.Descending {
		dir, after, from = "DESC", "<", "<="
	}
	if !order.ByTime {
		if page.HasAfter {
			q = q.Where("entry_no "+after+" ?", page.AfterNumber)
		}
		return q.Order("entry_no " + dir)
	}
	if page.HasAfter {
		// (time, no) after (t, n), written so that the first term is an index range.
		q = q.Where("interaction_time "+from+" ? AND (interaction_time "+after+" ? OR entry_no "+after+" ?)",
			page.AfterTime, page.AfterTime, page.AfterNumber)
	}
	return q.Order("interaction_time " + dir).Order("entry_no " + dir)
}
