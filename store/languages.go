package store

import (
	"context"
	"slices"

	"gorm.io/gorm"
)

// CreateLanguage adds a language row to an existing template.
func (tx *Tx) CreateLanguage(l InteractionTemplateLanguage) (InteractionTemplateLanguage, error) {
	var etagUnused string
	stampNew(tx.user(), &etagUnused, &l.UserID, &l.CreateTime, &l.UpdateTime)
	err := tx.run(func(db *gorm.DB) error {
		var t InteractionTemplate
		if err := shareRow(db, &t, "code = ?", l.TemplateCode); err != nil {
			return notFoundReason(err, ReasonTemplateNotFound, "interaction template %q", l.TemplateCode)
		}
		if err := requireAttachment(db, l.AttachmentID); err != nil {
			return err
		}
		if l.AttachmentID != nil {
			if err := refuseAttachmentOnDocumentTemplate(db, l.TemplateCode); err != nil {
				return err
			}
		}
		return alreadyExists(db.Create(&l).Error, "interaction template %q already has language %q", l.TemplateCode, l.LanguageCode)
	})
	return l, tx.record(err, changeOfLanguage(ChangeTemplateLanguageCreated, l, false))
}

// GetLanguage reads one language row.
func (s *Store) GetLanguage(ctx context.Context, templateCode, languageCode string) (InteractionTemplateLanguage, error) {
	var l InteractionTemplateLanguage
	err := s.read(ctx).Where("template_code = ? AND language_code = ?", templateCode, languageCode).Take(&l).Error
	return l, notFoundAs(err, "language %q of interaction template %q", languageCode, templateCode)
}

// ListLanguages returns a template's language rows in language code order.
func (s *Store) ListLanguages(ctx context.Context, templateCode string, page Page) ([]InteractionTemplateLanguage, bool, error) {
	if _, err := s.GetTemplate(ctx, templateCode); err != nil {
		return nil, false, err
	}
	return pageByCode[InteractionTemplateLanguage](s.read(ctx).Where("template_code = ?", templateCode), "language_code", page)
}

// UpdateLanguage writes the named fields (description, attachment) of a row.
func (tx *Tx) UpdateLanguage(l InteractionTemplateLanguage, fields []Field) (InteractionTemplateLanguage, error) {
	columns, err := LanguageUpdatable.columnsOf("an interaction template language", fields)
	if err != nil {
		return InteractionTemplateLanguage{}, err
	}
	var out InteractionTemplateLanguage
	err = tx.run(func(db *gorm.DB) error {
		var cur InteractionTemplateLanguage
		where := "template_code = ? AND language_code = ?"
		if err := lockRow(db, &cur, where, l.TemplateCode, l.LanguageCode); err != nil {
			return notFoundAs(err, "language %q of interaction template %q", l.LanguageCode, l.TemplateCode)
		}
		var released []*int64
		if slices.Contains(columns, "attachment_id") {
			if err := requireAttachment(db, l.AttachmentID); err != nil {
				return err
			}
			if l.AttachmentID != nil {
				if err := refuseAttachmentOnDocumentTemplate(db, l.TemplateCode); err != nil {
					return err
				}
			}
			if !sameID(cur.AttachmentID, l.AttachmentID) {
				released = append(released, cur.AttachmentID)
			}
		}
		l.UserID, l.UpdateTime = tx.user(), nowMicros()
		cols := append(append([]string{}, columns...), "user_id", "update_time")
		if err := db.Model(&InteractionTemplateLanguage{}).Where(where, l.TemplateCode, l.LanguageCode).
			Select(cols).Updates(&l).Error; err != nil {
			return err
		}
		if err := tx.releaseAttachments(released...); err != nil {
			return err
		}
		return db.Where(where, l.TemplateCode, l.LanguageCode).Take(&out).Error
	})
	return out, tx.record(err, changeOfLanguage(ChangeTemplateLanguageUpdated, out, false))
}

// DeleteLanguage deletes a language row, clears the template's default
// language when it named this row, and releases the row's attachment.
func (tx *Tx) DeleteLanguage(templateCode, languageCode string) error {
	return tx.run(func(db *gorm.DB) error {
		var t InteractionTemplate
		if err := lockRow(db, &t, "code = ?", templateCode); err != nil {
			return notFoundReason(err, ReasonTemplateNotFound, "interaction template %q", templateCode)
		}
		var cur InteractionTemplateLanguage
		where := "template_code = ? AND language_code = ?"
		if err := db.Where(where, templateCode, languageCode).Take(&cur).Error; err != nil {
			return notFoundAs(err, "language %q of interaction template %q", languageCode, templateCode)
		}
		if err := db.Where(where, templateCode, languageCode).Delete(&InteractionTemplateLanguage{}).Error; err != nil {
			return err
		}
		changes := []Change{changeOfLanguage(ChangeTemplateLanguageDeleted, cur, true)}
		if t.LanguageCodeDefault == languageCode {
			t.LanguageCodeDefault = ""
			stampUpdate(tx.user(), &t.Etag, &t.UserID, &t.UpdateTime)
			if err := db.Model(&InteractionTemplate{}).Where("code = ?", templateCode).
				Select(withStamps([]string{"language_code_default"})).Updates(&t).Error; err != nil {
				return err
			}
			changes = append(changes, changeOfTemplate(ChangeTemplateUpdated, t, false))
		}
		if err := tx.releaseAttachments(cur.AttachmentID); err != nil {
			return err
		}
		return tx.appendChanges(changes...)
	})
}
