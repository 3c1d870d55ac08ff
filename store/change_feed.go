package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"

	"gorm.io/gorm"
)

// ChangeFilter selects changes; zero fields do not filter (see the API's
// ChangeFilter). Codes are upper-case, as stored.
type ChangeFilter struct {
	Kinds         []ChangeKind
	ResourceTypes []ResourceType
	ContactNo     string
	// IncludeCompanyPersons: with ContactNo of a company, also the changes
	// whose contact company no. is that company.
	IncludeCompanyPersons bool
	TemplateCode          string
	GroupCode             string
}

// StoredChange is a sequenced change as ListChanges reads it.
type StoredChange struct {
	Sequence   int64
	ChangeTime int64 // Unix microseconds
	Principal  string
	RequestID  string
	Change     // Resource decoded into its model, nil for a deletion
}

// ListChanges returns up to limit changes matching filter with a sequence
// after afterSequence and at most upTo, in sequence order. Only sequenced
// changes are read, and a sequence is only ever assigned above every
// sequence assigned before (see sequencer.go), so a caller that resumes after
// the last sequence it saw never misses a change nor sees one twice.
//
// It fails with ErrPrecondition (CHANGES_EXPIRED) when changes after
// afterSequence were pruned, rather than return a page with a silent gap.
func (s *Store) ListChanges(ctx context.Context, afterSequence, upTo int64, filter ChangeFilter, limit int) ([]StoredChange, error) {
	var rows []changeRow
	if err := changesPage(s.feedRead(ctx), afterSequence, upTo, filter, limit).Find(&rows).Error; err != nil {
		return nil, classify(err)
	}
	if len(rows) == 0 || *rows[0].Sequence != afterSequence+1 {
		// Pruning removes a prefix of the sequence order (PruneChanges), so
		// the change after afterSequence is still there exactly when nothing
		// after afterSequence was pruned. Asked after the read, so that a
		// prune that ran during it is noticed too.
		if err := s.checkNotExpired(ctx, afterSequence); err != nil {
			return nil, err
		}
	}
	out := make([]StoredChange, len(rows))
	for i, r := range rows {
		c, err := r.stored()
		if err != nil {
			return nil, err
		}
		out[i] = c
	}
	return out, nil
}

// changesPage selects a page of ListChanges: read in the order of the unique
// index on sequence (TestExplainChangeQueries).
func changesPage(db *gorm.DB, afterSequence, upTo int64, filter ChangeFilter, limit int) *gorm.DB {
	q := changesByIndex(db, "uq_changes_sequence").Where("sequence > ? AND sequence <= ?", afterSequence, upTo)
	return filter.apply(q).Order("sequence").Limit(limit)
}

// apply adds the filter's conditions to q.
func (f ChangeFilter) apply(q *gorm.DB) *gorm.DB {
	if len(f.Kinds) > 0 {
		q = q.Where("kind IN ?", f.Kinds)
	}
	if len(f.ResourceTypes) > 0 {
		q = q.Where("resource_type IN ?", f.ResourceTypes)
	}
	switch {
	case f.ContactNo != "" && f.IncludeCompanyPersons:
		q = q.Where("(contact_no = ? OR contact_company_no = ?)", f.ContactNo, f.ContactNo)
	case f.ContactNo != "":
		q = q.Where("contact_no = ?", f.ContactNo)
	}
	if f.TemplateCode != "" {
		q = q.Where("template_code = ?", f.TemplateCode)
	}
	if f.GroupCode != "" {
		q = q.Where("group_code = ?", f.GroupCode)
	}
	return q
}

// Matches reports whether the filter selects c: in memory, exactly what
// apply selects in SQL (codes compare as the binary collation does).
func (f ChangeFilter) Matches(c Change) bool {
	switch {
	case len(f.Kinds) > 0 && !slices.Contains(f.Kinds, c.Kind):
		return false
	case len(f.ResourceTypes) > 0 && !slices.Contains(f.ResourceTypes, c.ResourceType):
		return false
	case f.ContactNo != "" && c.ContactNo != f.ContactNo &&
		(!f.IncludeCompanyPersons || c.ContactCompanyNo != f.ContactNo):
		return false
	case f.TemplateCode != "" && c.TemplateCode != f.TemplateCode:
		return false
	case f.GroupCode != "" && c.GroupCode != f.GroupCode:
		return false
	}
	return true
}

// checkNotExpired fails with CHANGES_EXPIRED when the change after
// afterSequence was pruned. Sequences are consecutive (the sequencer assigns
// the next one to each change), so that change existed if afterSequence is
// below the newest sequence, and it was pruned if the oldest kept is above it.
func (s *Store) checkNotExpired(ctx context.Context, afterSequence int64) error {
	oldest, err := s.OldestChangeSequence(ctx)
	if err != nil {
		return err
	}
	if oldest > afterSequence+1 {
		return newError(ErrPrecondition, ReasonChangesExpired,
			"the changes after sequence %d are older than the retention and were deleted; the oldest change kept is sequence %d: start after %d or later",
			afterSequence, oldest, oldest-1)
	}
	return nil
}

// stored decodes a row.
func (r changeRow) stored() (StoredChange, error) {
	resource, err := decodeResource(r.ResourceType, r.Payload)
	if err != nil {
		return StoredChange{}, fmt.Errorf("change %d: %w", *r.Sequence, err)
	}
	return StoredChange{
		Sequence: *r.Sequence, ChangeTime: r.ChangeTime, Principal: r.Principal, RequestID: r.RequestID,
		Change: Change{
			Kind: r.Kind, ResourceType: r.ResourceType, Key: r.ResourceKey,
			ContactNo: r.ContactNo, ContactCompanyNo: r.ContactCompanyNo,
			TemplateCode: r.TemplateCode, GroupCode: r.GroupCode,
			Resource: resource,
		},
	}, nil
}

// ChangeHighWater returns the highest sequence assigned, 0 when none. Every
// change up to it is visible: the sequencer assigns consecutive sequences in
// transactions that commit one after the other.
func (s *Store) ChangeHighWater(ctx context.Context) (int64, error) {
	return s.sequenceBound(ctx, "MAX")
}

// OldestChangeSequence returns the lowest sequence kept, 0 when none.
func (s *Store) OldestChangeSequence(ctx context.Context) (int64, error) {
	return s.sequenceBound(ctx, "MIN")
}

// sequenceBound returns MIN or MAX of the assigned sequences, 0 when none.
func (s *Store) sequenceBound(ctx context.Context, fn string) (int64, error) {
	var v sql.NullInt64
	if err := s.feedRead(ctx).Model(&changeRow{}).Select(fn + "(sequence)").Row().Scan(&v); err != nil {
		return 0, classify(err)
	}
	return v.Int64, nil // 0 when NULL
}

// PruneChanges deletes up to batch of the oldest changes whose change time is
// before cutoff (Unix microseconds) and returns how many it deleted; call it
// again until it returns fewer than batch. It deletes a prefix of the
// sequence order only: a change is kept while an older-sequenced one is, so
// that a reader never finds a hole in the middle of the feed
// (checkNotExpired relies on it), and the newest change is always kept so
// that the next sequence continues above it.
func (s *Store) PruneChanges(ctx context.Context, cutoff int64, batch int) (int64, error) {
	var deleted int64
	err := s.inTx(ctx, func(tx *gorm.DB) error {
		var rows []changeRow
		if err := oldestChanges(tx, batch+1).Find(&rows).Error; err != nil {
			return err
		}
		// The last row read is kept either way: it may be the newest.
		last := int64(0)
		for _, r := range rows[:max(0, len(rows)-1)] {
			if r.ChangeTime >= cutoff {
				break
			}
			last = *r.Sequence
		}
		if last == 0 {
			return nil
		}
		res := tx.Where("sequence > 0 AND sequence <= ?", last).Delete(&changeRow{})
		deleted = res.RowsAffected
		return res.Error
	})
	return deleted, err
}

// oldestChanges selects the sequence and time of the limit oldest sequenced
// changes, in sequence order. Sequences start at 1: "sequence > 0" is a
// range every engine reads as one, where TiDB showed IS NOT NULL as a full
// index scan.
func oldestChanges(db *gorm.DB, limit int) *gorm.DB {
	return changesByIndex(db, "uq_changes_sequence").Select("sequence", "change_time").Where("sequence > 0").Order("sequence").Limit(limit)
}
