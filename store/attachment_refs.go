package store

import (
	"fmt"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// References to attachments (from templates, language rows and log entries)
// and their release. The locking order keeps a reference from being added to
// an attachment that a concurrent transaction is deleting:
//   - whoever adds a reference share-locks the attachment row first
//     (requireAttachment, shareEntryAttachments);
//   - whoever deletes an attachment locks its row for update BEFORE checking
//     for references, and likewise locks a blob before checking whether an
//     attachment still points at it (an upload that reuses a blob share-locks
//     it first).
// Under READ COMMITTED the check that follows the lock sees every reference
// committed by the transaction that held the lock.

var (
	lockingUpdate = clause.Locking{Strength: clause.LockingStrengthUpdate}
	lockingShare  = clause.Locking{Strength: clause.LockingStrengthShare}
)

// requireAttachment fails with NOT_FOUND unless the (optional) attachment exists.
func requireAttachment(tx *gorm.DB, id *int64) error {
	if id == nil {
		return nil
	}
	var a Attachment
	return notFoundReason(shareRow(tx, &a, "id = ?", *id), ReasonAttachmentNotFound, "attachment %d", *id)
}

// shareEntryAttachments is requireAttachment for the attachments that new or
// resumed entries reference (the pipeline reads them from templates and
// language rows without locks). It share-locks them, so that they cannot be
// released before the transaction ends, and marks those of logged (not
// postponed) entries read-only (SPEC §2.8). Only the first entry to use an
// attachment writes its row, so loggings of one template do not queue on it.
// A missing attachment was released by a change of the template committed
// after the template was read: ErrConflict, so that the transaction runs
// again with the template as it is now.
func shareEntryAttachments(tx *gorm.DB, entries []InteractionLogEntry) error {
	var ids, logged []int64
	for _, e := range entries {
		if e.AttachmentID != nil {
			ids = append(ids, *e.AttachmentID)
			if !e.Postponed {
				logged = append(logged, *e.AttachmentID)
			}
		}
	}
	if len(ids) == 0 {
		return nil
	}
	ids = distinct(ids)
	var rows []Attachment
	if err := tx.Clauses(lockingShare).Select("id", "read_only").Where("id IN ?", ids).Find(&rows).Error; err != nil {
		return err
	}
	if len(rows) < len(ids) {
		return newError(ErrConflict, ReasonConcurrentModification, "the template's attachment changed during the request; retry it")
	}
	readOnly := map[int64]bool{}
	for _, a := range rows {
		readOnly[a.ID] = a.ReadOnly
	}
	var fresh []int64
	for _, id := range distinct(logged) {
		if !readOnly[id] {
			fresh = append(fresh, id)
		}
	}
	if len(fresh) == 0 {
		return nil
	}
	return tx.Model(&Attachment{}).Where("id IN ?", fresh).Update("read_only", true).Error
}

// releaseAttachments deletes each given attachment that nothing references any
// more (no template, language row or log entry), and the stored content when
// no other attachment shares it. Nil ids and missing attachments are skipped.
func (tx *Tx) releaseAttachments(ids ...*int64) error {
	for _, id := range ids {
		if id == nil {
			continue
		}
		if _, _, err := tx.deleteUnusedAttachment(*id); err != nil {
			return err
		}
	}
	return nil
}

// deleteUnusedAttachment deletes the attachment and releases its blob unless
// something references it. It reports whether the attachment existed and, when
// it is kept, what uses it. A deletion is in the change feed, after the
// transaction's other changes (Tx.released).
func (tx *Tx) deleteUnusedAttachment(id int64) (found bool, user string, err error) {
	db := tx.db
	var a Attachment
	if err := db.Clauses(lockingUpdate).Where("id = ?", id).Limit(1).Find(&a).Error; err != nil || a.ID == 0 {
		return false, "", err
	}
	if user, err := attachmentUser(db, id); err != nil || user != "" {
		return true, user, err
	}
	if err := db.Delete(&Attachment{}, a.ID).Error; err != nil {
		return true, "", err
	}
	tx.released = append(tx.released, changeOfAttachment(ChangeAttachmentDeleted, Attachment{ID: id}, true))
	return true, "", releaseBlob(db, a.BlobID)
}

// attachmentUser names a template, language row or entry that uses the
// attachment, or returns "" when none does.
func attachmentUser(tx *gorm.DB, id int64) (string, error) {
	var templates []InteractionTemplate
	if err := tx.Select("code").Where("attachment_id = ?", id).Limit(1).Find(&templates).Error; err != nil {
		return "", err
	}
	if len(templates) > 0 {
		return fmt.Sprintf("interaction template %q", templates[0].Code), nil
	}
	var langs []InteractionTemplateLanguage
	if err := tx.Select("template_code", "language_code").Where("attachment_id = ?", id).Limit(1).Find(&langs).Error; err != nil {
		return "", err
	}
	if len(langs) > 0 {
		return fmt.Sprintf("language %q of interaction template %q", langs[0].LanguageCode, langs[0].TemplateCode), nil
	}
	var entries []InteractionLogEntry
	if err := tx.Select("entry_no").Where("attachment_id = ?", id).Limit(1).Find(&entries).Error; err != nil {
		return "", err
	}
	if len(entries) > 0 {
		return fmt.Sprintf("interaction log entry %d", entries[0].EntryNo), nil
	}
	return "", nil
}

// releaseBlob deletes stored content that no attachment points at.
func releaseBlob(tx *gorm.DB, blobID int64) error {
	var b AttachmentBlob
	if err := tx.Clauses(lockingUpdate).Where("id = ?", blobID).Limit(1).Find(&b).Error; err != nil || b.ID == 0 {
		return err
	}
	used, err := exists(tx, &Attachment{}, "blob_id = ?", blobID)
	if err != nil || used {
		return err
	}
	return deleteBlob(tx, blobID)
}

// deleteBlob deletes a blob's chunks and the blob.
func deleteBlob(tx *gorm.DB, blobID int64) error {
	if err := tx.Where("blob_id = ?", blobID).Delete(&AttachmentChunk{}).Error; err != nil {
		return err
	}
	return tx.Delete(&AttachmentBlob{}, blobID).Error
}
