package store

import (
	"context"

	"gorm.io/gorm"
)

// DeleteCanceledFilter selects the entries DeleteCanceledEntries considers.
// Zero fields do not filter.
type DeleteCanceledFilter struct {
	MinEntryNo, MaxEntryNo int64 // inclusive; 0 = no bound
	ContactNo              string
	Time                   TimeRange
	CampaignNo             string
	GroupCode              string
	TemplateCode           string
	SalespersonCode        string
}

// apply adds the filter's conditions to a query on interaction_log_entries.
func (f DeleteCanceledFilter) apply(q *gorm.DB) *gorm.DB {
	if f.MinEntryNo > 0 {
		q = q.Where("entry_no >= ?", f.MinEntryNo)
	}
	if f.MaxEntryNo > 0 {
		q = q.Where("entry_no <= ?", f.MaxEntryNo)
	}
	q = f.Time.apply(q)
	for _, c := range []struct{ col, value string }{
		{"contact_no", f.ContactNo}, {"campaign_no", f.CampaignNo}, {"group_code", f.GroupCode},
		{"template_code", f.TemplateCode}, {"salesperson_code", f.SalespersonCode},
	} {
		if c.value != "" {
			q = q.Where(c.col+" = ?", c.value)
		}
	}
	return deletable(q)
}

// deletable keeps only entries that may be deleted: canceled, not postponed.
func deletable(q *gorm.DB) *gorm.DB {
	return q.Where("canceled = ? AND postponed = ?", true, false)
}

// DeleteCanceledBatchSize is how many entries one transaction of
// DeleteCanceledEntries deletes at most.
const DeleteCanceledBatchSize = 500

// CountCanceledEntries counts the entries DeleteCanceledEntries would delete now.
func (s *Store) CountCanceledEntries(ctx context.Context, f DeleteCanceledFilter) (int64, error) {
	var n int64
	err := f.apply(s.read(ctx).Model(&InteractionLogEntry{})).Count(&n).Error
	return n, classify(err)
}

// DeleteCanceledEntries deletes canceled, non-postponed entries matching f,
// with their comments, releasing attachments nothing else uses. It works in
// batches of DeleteCanceledBatchSize entries, each its own short transaction,
// so concurrent logging never waits behind one long delete. Each batch locks
// its candidates and deletes only those still canceled and not postponed, so
// an entry restored after it was selected is never deleted. Work committed
// before a failure stays done; running again continues it. It returns how
// many entries were deleted. Being several transactions, it is a method of
// Store, not of Tx: it cannot be called inside RunInTx.
func (s *Store) DeleteCanceledEntries(ctx context.Context, actor Actor, f DeleteCanceledFilter) (int64, error) {
	var deleted, after int64
	for {
		candidates, err := s.canceledCandidates(ctx, f, after)
		if err != nil || len(candidates) == 0 {
			return deleted, err
		}
		var n int64
		err = s.RunInTx(ctx, actor, func(tx *Tx) (err error) {
			n, err = tx.deleteCanceledBatch(candidates)
			return err
		})
		if err != nil {
			return deleted, err
		}
		deleted += n
		after = candidates[len(candidates)-1]
	}
}

// canceledCandidates reads the next batch of matching entry nos after a key,
// without locks.
func (s *Store) canceledCandidates(ctx context.Context, f DeleteCanceledFilter, after int64) ([]int64, error) {
	var nos []int64
	q := f.apply(s.db.WithContext(ctx).Model(&InteractionLogEntry{})).
		Where("entry_no > ?", after).Order("entry_no").Limit(DeleteCanceledBatchSize)
	return nos, classify(q.Pluck("entry_no", &nos).Error)
}

// deleteCanceledBatch deletes, in one transaction, those of the candidates
// that are still deletable once locked.
func (tx *Tx) deleteCanceledBatch(candidates []int64) (int64, error) {
	var deleted int64
	err := tx.run(func(db *gorm.DB) error {
		deleted = 0
		var rows []InteractionLogEntry
		if err := deletable(db.Clauses(lockingUpdate).Select("entry_no", "attachment_id", "logged_segment_entry_no",
			"contact_no", "contact_company_no", "template_code", "group_code").
			Where("entry_no IN ?", candidates)).Order("entry_no").Find(&rows).Error; err != nil {
			return err
		}
		if len(rows) == 0 {
			return nil
		}
		nos := make([]int64, len(rows))
		for i, r := range rows {
			nos[i] = r.EntryNo
		}
		changes, err := entryDeletions(db, rows)
		if err != nil {
			return err
		}
		if err := db.Where("entry_no IN ?", nos).Delete(&InteractionLogComment{}).Error; err != nil {
			return err
		}
		res := deletable(db.Where("entry_no IN ?", nos)).Delete(&InteractionLogEntry{})
		if res.Error != nil {
			return res.Error
		}
		deleted = res.RowsAffected
		if err := uncountLoggedSegmentEntries(db, rows); err != nil {
			return err
		}
		if err := tx.releaseAttachments(entryAttachments(rows)...); err != nil {
			return err
		}
		return tx.appendChanges(changes...)
	})
	return deleted, err
}

// uncountLoggedSegmentEntries lowers the interaction count of the logged
// segments that the deleted entries belonged to.
func uncountLoggedSegmentEntries(tx *gorm.DB, deleted []InteractionLogEntry) error {
	perSegment := map[int64]int64{}
	for _, e := range deleted {
		if e.LoggedSegmentEntryNo != nil {
			perSegment[*e.LoggedSegmentEntryNo]++
		}
	}
	for _, seg := range sortedKeysOf(perSegment) {
		if err := tx.Model(&LoggedSegment{}).Where("entry_no = ?", seg).
			Update("interaction_count", gorm.Expr("interaction_count - ?", perSegment[seg])).Error; err != nil {
			return err
		}
	}
	return nil
}

// entryAttachments lists the distinct attachment ids of entries.
func entryAttachments(entries []InteractionLogEntry) []*int64 {
	seen := map[int64]bool{}
	var ids []*int64
	for _, e := range entries {
		if e.AttachmentID != nil && !seen[*e.AttachmentID] {
			seen[*e.AttachmentID] = true
			ids = append(ids, e.AttachmentID)
		}
	}
	return ids
}

// entryDeletions are the changes of deleting entries (in their order) with
// their comments: each entry's comments, then the entry. Read before the
// deletion.
func entryDeletions(db *gorm.DB, entries []InteractionLogEntry) ([]Change, error) {
	nos := make([]int64, len(entries))
	for i, e := range entries {
		nos[i] = e.EntryNo
	}
	var comments []InteractionLogComment
	if err := db.Select("id", "entry_no").Where("entry_no IN ?", nos).Order("entry_no, id").Find(&comments).Error; err != nil {
		return nil, err
	}
	byEntry := map[int64][]InteractionLogComment{}
	for _, c := range comments {
		byEntry[c.EntryNo] = append(byEntry[c.EntryNo], c)
	}
	changes := make([]Change, 0, len(entries)+len(comments))
	for _, e := range entries {
		for _, c := range byEntry[e.EntryNo] {
			changes = append(changes, changeOfComment(ChangeCommentDeleted, e, c, true))
		}
		changes = append(changes, changeOfEntry(ChangeEntryDeleted, e, true))
	}
	return changes, nil
}
