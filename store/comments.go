package store

import (
	"context"
	"slices"

	"gorm.io/gorm"
)

// Comments on log entries. Every change locks the entry first, so that its
// comment_count stays equal to the number of its comments under concurrency.

// CreateComment adds a comment to an entry and counts it on the entry.
func (tx *Tx) CreateComment(c InteractionLogComment) (InteractionLogComment, error) {
	var etagUnused string
	stampNew(tx.user(), &etagUnused, &c.UserID, &c.CreateTime, &c.UpdateTime)
	err := tx.run(func(db *gorm.DB) error {
		e, err := requireEntry(db, c.EntryNo)
		if err != nil {
			return err
		}
		if err := db.Create(&c).Error; err != nil {
			return err
		}
		if err := countComments(db, c.EntryNo, 1); err != nil {
			return err
		}
		return tx.appendChanges(changeOfComment(ChangeCommentCreated, e, c, false))
	})
	return c, err
}

// ListComments returns an entry's comments in creation (id) order.
func (s *Store) ListComments(ctx context.Context, entryNo int64, page Page) ([]InteractionLogComment, bool, error) {
	db := s.read(ctx)
	found, err := exists(db, &InteractionLogEntry{}, "entry_no = ?", entryNo)
	if err != nil {
		return nil, false, classify(err)
	}
	if !found {
		return nil, false, noSuchEntry(entryNo)
	}
	return pageByNumber[InteractionLogComment](db.Where("entry_no = ?", entryNo), "id", page)
}

// UpdateComment writes the named fields of c (by entry no. and id).
func (tx *Tx) UpdateComment(c InteractionLogComment, fields []Field) (InteractionLogComment, error) {
	columns, err := CommentUpdatable.columnsOf("an interaction log comment", fields)
	if err != nil {
		return InteractionLogComment{}, err
	}
	var out InteractionLogComment
	err = tx.run(func(db *gorm.DB) error {
		e, _, err := lockComment(db, c.EntryNo, c.ID)
		if err != nil {
			return err
		}
		c.UserID, c.UpdateTime = tx.user(), nowMicros()
		if err := db.Model(&InteractionLogComment{}).Where("id = ?", c.ID).
			Select(append(slices.Clone(columns), "user_id", "update_time")).Updates(&c).Error; err != nil {
			return err
		}
		if err := db.Where("id = ?", c.ID).Take(&out).Error; err != nil {
			return err
		}
		return tx.appendChanges(changeOfComment(ChangeCommentUpdated, e, out, false))
	})
	return out, err
}

// DeleteComment deletes a comment and uncounts it on its entry.
func (tx *Tx) DeleteComment(entryNo, id int64) error {
	return tx.run(func(db *gorm.DB) error {
		e, c, err := lockComment(db, entryNo, id)
		if err != nil {
			return err
		}
		if err := db.Delete(&InteractionLogComment{}, id).Error; err != nil {
			return err
		}
		if err := countComments(db, entryNo, -1); err != nil {
			return err
		}
		return tx.appendChanges(changeOfComment(ChangeCommentDeleted, e, c, true))
	})
}

// lockComment locks an entry, then reads one of its comments.
func lockComment(tx *gorm.DB, entryNo, id int64) (InteractionLogEntry, InteractionLogComment, error) {
	var c InteractionLogComment
	e, err := requireEntry(tx, entryNo)
	if err != nil {
		return e, c, err
	}
	err = tx.Where("entry_no = ? AND id = ?", entryNo, id).Take(&c).Error
	return e, c, notFoundAs(err, "comment %d of interaction log entry %d", id, entryNo)
}

// countComments adds delta to an entry's comment count.
func countComments(tx *gorm.DB, entryNo int64, delta int) error {
	return tx.Model(&InteractionLogEntry{}).Where("entry_no = ?", entryNo).
		Update("comment_count", gorm.Expr("comment_count + ?", delta)).Error
}
