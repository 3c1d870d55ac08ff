package store

import (
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

var lockingUpdate = clause.Locking{Strength: clause.LockingStrengthUpdate}

// requireAttachment fails with NOT_FOUND unless the (optional) attachment exists.
func requireAttachment(tx *gorm.DB, id *int64) error {
	if id == nil {
		return nil
	}
	var a Attachment
	return notFoundReason(shareRow(tx, &a, "id = ?", *id), ReasonAttachmentNotFound, "attachment %d", *id)
}

// releaseAttachments deletes each given attachment that nothing references any
// more (no template, language row or log entry), and the stored content when
// no other attachment shares it. Nil ids are skipped.
func releaseAttachments(tx *gorm.DB, ids ...*int64) error {
	for _, id := range ids {
		if id == nil {
			continue
		}
		used, err := attachmentInUse(tx, *id)
		if err != nil || used {
			return err
		}
		var a Attachment
		if err := tx.Clauses(lockingUpdate).Where("id = ?", *id).Limit(1).Find(&a).Error; err != nil || a.ID == 0 {
			return err
		}
		if err := tx.Delete(&Attachment{}, a.ID).Error; err != nil {
			return err
		}
		if err := releaseBlob(tx, a.BlobID); err != nil {
			return err
		}
	}
	return nil
}

// attachmentInUse reports whether a template, language row or entry uses the attachment.
func attachmentInUse(tx *gorm.DB, id int64) (bool, error) {
	for _, model := range []any{&InteractionTemplate{}, &InteractionTemplateLanguage{}, &InteractionLogEntry{}} {
		used, err := exists(tx, model, "attachment_id = ?", id)
		if err != nil || used {
			return used, err
		}
	}
	return false, nil
}

// releaseBlob deletes stored content that no attachment points at.
func releaseBlob(tx *gorm.DB, blobID int64) error {
	used, err := exists(tx, &Attachment{}, "blob_id = ?", blobID)
	if err != nil || used {
		return err
	}
	if err := tx.Where("blob_id = ?", blobID).Delete(&AttachmentChunk{}).Error; err != nil {
		return err
	}
	return tx.Delete(&AttachmentBlob{}, blobID).Error
}
