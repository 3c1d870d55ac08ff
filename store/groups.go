package store

import (
	"context"
	"errors"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// CreateGroup inserts a group. ErrAlreadyExists when the code is taken.
func (tx *Tx) CreateGroup(g InteractionGroup) (InteractionGroup, error) {
	stampNew(tx.user(), &g.Etag, &g.UserID, &g.CreateTime, &g.UpdateTime)
	err := tx.run(func(db *gorm.DB) error {
		return alreadyExists(db.Create(&g).Error, "interaction group %q already exists", g.Code)
	})
	return g, tx.record(err, changeOfGroup(ChangeGroupCreated, g, false))
}

// GetGroup reads one group.
func (s *Store) GetGroup(ctx context.Context, code string) (InteractionGroup, error) {
	var g InteractionGroup
	err := s.read(ctx).Where("code = ?", code).Take(&g).Error
	return g, notFoundAs(err, "interaction group %q", code)
}

// ListGroups returns groups in code order after page.AfterCode.
func (s *Store) ListGroups(ctx context.Context, page Page) ([]InteractionGroup, bool, error) {
	return pageByCode[InteractionGroup](s.read(ctx), "code", page)
}

// UpdateGroup writes the named fields of g (by code) when etag matches.
func (tx *Tx) UpdateGroup(g InteractionGroup, etag string, fields []Field) (InteractionGroup, error) {
	columns, err := GroupUpdatable.columnsOf("an interaction group", fields)
	if err != nil {
		return InteractionGroup{}, err
	}
	var out InteractionGroup
	err = tx.run(func(db *gorm.DB) error {
		var cur InteractionGroup
		if err := lockRow(db, &cur, "code = ?", g.Code); err != nil {
			return notFoundAs(err, "interaction group %q", g.Code)
		}
		if err := checkEtag(etag, cur.Etag, "interaction group "+quote(g.Code)); err != nil {
			return err
		}
		stampUpdate(tx.user(), &g.Etag, &g.UserID, &g.UpdateTime)
		if err := db.Model(&InteractionGroup{}).Where("code = ?", g.Code).
			Select(withStamps(columns)).Updates(&g).Error; err != nil {
			return err
		}
		return db.Where("code = ?", g.Code).Take(&out).Error
	})
	return out, tx.record(err, changeOfGroup(ChangeGroupUpdated, out, false))
}

// DeleteGroup deletes a group that has no templates.
func (tx *Tx) DeleteGroup(code, etag string) error {
	return tx.run(func(db *gorm.DB) error {
		var cur InteractionGroup
		if err := lockRow(db, &cur, "code = ?", code); err != nil {
			return notFoundAs(err, "interaction group %q", code)
		}
		if err := checkEtag(etag, cur.Etag, "interaction group "+quote(code)); err != nil {
			return err
		}
		used, err := exists(db, &InteractionTemplate{}, "group_code = ?", code)
		if err != nil {
			return err
		}
		if used {
			return newError(ErrPrecondition, ReasonGroupHasTemplates, "interaction group %q still has templates: delete or move them first", code)
		}
		if err := db.Where("code = ?", code).Delete(&InteractionGroup{}).Error; err != nil {
			return err
		}
		return tx.appendChanges(changeOfGroup(ChangeGroupDeleted, cur, true))
	})
}

// lockRow reads one row for update (a no-op lock on SQLite, whose single
// writer already serialises transactions).
func lockRow(tx *gorm.DB, dest any, query string, args ...any) error {
	return tx.Clauses(clause.Locking{Strength: clause.LockingStrengthUpdate}).Where(query, args...).Take(dest).Error
}

// shareRow reads one row and keeps others from changing or deleting it until
// the transaction ends.
func shareRow(tx *gorm.DB, dest any, query string, args ...any) error {
	return tx.Clauses(clause.Locking{Strength: clause.LockingStrengthShare}).Where(query, args...).Take(dest).Error
}

// exists reports whether any row of model matches the condition.
func exists(tx *gorm.DB, model any, query string, args ...any) (bool, error) {
	var one []int
	err := tx.Model(model).Select("1").Where(query, args...).Limit(1).Find(&one).Error
	return len(one) > 0, err
}

// stampNew fills the bookkeeping fields of a new row.
func stampNew(userID string, etag, user *string, created, updated *int64) {
	now := nowMicros()
	*etag, *user, *created, *updated = newEtag(), userID, now, now
}

// stampUpdate fills the bookkeeping fields of a changed row.
func stampUpdate(userID string, etag, user *string, updated *int64) {
	*etag, *user, *updated = newEtag(), userID, nowMicros()
}

// withStamps adds the bookkeeping columns to an update's column list.
func withStamps(columns []string) []string {
	return append(append([]string{}, columns...), "etag", "user_id", "update_time")
}

// alreadyExists turns a duplicate-key error into a readable ErrAlreadyExists.
func alreadyExists(err error, format string, args ...any) error {
	if errors.Is(classify(err), ErrAlreadyExists) {
		return newError(ErrAlreadyExists, ReasonAlreadyExists, format, args...)
	}
	return err
}

// notFoundAs turns a missing row into a readable ErrNotFound.
func notFoundAs(err error, format string, args ...any) error {
	return notFoundReason(err, ReasonNotFound, format, args...)
}

// notFoundReason is notFoundAs with a specific reason.
func notFoundReason(err error, reason Reason, format string, args ...any) error {
	if errors.Is(err, gorm.ErrRecordNotFound) {
		e := newError(ErrNotFound, reason, format, args...)
		e.Message += " not found"
		return e
	}
	return classify(err)
}

// quote formats a code for messages.
func quote(code string) string { return `"` + code + `"` }
