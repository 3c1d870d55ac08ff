package store

import (
	"context"

	"gorm.io/gorm"
)

// LoggedSegmentFilter selects logged segments; zero fields do not filter.
type LoggedSegmentFilter struct {
	SegmentNo string
	Canceled  *bool
}

func (f LoggedSegmentFilter) apply(q *gorm.DB) *gorm.DB {
	if f.SegmentNo != "" {
		q = q.Where("segment_no = ?", f.SegmentNo)
	}
	if f.Canceled != nil {
		q = q.Where("canceled = ?", *f.Canceled)
	}
	return q
}

// GetLoggedSegment reads one logged segment.
func (s *Store) GetLoggedSegment(ctx context.Context, entryNo int64) (LoggedSegment, error) {
	var ls LoggedSegment
	q := s.read(ctx)
	if err := q.Where("entry_no = ?", entryNo).Take(&ls).Error; err != nil {
		return ls, loggedSegmentNotFound(err, entryNo)
	}
	one := []LoggedSegment{ls}
	err := countInteractions(q, one)
	return one[0], classify(err)
}

// countInteractions sets the InteractionCount of each logged segment to the
// number of its entries that share its canceled state: Business Central's
// "No. of Interactions". While a logged segment is not canceled, entries
// canceled one by one are not counted; once it is canceled, all its entries
// are (canceling it cancels them all). Deleted entries are not counted.
func countInteractions(q *gorm.DB, segments []LoggedSegment) error {
	if len(segments) == 0 {
		return nil
	}
	nos := make([]int64, len(segments))
	for i, ls := range segments {
		nos[i] = ls.EntryNo
	}
	var counts []struct {
		LoggedSegmentEntryNo int64
		Canceled             bool
		N                    int64
	}
	if err := q.Model(&InteractionLogEntry{}).Select("logged_segment_entry_no, canceled, COUNT(*) AS n").
		Where("logged_segment_entry_no IN ?", nos).Group("logged_segment_entry_no, canceled").Scan(&counts).Error; err != nil {
		return err
	}
	type state struct {
		entryNo  int64
		canceled bool
	}
	byState := make(map[state]int64, len(counts))
	for _, c := range counts {
		byState[state{c.LoggedSegmentEntryNo, c.Canceled}] = c.N
	}
	for i, ls := range segments {
		segments[i].InteractionCount = byState[state{ls.EntryNo, ls.Canceled}]
	}
	return nil
}

// ListLoggedSegments returns logged segments in entry no. order after
// page.AfterNumber.
func (s *Store) ListLoggedSegments(ctx context.Context, f LoggedSegmentFilter, page Page) ([]LoggedSegment, bool, error) {
	var rows []LoggedSegment
	q := f.apply(s.read(ctx)).Order("entry_no").Limit(page.Limit + 1)
	if page.HasAfter {
		q = q.Where("entry_no > ?", page.AfterNumber)
	}
	if err := q.Find(&rows).Error; err != nil {
		return nil, false, classify(err)
	}
	rows, more := trimPage(rows, page.Limit)
	return rows, more, classify(countInteractions(s.read(ctx), rows))
}

// SetLoggedSegmentCanceled cancels (canceled=true) or restores a logged
// segment and, with it, every entry it logged, whatever state each entry was
// in (Business Central's behaviour). Setting the current state again is
// allowed and repeats the cascade.
func (tx *Tx) SetLoggedSegmentCanceled(entryNo int64, canceled bool) (LoggedSegment, error) {
	var ls LoggedSegment
	err := tx.run(func(db *gorm.DB) error {
		// The row lock serialises this with restoring one of its entries,
		// which reads the logged segment's state.
		if err := lockRow(db, &ls, "entry_no = ?", entryNo); err != nil {
			return loggedSegmentNotFound(err, entryNo)
		}
		if err := db.Model(&InteractionLogEntry{}).Where("logged_segment_entry_no = ?", entryNo).
			Updates(map[string]any{"canceled": canceled, "update_time": nowMicros()}).Error; err != nil {
			return err
		}
		ls.Canceled = canceled
		if err := db.Model(&LoggedSegment{}).Where("entry_no = ?", entryNo).Update("canceled", canceled).Error; err != nil {
			return err
		}
		one := []LoggedSegment{ls}
		if err := countInteractions(db, one); err != nil {
			return err
		}
		ls = one[0]
		segmentKind, entryKind := ChangeLoggedSegmentRestored, ChangeEntryRestored
		if canceled {
			segmentKind, entryKind = ChangeLoggedSegmentCanceled, ChangeEntryCanceled
		}
		if err := tx.appendLoggedSegmentEntries(entryNo, entryKind, nil); err != nil {
			return err
		}
		return tx.appendChanges(changeOfLoggedSegment(segmentKind, ls, false))
	})
	return ls, err
}

// CountCanceledLoggedSegments counts what DeleteCanceledLoggedSegments
// would delete now.
func (s *Store) CountCanceledLoggedSegments(ctx context.Context, segmentNo string) (int64, error) {
	var n int64
	err := canceledLoggedSegments(segmentNo).apply(s.read(ctx).Model(&LoggedSegment{})).Count(&n).Error
	return n, classify(err)
}

func canceledLoggedSegments(segmentNo string) LoggedSegmentFilter {
	return LoggedSegmentFilter{SegmentNo: segmentNo, Canceled: new(true)}
}

// DeleteCanceledLoggedSegments deletes the canceled logged segments (of one
// segment no. when segmentNo is set) and returns how many. Their entries are
// kept and unlinked. Each logged segment is unlinked and deleted in its own
// transaction, so the locks held at any time are bounded by one logged
// segment's entries and concurrent work never waits behind the whole job.
// Work committed before a failure stays done; running again continues it.
// Being several transactions, it is a method of Store, not of Tx: it cannot
// be called inside RunInTx.
func (s *Store) DeleteCanceledLoggedSegments(ctx context.Context, actor Actor, segmentNo string) (int64, error) {
	f := canceledLoggedSegments(segmentNo)
	var deleted int64
	after := int64(0)
	for {
		var batch []int64
		q := f.apply(s.read(ctx).Model(&LoggedSegment{})).Where("entry_no > ?", after).Order("entry_no").Limit(100)
		if err := q.Pluck("entry_no", &batch).Error; err != nil {
			return deleted, classify(err)
		}
		if len(batch) == 0 {
			return deleted, nil
		}
		for _, entryNo := range batch {
			var ok bool
			err := s.RunInTx(ctx, actor, func(tx *Tx) (err error) {
				ok, err = tx.deleteCanceledLoggedSegment(entryNo)
				return err
			})
			if err != nil {
				return deleted, err
			}
			if ok {
				deleted++
			}
		}
		after = batch[len(batch)-1]
	}
}

// deleteCanceledLoggedSegment unlinks the entries of one logged segment and
// deletes it, unless it was restored or deleted meanwhile (ok=false).
func (tx *Tx) deleteCanceledLoggedSegment(entryNo int64) (ok bool, err error) {
	err = tx.run(func(db *gorm.DB) error {
		var ls LoggedSegment
		if err := db.Clauses(lockingUpdate).Where("entry_no = ?", entryNo).Limit(1).Find(&ls).Error; err != nil {
			return err
		}
		if ls.EntryNo == 0 || !ls.Canceled {
			ok = false
			return nil
		}
		// The entries stay, without their logged segment: read them first.
		now := nowMicros()
		if err := tx.appendLoggedSegmentEntries(entryNo, ChangeEntryUpdated, func(e *InteractionLogEntry) {
			e.LoggedSegmentEntryNo, e.UpdateTime = nil, now
		}); err != nil {
			return err
		}
		if err := db.Model(&InteractionLogEntry{}).Where("logged_segment_entry_no = ?", entryNo).
			Updates(map[string]any{"logged_segment_entry_no": nil, "update_time": now}).Error; err != nil {
			return err
		}
		ok = true
		if err := db.Where("entry_no = ?", entryNo).Delete(&LoggedSegment{}).Error; err != nil {
			return err
		}
		return tx.appendChanges(changeOfLoggedSegment(ChangeLoggedSegmentDeleted, ls, true))
	})
	return ok, err
}

func loggedSegmentNotFound(err error, entryNo int64) error {
	return notFoundReason(err, ReasonLoggedSegmentNotFound, "logged segment %d", entryNo)
}
