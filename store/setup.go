package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"sort"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// SetupSlot is one field of the interaction template setup. DocumentType is
// the API's document type number for document slots, 0 for channel slots.
type SetupSlot struct {
	Name         string
	DocumentType int16
}

// SetupSlots lists every field of the setup, named as in the API. COVER_SHEET
// documents and the cover-sheet channel share one slot, as in Business Central.
var SetupSlots = []SetupSlot{
	{"sales_quote", 1}, {"sales_blanket_order", 2}, {"sales_order_confirmation", 3},
	{"sales_invoice", 4}, {"sales_shipment_note", 5}, {"sales_credit_memo", 6},
	{"sales_statement", 7}, {"sales_reminder", 8}, {"service_order_create", 9},
	{"service_order_post", 10}, {"purchase_quote", 11}, {"purchase_blanket_order", 12},
	{"purchase_order", 13}, {"purchase_invoice", 14}, {"purchase_receipt", 15},
	{"purchase_credit_memo", 16}, {"cover_sheet", 17}, {"sales_return_order", 18},
	{"sales_finance_charge_memo", 19}, {"sales_return_receipt", 20},
	{"purchase_return_shipment", 21}, {"purchase_return_order_confirmation", 22},
	{"service_contract", 23}, {"service_contract_quote", 24}, {"service_quote", 25},
	{"sales_draft_invoice", 26},
	{"emails", 0}, {"outgoing_calls", 0}, {"meeting_invitations", 0}, {"email_drafts", 0},
}

// SlotForDocumentType returns the setup slot of a document type.
func SlotForDocumentType(documentType int16) (string, bool) {
	for _, s := range SetupSlots {
		if s.DocumentType == documentType && documentType != 0 {
			return s.Name, true
		}
	}
	return "", false
}

// Setup is the interaction template setup: template code per slot name
// (blank slots absent), an etag derived from the content, and when it last
// changed (0 before the first update).
type Setup struct {
	Templates  map[string]string
	Etag       string
	UpdateTime int64
}

// GetSetup reads the setup.
func (s *Store) GetSetup(ctx context.Context) (Setup, error) {
	return readSetup(s.read(ctx))
}

func readSetup(tx *gorm.DB) (Setup, error) {
	var rows []TemplateSetupSlot
	if err := tx.Order("slot").Find(&rows).Error; err != nil {
		return Setup{}, classify(err)
	}
	out := Setup{Templates: map[string]string{}}
	h := sha256.New()
	for _, r := range rows {
		if r.Slot == lockSlot {
			continue
		}
		out.Templates[r.Slot] = r.TemplateCode
		h.Write([]byte(r.Slot + "=" + r.TemplateCode + "\n"))
		out.UpdateTime = max(out.UpdateTime, r.UpdateTime)
	}
	out.Etag = hex.EncodeToString(h.Sum(nil)[:8])
	return out, nil
}

// UpdateSetup sets the given slots (blank clears one) when etag matches the
// current content. Every named template must exist, and a template used for a
// document type must carry no attachment.
func (tx *Tx) UpdateSetup(changes map[string]string, etag string) (Setup, error) {
	var out Setup
	err := tx.run(func(db *gorm.DB) error {
		if err := lockSetup(db); err != nil {
			return err
		}
		cur, err := readSetup(db)
		if err != nil {
			return err
		}
		if err := checkEtag(etag, cur.Etag, "the interaction template setup"); err != nil {
			return err
		}
		for _, slot := range sortedKeys(changes) {
			if err := setSlot(db, tx.user(), slot, changes[slot]); err != nil {
				return err
			}
		}
		out, err = readSetup(db)
		return err
	})
	return out, tx.record(err, Change{Kind: ChangeTemplateSetupUpdated, ResourceType: ResourceTemplateSetup, Resource: out})
}

// lockSlot names the row that serialises updates of the setup.
const lockSlot = ""

// lockSetup takes an exclusive lock on the lock row, inserting it on first
// use, so that concurrent updates serialise and the etag check holds. Locking
// the slot rows is not enough: under READ COMMITTED a locking read of an empty
// table locks nothing, so two first updates both passed the etag check.
func lockSetup(tx *gorm.DB) error {
	return tx.Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "slot"}},
		DoUpdates: clause.AssignmentColumns([]string{"update_time"}),
	}).Create(&TemplateSetupSlot{Slot: lockSlot}).Error
}

// setSlot writes or clears one slot after checking its template.
func setSlot(tx *gorm.DB, user, slot, templateCode string) error {
	if err := tx.Where("slot = ?", slot).Delete(&TemplateSetupSlot{}).Error; err != nil {
		return err
	}
	if templateCode == "" {
		return nil
	}
	var t InteractionTemplate
	if err := shareRow(tx, &t, "code = ?", templateCode); err != nil {
		return notFoundReason(err, ReasonTemplateNotFound, "interaction template %q (setup field %s)", templateCode, slot)
	}
	if isDocumentSlot(slot) {
		if err := requireNoAttachment(tx, t); err != nil {
			return err
		}
	}
	return tx.Create(&TemplateSetupSlot{Slot: slot, TemplateCode: templateCode, UserID: user, UpdateTime: nowMicros()}).Error
}

func isDocumentSlot(slot string) bool {
	for _, s := range SetupSlots {
		if s.Name == slot {
			return s.DocumentType != 0
		}
	}
	return false
}

// requireNoAttachment refuses a template that carries an attachment of its
// own or on a language row: document interactions are recorded without one.
func requireNoAttachment(tx *gorm.DB, t InteractionTemplate) error {
	has := t.AttachmentID != nil
	if !has {
		var err error
		has, err = exists(tx, &InteractionTemplateLanguage{}, "template_code = ? AND attachment_id IS NOT NULL", t.Code)
		if err != nil {
			return err
		}
	}
	if has {
		return templateHasAttachment(t.Code)
	}
	return nil
}

func templateHasAttachment(code string) error {
	return newError(ErrPrecondition, ReasonTemplateHasAttachment,
		"interaction template %q carries an attachment, so it cannot record documents: remove the attachment or pick another template", code)
}

// refuseAttachmentOnDocumentTemplate refuses to give an attachment to a
// template that the setup uses for a document type.
func refuseAttachmentOnDocumentTemplate(tx *gorm.DB, templateCode string) error {
	var slots []string
	if err := tx.Model(&TemplateSetupSlot{}).Where("template_code = ?", templateCode).Pluck("slot", &slots).Error; err != nil {
		return err
	}
	for _, slot := range slots {
		if isDocumentSlot(slot) {
			return newError(ErrPrecondition, ReasonTemplateHasAttachment,
				"interaction template %q records documents (setup field %s), so it cannot carry an attachment", templateCode, slot)
		}
	}
	return nil
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
