package store

import (
	"context"
	"errors"

	"gorm.io/gorm"
)

// Statistics count and sum logged entries: canceled and postponed entries
// never count. Sums are exact: costs add up to a Sum.

// Totals are the count and sums of a set of entries.
type Totals struct {
	Count      int64
	CostMicros Sum
	// DurationSeconds needs no Sum: an entry lasts at most 10 years (under
	// 2^29 seconds), so the sum holds in int64 for more than 2^34 entries,
	// more than SQLite's parts of a Sum allow.
	DurationSeconds int64
}

// Add returns the totals of both sets.
func (t Totals) Add(o Totals) Totals {
	return Totals{Count: t.Count + o.Count, CostMicros: t.CostMicros.Add(o.CostMicros), DurationSeconds: t.DurationSeconds + o.DurationSeconds}
}

// TimeRange bounds interaction_time: [Start, End), each bound optional.
type TimeRange struct {
	Start, End       int64
	HasStart, HasEnd bool
}

// apply adds the range's conditions to a query on interaction_log_entries.
func (r TimeRange) apply(q *gorm.DB) *gorm.DB {
	if r.HasStart {
		q = q.Where("interaction_time >= ?", r.Start)
	}
	if r.HasEnd {
		q = q.Where("interaction_time < ?", r.End)
	}
	return q
}

// counted keeps only the entries statistics count.
func counted(q *gorm.DB) *gorm.DB {
	return q.Where("canceled = ? AND postponed = ?", false, false)
}

// totalsColumns selects Totals' columns; the sums are 0, not NULL, over no rows.
func (s *Store) totalsColumns() string {
	return "COUNT(*) AS count, " + s.exactSumColumn("cost_micros") +
		", COALESCE(SUM(duration_seconds), 0) AS duration_seconds"
}

// totalsOf computes the totals of the counted entries a query selects.
func (s *Store) totalsOf(q *gorm.DB) (Totals, error) {
	var t Totals
	err := counted(q.Model(&InteractionLogEntry{})).Select(s.totalsColumns()).Scan(&t).Error
	return t, classify(err)
}

// GroupTotals returns the totals of an interaction group's entries in a time range.
func (s *Store) GroupTotals(ctx context.Context, groupCode string, r TimeRange) (Totals, error) {
	if _, err := s.GetGroup(ctx, groupCode); err != nil {
		return Totals{}, withReason(err, ReasonGroupNotFound)
	}
	return s.totalsOf(r.apply(s.read(ctx).Where("group_code = ?", groupCode)))
}

// TemplateTotals returns the totals of an interaction template's entries in a time range.
func (s *Store) TemplateTotals(ctx context.Context, templateCode string, r TimeRange) (Totals, error) {
	if _, err := s.GetTemplate(ctx, templateCode); err != nil {
		return Totals{}, err
	}
	return s.totalsOf(r.apply(s.read(ctx).Where("template_code = ?", templateCode)))
}

// ContactStats are a contact's interaction statistics (Business Central's
// FlowFields on the contact card).
type ContactStats struct {
	Totals
	// LastInteractionTime is the latest entry whose attempt did not fail; nil when none.
	LastInteractionTime *int64
	// LastAttemptTime is the latest entry initiated by us; nil when none.
	LastAttemptTime *int64
}

// ContactStatistics returns a contact's statistics. A company's include the
// entries of the persons that were its persons when they were logged
// (contact_company_no is a snapshot).
func (s *Store) ContactStatistics(ctx context.Context, contactNo string) (ContactStats, error) {
	var c Contact
	if err := s.read(ctx).Where("no = ?", contactNo).Take(&c).Error; err != nil {
		return ContactStats{}, notFoundReason(err, ReasonContactNotFound, "contact %q", contactNo)
	}
	q := s.read(ctx).Model(&InteractionLogEntry{})
	if c.Type == ContactTypeCompany {
		q = q.Where("contact_company_no = ? OR contact_no = ?", c.No, c.No)
	} else {
		q = q.Where("contact_no = ?", c.No)
	}
	var st ContactStats
	err := counted(q).Select(s.totalsColumns()+
		", MAX(CASE WHEN attempt_failed = ? THEN interaction_time END) AS last_interaction_time"+
		", MAX(CASE WHEN initiated_by = ? THEN interaction_time END) AS last_attempt_time",
		false, InitiatedByUs).Scan(&st).Error
	return st, classify(err)
}

// withReason gives a not-found error a more specific reason.
func withReason(err error, reason Reason) error {
	var se *Error
	if errors.As(err, &se) && se.Reason == ReasonNotFound {
		copied := *se
		copied.Reason = reason
		return &copied
	}
	return err
}
