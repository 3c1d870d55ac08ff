package store

import (
	"errors"
	"fmt"

	"gorm.io/gorm"
)

// logLineBatch is how many lines LogSegment reads, builds and writes at a
// time. Memory holds one batch of lines, contacts and entries, plus the
// templates met so far, whatever the segment's size.
const logLineBatch = 1000

// LogSegmentResult is what LogSegment created.
type LogSegmentResult struct {
	LoggedSegment LoggedSegment
	// FollowUp is the follow-up segment, when one was asked for.
	FollowUp *SegmentWithCount
}

// LogSegment logs one interaction per line of a segment, all or nothing, in
// one transaction: it records a logged segment, writes one entry per line
// through the interaction pipeline (BuildEntry) with the header's values as
// defaults and the line's as overrides, deletes the segment and its lines
// and, when followUpNo is set, creates that segment with the same contacts
// and campaign. Lines are streamed in batches, so memory does not grow with
// the segment. An invalid line fails the whole call with the error that
// LogInteraction gives for the same values, wrapped in a LineError.
func (tx *Tx) LogSegment(segmentNo, followUpNo string) (LogSegmentResult, error) {
	var res LogSegmentResult
	err := tx.run(func(db *gorm.DB) error {
		seg, err := lockSegmentToLog(db, segmentNo)
		if err != nil {
			return err
		}
		l := &segmentLogger{tx: db, outbox: tx, seg: seg, followUpNo: followUpNo, now: nowMicros(), user: tx.user(),
			header: headerOverrides(seg), templates: map[string]*TemplateRows{}}
		if res.LoggedSegment, err = l.start(); err != nil {
			return err
		}
		if err := l.logLines(); err != nil {
			return err
		}
		res.LoggedSegment.InteractionCount = l.count
		if err := l.finish(); err != nil {
			return err
		}
		if err := tx.appendChanges(changeOfLoggedSegment(ChangeLoggedSegmentLogged, res.LoggedSegment, false)); err != nil {
			return err
		}
		if followUpNo != "" {
			followUp, err := getSegment(db, followUpNo)
			res.FollowUp = &followUp
			return err
		}
		return nil
	})
	return res, err
}

// lockSegmentToLog locks the segment and checks that it can be logged: it
// exists, has a description and lines, and no logged segment has its no.
func lockSegmentToLog(tx *gorm.DB, no string) (Segment, error) {
	seg, err := lockSegment(tx, no, "")
	if err != nil && !errors.Is(err, ErrNotFound) {
		return seg, err
	}
	if lerr := refuseLoggedSegmentNo(tx, no, err == nil); lerr != nil {
		return seg, lerr
	}
	if err != nil {
		return seg, err
	}
	if seg.Description == "" {
		return seg, newError(ErrPrecondition, ReasonSegmentNoDescription, "segment %q has no description: set one before logging it", no)
	}
	hasLines, err := exists(tx, &SegmentLine{}, "segment_no = ?", no)
	if err != nil || hasLines {
		return seg, err
	}
	return seg, newError(ErrPrecondition, ReasonSegmentNoLines, "segment %q has no lines: add contacts before logging it", no)
}

// refuseLoggedSegmentNo fails when a logged segment has the segment no., as
// Business Central does ("a Logged Segment already exists"): a segment
// re-created with a logged no. is not logged a second time. exists says
// whether the segment is there (else it was most likely logged by an earlier
// try of this call).
//
// It runs after the segment's row lock, which serialises every LogSegment of
// one segment no.; the logged segment is written in the transaction that
// deletes the segment, so whoever gets the lock next finds it. The locking
// read sees the latest committed rows whatever the isolation level. (A unique
// index on logged_segments.segment_no would not do: databases logged before
// this check may hold two logged segments of one no.)
func refuseLoggedSegmentNo(tx *gorm.DB, no string, exists bool) error {
	var logged []LoggedSegment
	if err := tx.Clauses(lockingShare).Select("entry_no").Where("segment_no = ?", no).
		Order("entry_no").Limit(1).Find(&logged).Error; err != nil || len(logged) == 0 {
		return err
	}
	if !exists {
		return newError(ErrPrecondition, ReasonSegmentAlreadyLogged,
			"segment %q was already logged as loggedSegments/%d and no longer exists", no, logged[0].EntryNo)
	}
	return newError(ErrPrecondition, ReasonSegmentAlreadyLogged,
		"segment %q cannot be logged: logged segment loggedSegments/%d already has segment no. %q "+
			"(delete that logged segment or use another segment no.)", no, logged[0].EntryNo, no)
}

// headerOverrides turns a segment header's values into the defaults of its
// lines: a blank or unset header field leaves the template's value. The
// campaign's no., target and response go together.
func headerOverrides(seg Segment) Overrides {
	o := Overrides{
		Description:     &seg.Description,
		InteractionTime: seg.InteractionTime,
		CostMicros:      seg.UnitCostMicros,
		DurationSeconds: seg.UnitDurationSeconds,
		Subject:         nonZero(seg.Subject),
		SalespersonCode: nonZero(seg.SalespersonCode),
		InformationFlow: nonZero(seg.InformationFlow),
		InitiatedBy:     nonZero(seg.InitiatedBy),
	}
	if seg.CampaignNo != "" {
		o.CampaignNo, o.CampaignTarget, o.CampaignResponse = &seg.CampaignNo, &seg.CampaignTarget, &seg.CampaignResponse
	}
	return o
}

// nonZero returns a pointer to v, or nil for the zero value.
func nonZero[T comparable](v T) *T {
	var zero T
	if v == zero {
		return nil
	}
	return &v
}

// segmentLogger carries LogSegment's state from batch to batch.
type segmentLogger struct {
	tx         *gorm.DB
	outbox     *Tx // the transaction of tx, whose changes the entries are appended to
	seg        Segment
	followUpNo string
	now        int64
	user       string
	header     Overrides
	logged     LoggedSegment
	// templates caches the templates met so far (nil: does not exist).
	templates map[string]*TemplateRows
	count     int64
}

// start creates the logged segment and the follow-up segment's header.
func (l *segmentLogger) start() (LoggedSegment, error) {
	if l.followUpNo != "" {
		followUp := Segment{
			No: l.followUpNo, Description: fmt.Sprintf("Follow-up on segment %s", l.seg.No),
			CampaignNo: l.seg.CampaignNo, CampaignTarget: l.seg.CampaignTarget, CampaignResponse: l.seg.CampaignResponse,
			Etag: newEtag(), UserID: l.user, CreateTime: l.now, UpdateTime: l.now,
		}
		if err := alreadyExists(l.tx.Create(&followUp).Error, "follow-up segment %q already exists", l.followUpNo); err != nil {
			return LoggedSegment{}, err
		}
	}
	l.logged = LoggedSegment{SegmentNo: l.seg.No, Description: l.seg.Description, UserID: l.user, CreateTime: l.now}
	return l.logged, l.tx.Create(&l.logged).Error
}

// logLines logs the lines batch by batch, in line no. order, deleting each
// batch of lines once its entries are written.
func (l *segmentLogger) logLines() error {
	lines := make([]SegmentLine, 0, logLineBatch)
	entries := make([]InteractionLogEntry, 0, logLineBatch)
	for after := int64(0); ; {
		lines = lines[:0]
		if err := l.tx.Where("segment_no = ? AND line_no > ?", l.seg.No, after).
			Order("line_no").Limit(logLineBatch).Find(&lines).Error; err != nil {
			return err
		}
		if len(lines) == 0 {
			return nil
		}
		after = lines[len(lines)-1].LineNo
		var err error
		if entries, err = l.buildEntries(lines, entries[:0]); err != nil {
			return err
		}
		if err := insertEntries(l.tx, entries); err != nil {
			return err
		}
		if err := l.outbox.appendChanges(changesOfEntries(ChangeEntryLogged, entries)...); err != nil {
			return err
		}
		if err := l.copyToFollowUp(lines); err != nil {
			return err
		}
		if err := l.deleteLines(lines[0].LineNo, after); err != nil {
			return err
		}
		l.count += int64(len(lines))
	}
}

// deleteLines deletes the segment's lines first..last. The range is bounded
// below too: the lines of earlier batches are gone for this transaction but
// their index records stay (delete-marked) until it ends, and a scan from
// the segment's first line would step over all of them again each batch.
func (l *segmentLogger) deleteLines(first, last int64) error {
	return l.tx.Where("segment_no = ? AND line_no BETWEEN ? AND ?", l.seg.No, first, last).Delete(&SegmentLine{}).Error
}

// buildEntries fetches what a batch of lines needs and builds its entries.
func (l *segmentLogger) buildEntries(lines []SegmentLine, entries []InteractionLogEntry) ([]InteractionLogEntry, error) {
	nos := make([]string, len(lines))
	for i, line := range lines {
		nos[i] = line.ContactNo
	}
	contacts, err := shareContacts(l.tx, nos)
	if err != nil {
		return nil, err
	}
	if err := l.loadTemplates(lines); err != nil {
		return nil, err
	}
	for _, line := range lines {
		e, err := l.buildEntry(line, contacts)
		if err != nil {
			return nil, l.lineError(line, err)
		}
		entries = append(entries, e)
	}
	return entries, nil
}

// buildEntry runs the interaction pipeline for one line.
func (l *segmentLogger) buildEntry(line SegmentLine, contacts map[string]Contact) (InteractionLogEntry, error) {
	code := l.templateCode(line)
	if code == "" {
		return InteractionLogEntry{}, invalidField("interaction_template_code", ReasonInvalidField,
			"no interaction template: set one on the segment or on the line")
	}
	t := l.templates[code]
	if t == nil {
		return InteractionLogEntry{}, newError(ErrNotFound, ReasonTemplateNotFound, "interaction template %q not found", code)
	}
	c, ok := contacts[line.ContactNo]
	if !ok {
		return InteractionLogEntry{}, newError(ErrNotFound, ReasonContactNotFound, "contact %q not found", line.ContactNo)
	}
	e, err := BuildEntry(InteractionInput{
		Contact:               c,
		Template:              *t,
		Overrides:             l.header.Merge(line.Overrides),
		CorrespondenceDefault: l.correspondenceDefault(t.Template),
		LanguageDefault:       l.seg.LanguageCode,
		SegmentNo:             l.seg.No,
		LoggedSegmentEntryNo:  &l.logged.EntryNo,
		UserID:                l.user,
		Now:                   l.now,
	})
	// The values come from the line's overrides (or the header or contact
	// behind them), named as LogInteraction names its overrides.
	return e, PrefixField(err, "overrides.")
}

// templateCode is the line's template, else the header's.
func (l *segmentLogger) templateCode(line SegmentLine) string {
	if line.TemplateCode != nil && *line.TemplateCode != "" {
		return *line.TemplateCode
	}
	return l.seg.TemplateCode
}

// loadTemplates adds the batch's templates that are not cached yet.
func (l *segmentLogger) loadTemplates(lines []SegmentLine) error {
	var missing []string
	for _, line := range lines {
		code := l.templateCode(line)
		if _, cached := l.templates[code]; !cached && code != "" {
			missing = append(missing, code)
			l.templates[code] = nil
		}
	}
	if len(missing) == 0 {
		return nil
	}
	found, err := loadTemplateRows(l.tx, missing)
	for code, t := range found {
		l.templates[code] = &t
	}
	return err
}

// correspondenceDefault applies the header's correspondence type and its
// "ignore contact correspondence type" flag in place of the template's: both
// when the header sets a type, only the flag when it sets just that.
func (l *segmentLogger) correspondenceDefault(t InteractionTemplate) *CorrespondenceDefault {
	switch {
	case l.seg.CorrespondenceType != CorrespondenceTypeNone:
		return &CorrespondenceDefault{Type: l.seg.CorrespondenceType, IgnoreContactPreference: l.seg.IgnoreContactCorrespondenceType}
	case l.seg.IgnoreContactCorrespondenceType:
		return &CorrespondenceDefault{Type: t.CorrespondenceType, IgnoreContactPreference: true}
	}
	return nil
}

// LineError is LogSegment's failure on one segment line. Err is the *Error
// that LogInteraction gives for the line's values (kind, reason and field,
// a field of the line), so that a client handles both alike and learns
// which line.
type LineError struct {
	Line string // "segments/{no}/lines/{line_no}"
	Err  *Error
}

func (e *LineError) Error() string { return e.Line + ": " + e.Err.Error() }

// Unwrap lets errors.Is and errors.As see the line's *Error.
func (e *LineError) Unwrap() error { return e.Err }

// lineError names the line in an error of the pipeline; errors of the
// database rather than of the line pass unchanged.
func (l *segmentLogger) lineError(line SegmentLine, err error) error {
	var se *Error
	if !errors.As(err, &se) {
		return err
	}
	return &LineError{Line: fmt.Sprintf("segments/%s/lines/%d", l.seg.No, line.LineNo), Err: se}
}

// copyToFollowUp adds the batch's contacts to the follow-up segment.
func (l *segmentLogger) copyToFollowUp(lines []SegmentLine) error {
	if l.followUpNo == "" {
		return nil
	}
	copies := make([]SegmentLine, len(lines))
	for i, line := range lines {
		copies[i] = SegmentLine{SegmentNo: l.followUpNo, ContactNo: line.ContactNo, UserID: l.user, CreateTime: l.now, UpdateTime: l.now}
	}
	return insertLines(l.tx, copies)
}

// finish records the number of entries and deletes the segment header.
func (l *segmentLogger) finish() error {
	if err := l.tx.Model(&LoggedSegment{}).Where("entry_no = ?", l.logged.EntryNo).
		Update("interaction_count", l.count).Error; err != nil {
		return err
	}
	return l.tx.Where("no = ?", l.seg.No).Delete(&Segment{}).Error
}
