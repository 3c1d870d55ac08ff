package store

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"gorm.io/gorm"
)

// MaxSegmentLinesPerBatch bounds BatchCreateSegmentLines (SPEC §2.6).
const MaxSegmentLinesPerBatch = 10_000

// lineInsertBatch is how many lines one multi-row INSERT writes on MySQL;
// insertLines makes it fit SQLite.
const lineInsertBatch = 1000

// insertLines writes lines with multi-row INSERTs, filling their line no.
// The line nos. are cleared first: lines of a retried transaction carry
// those of its failed attempt, which SQLite may have given out again.
func insertLines(tx *gorm.DB, lines []SegmentLine) error {
	const columns = 7 // all but line_no
	for i := range lines {
		lines[i].LineNo = 0
	}
	return tx.CreateInBatches(lines, insertBatch(tx, columns, lineInsertBatch)).Error
}

// CreateSegmentLine adds a line to a segment.
func (tx *Tx) CreateSegmentLine(line SegmentLine) (SegmentLine, error) {
	lines := []SegmentLine{line}
	_, err := tx.addLines(line.SegmentNo, lines)
	return lines[0], err
}

// BatchCreateSegmentLines adds up to MaxSegmentLinesPerBatch lines to a
// segment, all or nothing, and returns the line no. of the first; the others
// follow in order (increasing, not necessarily consecutive).
func (tx *Tx) BatchCreateSegmentLines(segmentNo string, lines []SegmentLine) (int64, error) {
	if len(lines) > MaxSegmentLinesPerBatch {
		return 0, newError(ErrLimit, ReasonLimitExceeded, "at most %d lines per call, got %d", MaxSegmentLinesPerBatch, len(lines))
	}
	return tx.addLines(segmentNo, lines)
}

// addLines inserts lines (filling in their line no. and stamps) with
// multi-row INSERTs. The contacts' foreign key does the checking; only when
// it fails are the contacts looked up, to name the line at fault.
func (tx *Tx) addLines(segmentNo string, lines []SegmentLine) (int64, error) {
	now, user := nowMicros(), tx.user()
	for i := range lines {
		lines[i].SegmentNo, lines[i].UserID, lines[i].CreateTime, lines[i].UpdateTime = segmentNo, user, now, now
	}
	err := tx.run(func(db *gorm.DB) error {
		var seg Segment
		if err := shareRow(db, &seg, "no = ?", segmentNo); err != nil {
			return segmentNotFound(err, segmentNo)
		}
		if err := requireLineTemplates(db, lines); err != nil {
			return err
		}
		err := insertLines(db, lines)
		if errors.Is(classify(err), ErrPrecondition) {
			return missingLineContact(db, lines, err)
		}
		return err
	})
	if err != nil || len(lines) == 0 {
		return 0, err
	}
	return lines[0].LineNo, nil
}

// requireLineTemplates checks the lines' template overrides in one query.
func requireLineTemplates(tx *gorm.DB, lines []SegmentLine) error {
	var codes []string
	for _, l := range lines {
		if l.TemplateCode != nil && *l.TemplateCode != "" && !slices.Contains(codes, *l.TemplateCode) {
			codes = append(codes, *l.TemplateCode)
		}
	}
	if len(codes) == 0 {
		return nil
	}
	var found []string
	if err := tx.Model(&InteractionTemplate{}).Where("code IN ?", codes).Pluck("code", &found).Error; err != nil {
		return err
	}
	for i, l := range lines {
		if l.TemplateCode != nil && *l.TemplateCode != "" && !slices.Contains(found, *l.TemplateCode) {
			return newError(ErrNotFound, ReasonTemplateNotFound, "%sinteraction template %q not found", lineLabel(i, len(lines)), *l.TemplateCode)
		}
	}
	return nil
}

// missingLineContact names the first line whose contact does not exist, after
// a foreign key refused an insert or update of lines; insertErr is returned
// when every contact exists (the segment itself went away).
func missingLineContact(tx *gorm.DB, lines []SegmentLine, insertErr error) error {
	existing := map[string]bool{}
	for start := 0; start < len(lines); start += lineInsertBatch {
		var nos []string
		for _, l := range lines[start:min(start+lineInsertBatch, len(lines))] {
			nos = append(nos, l.ContactNo)
		}
		var found []string
		if err := tx.Model(&Contact{}).Where("no IN ?", nos).Pluck("no", &found).Error; err != nil {
			return err
		}
		for _, no := range found {
			existing[no] = true
		}
	}
	for i, l := range lines {
		if !existing[l.ContactNo] {
			return newError(ErrNotFound, ReasonContactNotFound, "%scontact %q not found", lineLabel(i, len(lines)), l.ContactNo)
		}
	}
	return insertErr
}

// lineLabel prefixes a message about the i-th of n lines of a request.
func lineLabel(i, n int) string {
	if n == 1 {
		return ""
	}
	return fmt.Sprintf("line %d of %d: ", i+1, n)
}

// GetSegmentLine reads one line of a segment.
func (s *Store) GetSegmentLine(ctx context.Context, segmentNo string, lineNo int64) (SegmentLine, error) {
	var l SegmentLine
	err := s.read(ctx).Where("segment_no = ? AND line_no = ?", segmentNo, lineNo).Take(&l).Error
	return l, lineNotFound(err, segmentNo, lineNo)
}

// ListSegmentLines returns a segment's lines in line no. order after
// page.AfterNumber.
func (s *Store) ListSegmentLines(ctx context.Context, segmentNo string, page Page) ([]SegmentLine, bool, error) {
	if found, err := exists(s.read(ctx), &Segment{}, "no = ?", segmentNo); err != nil || !found {
		return nil, false, segmentNotFound(orNotFound(err), segmentNo)
	}
	var rows []SegmentLine
	q := s.read(ctx).Where("segment_no = ?", segmentNo).Order("line_no").Limit(page.Limit + 1)
	if page.HasAfter {
		q = q.Where("line_no > ?", page.AfterNumber)
	}
	if err := q.Find(&rows).Error; err != nil {
		return nil, false, classify(err)
	}
	rows, more := trimPage(rows, page.Limit)
	return rows, more, nil
}

// EditOverrides computes a line's new overrides from its current ones.
type EditOverrides func(current Overrides) (Overrides, error)

// UpdateSegmentLine writes the named fields (contact_no, interaction_template_code,
// overrides) of a line, checking the references that change. With edit,
// the overrides written are edit's result from the line's current ones,
// read under the row lock, instead of line.Overrides.
func (tx *Tx) UpdateSegmentLine(line SegmentLine, fields []Field, edit EditOverrides) (SegmentLine, error) {
	columns, err := SegmentLineUpdatable.columnsOf("a segment line", fields)
	if err != nil {
		return SegmentLine{}, err
	}
	var out SegmentLine
	err = tx.run(func(db *gorm.DB) error {
		where := "segment_no = ? AND line_no = ?"
		if err := lockRow(db, &out, where, line.SegmentNo, line.LineNo); err != nil {
			return lineNotFound(err, line.SegmentNo, line.LineNo)
		}
		if edit != nil {
			var err error
			if line.Overrides, err = edit(out.Overrides); err != nil {
				return err
			}
		}
		if slices.Contains(columns, "template_code") {
			if err := requireLineTemplates(db, []SegmentLine{line}); err != nil {
				return err
			}
		}
		line.UserID, line.UpdateTime = tx.user(), nowMicros()
		cols := append(append([]string{}, columns...), "user_id", "update_time")
		err := db.Model(&SegmentLine{}).Where(where, line.SegmentNo, line.LineNo).Select(cols).Updates(&line).Error
		if errors.Is(classify(err), ErrPrecondition) {
			return missingLineContact(db, []SegmentLine{line}, err)
		}
		if err != nil {
			return err
		}
		return db.Where(where, line.SegmentNo, line.LineNo).Take(&out).Error
	})
	return out, err
}

// DeleteSegmentLine deletes one line of a segment.
func (tx *Tx) DeleteSegmentLine(segmentNo string, lineNo int64) error {
	return tx.run(func(db *gorm.DB) error {
		res := db.Where("segment_no = ? AND line_no = ?", segmentNo, lineNo).Delete(&SegmentLine{})
		if res.Error == nil && res.RowsAffected == 0 {
			return lineNotFound(gorm.ErrRecordNotFound, segmentNo, lineNo)
		}
		return res.Error
	})
}

func lineNotFound(err error, segmentNo string, lineNo int64) error {
	return notFoundAs(err, "line %d of segment %q", lineNo, segmentNo)
}

// orNotFound turns "no error" into gorm.ErrRecordNotFound, for existence
// checks that found nothing.
func orNotFound(err error) error {
	if err == nil {
		return gorm.ErrRecordNotFound
	}
	return err
}
