package store

import (
	"slices"

	"gorm.io/gorm"
)

// The operations on logged entries after logging: cancel, restore, evaluate
// and update. Batch operations are all or nothing and return the entries in
// request order (an entry named twice appears twice).

// CancelEntries marks entries canceled. With releaseUniqueAttachments, an
// attachment that no other entry, template or language row uses is deleted
// and the entries that had it lose their reference (a restored entry then has
// no attachment). Postponed entries cannot be canceled.
func (tx *Tx) CancelEntries(entryNos []int64, releaseUniqueAttachments bool) ([]InteractionLogEntry, error) {
	var out []InteractionLogEntry
	err := tx.run(func(db *gorm.DB) error {
		entries, err := lockEntries(db, entryNos)
		if err != nil {
			return err
		}
		if err := refusePostponed(entries, "cancel"); err != nil {
			return err
		}
		if err := setEntries(db, entryNos, map[string]any{"canceled": true}); err != nil {
			return err
		}
		if releaseUniqueAttachments {
			if err := tx.releaseUniqueEntryAttachments(entries); err != nil {
				return err
			}
		}
		out, err = entriesInOrder(db, entryNos)
		if err != nil {
			return err
		}
		return tx.appendChanges(changesOfEntries(ChangeEntryCanceled, out)...)
	})
	return out, err
}

// RestoreEntries marks canceled entries not canceled again. An entry of a
// canceled logged segment cannot be restored alone: restore the segment.
func (tx *Tx) RestoreEntries(entryNos []int64) ([]InteractionLogEntry, error) {
	var out []InteractionLogEntry
	err := tx.run(func(db *gorm.DB) error {
		entries, err := lockEntries(db, entryNos)
		if err != nil {
			return err
		}
		if err := refusePostponed(entries, "restore"); err != nil {
			return err
		}
		if err := refuseCanceledLoggedSegments(db, entries); err != nil {
			return err
		}
		if err := setEntries(db, entryNos, map[string]any{"canceled": false}); err != nil {
			return err
		}
		out, err = entriesInOrder(db, entryNos)
		if err != nil {
			return err
		}
		return tx.appendChanges(changesOfEntries(ChangeEntryRestored, out)...)
	})
	return out, err
}

// EvaluateEntries sets one evaluation on entries.
func (tx *Tx) EvaluateEntries(entryNos []int64, evaluation int16) ([]InteractionLogEntry, error) {
	var out []InteractionLogEntry
	err := tx.run(func(db *gorm.DB) error {
		if _, err := lockEntries(db, entryNos); err != nil {
			return err
		}
		if err := setEntries(db, entryNos, map[string]any{"evaluation": evaluation}); err != nil {
			return err
		}
		var err error
		out, err = entriesInOrder(db, entryNos)
		if err != nil {
			return err
		}
		return tx.appendChanges(changesOfEntries(ChangeEntryEvaluated, out)...)
	})
	return out, err
}

// UpdateEntry writes the named fields of e (by entry no.). The entry keeps
// its user_id, the principal who logged it. A new attachment must exist
// (NOT_FOUND ATTACHMENT_NOT_FOUND) and becomes read-only; the one it replaces
// is released unless something else uses it. A draft's attachment is changed
// by ResumeInteraction, not here (FAILED_PRECONDITION ENTRY_POSTPONED).
func (tx *Tx) UpdateEntry(e InteractionLogEntry, fields []Field) (InteractionLogEntry, error) {
	columns, err := EntryUpdatable.columnsOf("an interaction log entry", fields)
	if err != nil {
		return InteractionLogEntry{}, err
	}
	var out InteractionLogEntry
	err = tx.run(func(db *gorm.DB) error {
		cur, err := requireEntry(db, e.EntryNo)
		if err != nil {
			return err
		}
		changesAttachment := slices.Contains(columns, "attachment_id") && !sameID(cur.AttachmentID, e.AttachmentID)
		if changesAttachment {
			// A draft's attachment is one of the values ResumeInteraction
			// logs it with: it is given there.
			if err := refusePostponed(map[int64]InteractionLogEntry{cur.EntryNo: cur}, "update"); err != nil {
				return err
			}
			if err := requireAttachment(db, e.AttachmentID); err != nil {
				return err
			}
		}
		e.UpdateTime = nowMicros()
		if err := db.Model(&InteractionLogEntry{}).Where("entry_no = ?", e.EntryNo).
			Select(append(slices.Clone(columns), "update_time")).Updates(&e).Error; err != nil {
			return err
		}
		if err := db.Where("entry_no = ?", e.EntryNo).Take(&out).Error; err != nil {
			return err
		}
		if changesAttachment {
			if err := shareEntryAttachments(db, []InteractionLogEntry{out}); err != nil {
				return err
			}
			if err := tx.releaseAttachments(cur.AttachmentID); err != nil {
				return err
			}
		}
		return tx.appendChanges(changeOfEntry(ChangeEntryUpdated, out, false))
	})
	return out, err
}

// lockEntries locks the named entries, in entry no. order so that concurrent
// batches cannot deadlock, and returns them by entry no. The first missing
// one, in request order, is NOT_FOUND.
func lockEntries(tx *gorm.DB, entryNos []int64) (map[int64]InteractionLogEntry, error) {
	var rows []InteractionLogEntry
	if err := tx.Clauses(lockingUpdate).Where("entry_no IN ?", uniqueSorted(entryNos)).
		Order("entry_no").Find(&rows).Error; err != nil {
		return nil, err
	}
	byNo := make(map[int64]InteractionLogEntry, len(rows))
	for _, r := range rows {
		byNo[r.EntryNo] = r
	}
	for _, no := range entryNos {
		if _, ok := byNo[no]; !ok {
			return nil, noSuchEntry(no)
		}
	}
	return byNo, nil
}

// requireEntry locks one entry for a change that depends on it.
func requireEntry(tx *gorm.DB, entryNo int64) (InteractionLogEntry, error) {
	byNo, err := lockEntries(tx, []int64{entryNo})
	return byNo[entryNo], err
}

func noSuchEntry(entryNo int64) error {
	return newError(ErrNotFound, ReasonNotFound, "interaction log entry %d not found", entryNo)
}

// setEntries writes the same values on every named entry.
func setEntries(tx *gorm.DB, entryNos []int64, values map[string]any) error {
	values["update_time"] = nowMicros()
	return tx.Model(&InteractionLogEntry{}).Where("entry_no IN ?", uniqueSorted(entryNos)).Updates(values).Error
}

// entriesInOrder reads entries back in request order.
func entriesInOrder(tx *gorm.DB, entryNos []int64) ([]InteractionLogEntry, error) {
	var rows []InteractionLogEntry
	if err := tx.Where("entry_no IN ?", uniqueSorted(entryNos)).Find(&rows).Error; err != nil {
		return nil, err
	}
	byNo := make(map[int64]InteractionLogEntry, len(rows))
	for _, r := range rows {
		byNo[r.EntryNo] = r
	}
	out := make([]InteractionLogEntry, 0, len(entryNos))
	for _, no := range entryNos {
		out = append(out, byNo[no])
	}
	return out, nil
}

// refusePostponed fails on the first draft: drafts are resumed or deleted, not canceled.
func refusePostponed(entries map[int64]InteractionLogEntry, action string) error {
	for _, no := range sortedKeysOf(entries) {
		if entries[no].Postponed {
			return newError(ErrPrecondition, ReasonEntryPostponed,
				"interaction log entry %d is postponed and cannot be %sd: resume it or delete it", no, action)
		}
	}
	return nil
}

// refuseCanceledLoggedSegments fails when an entry belongs to a canceled
// logged segment.
func refuseCanceledLoggedSegments(tx *gorm.DB, entries map[int64]InteractionLogEntry) error {
	var segments []int64
	for _, e := range entries {
		if e.LoggedSegmentEntryNo != nil {
			segments = append(segments, *e.LoggedSegmentEntryNo)
		}
	}
	if len(segments) == 0 {
		return nil
	}
	var canceled []int64
	if err := tx.Model(&LoggedSegment{}).Where("entry_no IN ? AND canceled = ?", uniqueSorted(segments), true).
		Order("entry_no").Limit(1).Pluck("entry_no", &canceled).Error; err != nil {
		return err
	}
	if len(canceled) == 0 {
		return nil
	}
	return newError(ErrPrecondition, ReasonLoggedSegmentCanceled,
		"logged segment %d is canceled: restore the logged segment to restore its entries", canceled[0])
}

// releaseUniqueEntryAttachments deletes the attachments of the given entries
// that nothing outside them uses, and clears the entries' references to them.
func (tx *Tx) releaseUniqueEntryAttachments(entries map[int64]InteractionLogEntry) error {
	db := tx.db
	owners := map[int64][]int64{} // attachment id -> entry nos among entries
	for _, no := range sortedKeysOf(entries) {
		if id := entries[no].AttachmentID; id != nil {
			owners[*id] = append(owners[*id], no)
		}
	}
	for _, id := range sortedKeysOf(owners) {
		shared, err := attachmentUsedOutside(db, id, owners[id])
		if err != nil {
			return err
		}
		if shared {
			continue
		}
		if err := db.Model(&InteractionLogEntry{}).Where("entry_no IN ?", owners[id]).
			Update("attachment_id", nil).Error; err != nil {
			return err
		}
		if err := tx.releaseAttachments(&id); err != nil {
			return err
		}
	}
	return nil
}

// attachmentUsedOutside reports whether a template, a language row or an
// entry other than the given ones uses the attachment.
func attachmentUsedOutside(tx *gorm.DB, id int64, entryNos []int64) (bool, error) {
	for _, model := range []any{&InteractionTemplate{}, &InteractionTemplateLanguage{}} {
		used, err := exists(tx, model, "attachment_id = ?", id)
		if err != nil || used {
			return used, err
		}
	}
	return exists(tx, &InteractionLogEntry{}, "attachment_id = ? AND entry_no NOT IN ?", id, entryNos)
}

// uniqueSorted returns the distinct values in increasing order.
func uniqueSorted(nos []int64) []int64 {
	out := slices.Clone(nos)
	slices.Sort(out)
	return slices.Compact(out)
}

// sortedKeysOf returns a map's int64 keys in increasing order.
func sortedKeysOf[V any](m map[int64]V) []int64 {
	keys := make([]int64, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
