package store

import (
	"context"
	"slices"

	"gorm.io/gorm"
)

// CreateTemplate inserts a template. Its group must exist; a default language
// cannot be set yet (the template has no language rows on create); an unset
// correspondence type becomes EMAIL.
func (tx *Tx) CreateTemplate(t InteractionTemplate) (InteractionTemplate, error) {
	if t.CorrespondenceType == CorrespondenceTypeNone {
		t.CorrespondenceType = CorrespondenceTypeEmail
	}
	stampNew(tx.user(), &t.Etag, &t.UserID, &t.CreateTime, &t.UpdateTime)
	err := tx.run(func(db *gorm.DB) error {
		if err := requireGroup(db, t.GroupCode); err != nil {
			return err
		}
		if t.LanguageCodeDefault != "" {
			return defaultLanguageMissing(t.Code, t.LanguageCodeDefault)
		}
		if err := requireAttachment(db, t.AttachmentID); err != nil {
			return err
		}
		return alreadyExists(db.Create(&t).Error, "interaction template %q already exists", t.Code)
	})
	return t, tx.record(err, changeOfTemplate(ChangeTemplateCreated, t, false))
}

// GetTemplate reads one template.
func (s *Store) GetTemplate(ctx context.Context, code string) (InteractionTemplate, error) {
	var t InteractionTemplate
	err := s.read(ctx).Where("code = ?", code).Take(&t).Error
	return t, notFoundReason(err, ReasonTemplateNotFound, "interaction template %q", code)
}

// ListTemplates returns templates in code order, of one group when groupCode is set.
func (s *Store) ListTemplates(ctx context.Context, groupCode string, page Page) ([]InteractionTemplate, bool, error) {
	q := s.read(ctx)
	if groupCode != "" {
		q = q.Where("group_code = ?", groupCode)
	}
	return pageByCode[InteractionTemplate](q, "code", page)
}

// UpdateTemplate writes the named fields of t (by code) when etag matches,
// checking the references that change. Log entries are never touched.
func (tx *Tx) UpdateTemplate(t InteractionTemplate, etag string, fields []Field) (InteractionTemplate, error) {
	columns, err := TemplateUpdatable.columnsOf("an interaction template", fields)
	if err != nil {
		return InteractionTemplate{}, err
	}
	var out InteractionTemplate
	err = tx.run(func(db *gorm.DB) error {
		var cur InteractionTemplate
		if err := lockRow(db, &cur, "code = ?", t.Code); err != nil {
			return notFoundReason(err, ReasonTemplateNotFound, "interaction template %q", t.Code)
		}
		if err := checkEtag(etag, cur.Etag, "interaction template "+quote(t.Code)); err != nil {
			return err
		}
		if err := checkTemplateChange(db, t, columns); err != nil {
			return err
		}
		released := []*int64{}
		if slices.Contains(columns, "attachment_id") && !sameID(cur.AttachmentID, t.AttachmentID) {
			released = append(released, cur.AttachmentID)
		}
		stampUpdate(tx.user(), &t.Etag, &t.UserID, &t.UpdateTime)
		if err := db.Model(&InteractionTemplate{}).Where("code = ?", t.Code).
			Select(withStamps(columns)).Updates(&t).Error; err != nil {
			return err
		}
		if err := tx.releaseAttachments(released...); err != nil {
			return err
		}
		return db.Where("code = ?", t.Code).Take(&out).Error
	})
	return out, tx.record(err, changeOfTemplate(ChangeTemplateUpdated, out, false))
}

// checkTemplateChange checks the references among the updated columns.
func checkTemplateChange(tx *gorm.DB, t InteractionTemplate, columns []string) error {
	for _, col := range columns {
		var err error
		switch col {
		case "group_code":
			err = requireGroup(tx, t.GroupCode)
		case "language_code_default":
			err = requireDefaultLanguage(tx, t.Code, t.LanguageCodeDefault)
		case "attachment_id":
			err = requireAttachment(tx, t.AttachmentID)
			if err == nil && t.AttachmentID != nil {
				err = refuseAttachmentOnDocumentTemplate(tx, t.Code)
			}
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// DeleteTemplate deletes a template and its language rows, releasing their
// attachments. Refused while the setup names the template.
func (tx *Tx) DeleteTemplate(code, etag string) error {
	return tx.run(func(db *gorm.DB) error {
		var cur InteractionTemplate
		if err := lockRow(db, &cur, "code = ?", code); err != nil {
			return notFoundReason(err, ReasonTemplateNotFound, "interaction template %q", code)
		}
		if err := checkEtag(etag, cur.Etag, "interaction template "+quote(code)); err != nil {
			return err
		}
		var slots []string
		if err := db.Model(&TemplateSetupSlot{}).Where("template_code = ?", code).Order("slot").Pluck("slot", &slots).Error; err != nil {
			return err
		}
		if len(slots) > 0 {
			return newError(ErrPrecondition, ReasonTemplateInSetup, "interaction template %q is used by the interaction template setup (%v): clear those fields first", code, slots)
		}
		var langs []InteractionTemplateLanguage
		if err := db.Where("template_code = ?", code).Find(&langs).Error; err != nil {
			return err
		}
		if err := db.Where("template_code = ?", code).Delete(&InteractionTemplateLanguage{}).Error; err != nil {
			return err
		}
		if err := db.Where("code = ?", code).Delete(&InteractionTemplate{}).Error; err != nil {
			return err
		}
		released := []*int64{cur.AttachmentID}
		changes := []Change{changeOfTemplate(ChangeTemplateDeleted, cur, true)}
		for _, l := range langs {
			released = append(released, l.AttachmentID)
			changes = append(changes, changeOfLanguage(ChangeTemplateLanguageDeleted, l, true))
		}
		if err := tx.releaseAttachments(released...); err != nil {
			return err
		}
		return tx.appendChanges(changes...)
	})
}

// requireGroup fails with NOT_FOUND unless the group exists, and keeps it
// from being deleted until the transaction ends.
func requireGroup(tx *gorm.DB, code string) error {
	var g InteractionGroup
	return notFoundReason(shareRow(tx, &g, "code = ?", code), ReasonGroupNotFound, "interaction group %q", code)
}

// requireDefaultLanguage checks that a (non-blank) default language names a
// language row of the template.
func requireDefaultLanguage(tx *gorm.DB, templateCode, languageCode string) error {
	if languageCode == "" {
		return nil
	}
	found, err := exists(tx, &InteractionTemplateLanguage{}, "template_code = ? AND language_code = ?", templateCode, languageCode)
	if err != nil || found {
		return err
	}
	return defaultLanguageMissing(templateCode, languageCode)
}

func defaultLanguageMissing(templateCode, languageCode string) error {
	return newError(ErrPrecondition, ReasonDefaultLanguageNotFound,
		"interaction template %q has no language row %q: add the row before making it the default language", templateCode, languageCode)
}

// sameID compares two optional ids.
func sameID(a, b *int64) bool {
	return (a == nil && b == nil) || (a != nil && b != nil && *a == *b)
}
