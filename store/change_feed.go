package store

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"

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
	// Change: Resource is the model decoded from JSON (written by the
	// previous release or by a store without a ResourceEncoder), or nil for
	// a deletion or when Encoded holds the resource.
	Change
	// Encoded is the resource as the store's ResourceEncoder encoded it;
	// nil when there is none or Resource holds it.
	Encoded []byte
}

// ListChanges returns up to limit changes matching filter with a sequence
// after afterSequence and at most upTo, in sequence order. Only
// sequenced changes are read, and a sequence is only ever assigned above
// every sequence assigned before (see sequencer.go), so a caller that
// resumes after the last sequence it saw, even one in the middle of a
// packed row, never misses a change nor sees one twice.
//
// It fails with ErrPrecondition (CHANGES_EXPIRED) when changes after
// afterSequence were pruned, rather than return a page with a silent gap.
func (s *Store) ListChanges(ctx context.Context, afterSequence, upTo int64, filter ChangeFilter, limit int) ([]StoredChange, error) {
	db := s.feedRead(ctx)
	var out []StoredChange
	from, contiguous := afterSequence, true
	for len(out) < limit && from < upTo {
		last, more, err := pageEnd(db, from, upTo, filter, limit-len(out))
		if err != nil {
			return nil, classify(err)
		}
		var rows []storedRow
		if last > from {
			if rows, err = readChangeRows(db, from, last, filter); err != nil {
				return nil, classify(err)
			}
		}
		if len(rows) == 0 || rows[0].first() > from+1 {
			contiguous = false
		}
		seen := afterSequence // a row read twice gives its changes once
		if len(out) > 0 {
			seen = out[len(out)-1].Sequence
		}
		if out, err = appendMatching(out, rows, seen, upTo, filter, limit); err != nil {
			return nil, err
		}
		if !more {
			break
		}
		from = last
	}
	if !contiguous || afterSequence >= upTo {
		// Pruning removes a prefix of the sequence order, whole rows
		// (PruneChanges), so the change after afterSequence is still there
		// exactly when nothing after afterSequence was pruned. Asked after
		// the reads, so that a prune that ran during them is noticed too.
		if err := s.CheckNotExpired(ctx, afterSequence); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// appendMatching appends the changes of rows after afterSequence, up to
// upTo, that match filter to out, up to limit in all.
func appendMatching(out []StoredChange, rows []storedRow, afterSequence, upTo int64, filter ChangeFilter, limit int) ([]StoredChange, error) {
	errFull := errors.New("page full")
	for _, r := range rows {
		err := r.changes(func(c StoredChange) error {
			if c.Sequence <= afterSequence || c.Sequence > upTo || !filter.Matches(c.Change) {
				return nil
			}
			if len(out) == limit {
				return errFull
			}
			out = append(out, c)
			return nil
		})
		if errors.Is(err, errFull) {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// pageEnd returns the sequence up to which a round of ListChanges reads
// from, to find want changes, and whether changes up to upTo may lie beyond
// it. Unfiltered, every sequence is a change: the next want sequences, read
// in one query of the rows holding them, and nothing more to read (fewer
// changes than asked for: the table ends, or its head was pruned, which
// ListChanges notices). Filtered, the matches may lie anywhere:
// planChangesPage reads the rows' counts first.
func pageEnd(db *gorm.DB, from, upTo int64, filter ChangeFilter, want int) (int64, bool, error) {
	if filter.none() {
		return min(upTo, from+int64(want)), false, nil
	}
	return planChangesPage(db, from, upTo, filter, want)
}

// none reports whether the filter selects every change.
func (f ChangeFilter) none() bool {
	return len(f.Kinds) == 0 && len(f.ResourceTypes) == 0 && f.ContactNo == "" && f.TemplateCode == "" && f.GroupCode == ""
}

// planChangesPage reads the sequence and change count of the rows holding
// changes after from, up to upTo, that may hold a change matching filter,
// until they hold want changes: it returns the last sequence of the last of
// them (readChangeRows reads them), and whether rows beyond it may hold more.
// Reading the counts first keeps a page of a few hundred changes from
// reading a few hundred packed rows of hundreds of changes each.
func planChangesPage(db *gorm.DB, from, upTo int64, filter ChangeFilter, want int) (last int64, more bool, err error) {
	query, args := planQuery(db, from, upTo, filter, want)
	rows, err := queryChanges(db, query, args)
	if err != nil {
		return 0, false, err
	}
	defer rows.Close()
	read, held := 0, int64(0)
	for rows.Next() {
		var count int64
		if err := rows.Scan(&last, &count); err != nil {
			return 0, false, err
		}
		read++
		if held += min(last, upTo) - max(last-count, from); held >= int64(want) {
			return last, true, rows.Err()
		}
	}
	if err := rows.Err(); err != nil {
		return 0, false, err
	}
	// Fewer rows than asked for: none beyond them up to upTo may match.
	if read < want {
		return max(last, from), false, nil
	}
	return last, true, nil
}

// readChangeRows reads the rows holding changes after from up to last that
// may hold a change matching filter, in sequence order: read in the order
// of the unique index on sequence (TestExplainChangeQueries).
func readChangeRows(db *gorm.DB, from, last int64, filter ChangeFilter) ([]storedRow, error) {
	query, args := rowsQuery(db, from, last, filter)
	rows, err := queryChanges(db, query, args)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []storedRow
	for rows.Next() {
		var r storedRow
		if err := r.scan(rows); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// planQuery is planChangesPage's query and its arguments.
func planQuery(db *gorm.DB, from, upTo int64, filter ChangeFilter, want int) (string, []any) {
	where, args := filter.where()
	return "SELECT sequence, change_count FROM " + changesTable(db, "uq_changes_sequence") +
			" WHERE sequence > ? AND sequence < ? AND sequence - change_count < ?" + where + " ORDER BY sequence LIMIT ?",
		append(append([]any{from, upTo + maxChangesPerRow, upTo}, args...), want)
}

// rowsQuery is readChangeRows' query and its arguments.
func rowsQuery(db *gorm.DB, from, last int64, filter ChangeFilter) (string, []any) {
	where, args := filter.where()
	return "SELECT " + changeRowColumns + " FROM " + changesTable(db, "uq_changes_sequence") +
			" WHERE sequence > ? AND sequence < ? AND sequence - change_count < ?" + where + " ORDER BY sequence",
		append([]any{from, last + maxChangesPerRow, last}, args...)
}

// queryChanges runs a query of the feed's readers on db's pool, past GORM's
// callbacks (which reflected over every row), with its own span.
func queryChanges(db *gorm.DB, query string, args []any) (_ *sql.Rows, err error) {
	ctx, end := startStatementSpan(db, "SELECT", "changes", query)
	defer func() { end(err) }()
	return db.Statement.ConnPool.QueryContext(ctx, query, args...)
}

// where is the filter's SQL pre-filter, " AND ..." with its arguments: it
// keeps every row holding a matching change, the rows whose filter column
// is mixed included (change_rows.go); Matches then filters the changes.
func (f ChangeFilter) where() (string, []any) {
	var b strings.Builder
	var args []any
	in := func(column string, values ...any) {
		b.WriteString(column + " IN (?" + strings.Repeat(", ?", len(values)-1) + ")")
		args = append(args, values...)
	}
	if len(f.Kinds) > 0 {
		b.WriteString(" AND ")
		in("kind", append(anys(f.Kinds), mixedKind)...)
	}
	if len(f.ResourceTypes) > 0 {
		b.WriteString(" AND ")
		in("resource_type", append(anys(f.ResourceTypes), mixedKind)...)
	}
	if f.ContactNo != "" {
		b.WriteString(" AND (")
		in("contact_no", f.ContactNo, mixedCode)
		if f.IncludeCompanyPersons {
			b.WriteString(" OR ")
			in("contact_company_no", f.ContactNo, mixedCode)
		}
		b.WriteString(")")
	}
	if f.TemplateCode != "" {
		b.WriteString(" AND ")
		in("template_code", f.TemplateCode, mixedCode)
	}
	if f.GroupCode != "" {
		b.WriteString(" AND ")
		in("group_code", f.GroupCode, mixedCode)
	}
	return b.String(), args
}

func anys[T ~int16](values []T) []any {
	out := make([]any, len(values))
	for i, v := range values {
		out[i] = int16(v)
	}
	return out
}

// Matches reports whether the filter selects c: in memory, exactly what
// the SQL filter selects (codes compare as the binary collation does). It
// sorts the changes of packed rows, and the fan-out's for its watchers.
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

// CheckNotExpired fails with CHANGES_EXPIRED when the change after
// afterSequence was pruned (ListChanges checks it too; a watch checks it
// before it tells its caller where it starts). Sequences are consecutive (the sequencer assigns
// the next ones to each row), so that change existed if afterSequence is
// below the newest sequence, and it was pruned if the oldest kept is above it.
func (s *Store) CheckNotExpired(ctx context.Context, afterSequence int64) error {
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

// ChangeHighWater returns the highest sequence assigned, 0 when none. Every
// change up to it is visible: the sequencer assigns consecutive sequences in
// transactions that commit one after the other.
func (s *Store) ChangeHighWater(ctx context.Context) (int64, error) {
	var v sql.NullInt64
	if err := s.feedRead(ctx).Model(&changeRow{}).Select("MAX(sequence)").Row().Scan(&v); err != nil {
		return 0, classify(err)
	}
	return v.Int64, nil // 0 when NULL
}

// OldestChangeSequence returns the lowest sequence kept, 0 when none: the
// first change of the oldest row.
func (s *Store) OldestChangeSequence(ctx context.Context) (int64, error) {
	var v sql.NullInt64
	err := oldestChanges(s.feedRead(ctx), 1).Select("sequence - change_count + 1").Row().Scan(&v)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return 0, classify(err)
	}
	return v.Int64, nil // 0 when none
}

// PruneChanges deletes up to batch of the oldest rows of changes whose change
// time is before cutoff (Unix microseconds) and returns how many rows it
// deleted; call it again until it returns fewer than batch. It deletes whole
// rows, a prefix of the sequence order only: a change is kept while an
// older-sequenced one is, so that a reader never finds a hole in the middle
// of the feed (CheckNotExpired relies on it), and the newest row is always
// kept so that the next sequence continues above it.
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
// rows, in sequence order. Sequences start at 1: "sequence > 0" is a
// range every engine reads as one, where TiDB showed IS NOT NULL as a full
// index scan.
func oldestChanges(db *gorm.DB, limit int) *gorm.DB {
	return changesByIndex(db, "uq_changes_sequence").Select("sequence", "change_time").Where("sequence > 0").Order("sequence").Limit(limit)
}
