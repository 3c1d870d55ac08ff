package store

import (
	"context"
	"slices"

	"gorm.io/gorm"
)

// SegmentWithCount is a segment and its number of lines.
type SegmentWithCount struct {
	Segment
	LineCount int64
}

// CreateSegment inserts a segment header. Its template, when set, must exist.
func (tx *Tx) CreateSegment(seg Segment) (SegmentWithCount, error) {
	stampNew(tx.user(), &seg.Etag, &seg.UserID, &seg.CreateTime, &seg.UpdateTime)
	err := tx.run(func(db *gorm.DB) error {
		if err := requireTemplateCode(db, seg.TemplateCode, "segment "+quote(seg.No)); err != nil {
			return err
		}
		return alreadyExists(db.Create(&seg).Error, "segment %q already exists", seg.No)
	})
	return SegmentWithCount{Segment: seg}, err
}

// GetSegment reads one segment with its line count.
func (s *Store) GetSegment(ctx context.Context, no string) (SegmentWithCount, error) {
	return getSegment(s.read(ctx), no)
}

func getSegment(tx *gorm.DB, no string) (SegmentWithCount, error) {
	var seg Segment
	if err := tx.Where("no = ?", no).Take(&seg).Error; err != nil {
		return SegmentWithCount{}, segmentNotFound(err, no)
	}
	counts, err := lineCounts(tx, []string{no})
	return SegmentWithCount{Segment: seg, LineCount: counts[no]}, classify(err)
}

// ListSegments returns segments in no. order after page.AfterCode.
func (s *Store) ListSegments(ctx context.Context, page Page) ([]SegmentWithCount, bool, error) {
	var rows []Segment
	q := s.read(ctx).Order("no").Limit(page.Limit + 1)
	if page.HasAfter {
		q = q.Where("no > ?", page.AfterCode)
	}
	if err := q.Find(&rows).Error; err != nil {
		return nil, false, classify(err)
	}
	rows, more := trimPage(rows, page.Limit)
	nos := make([]string, len(rows))
	for i, r := range rows {
		nos[i] = r.No
	}
	counts, err := lineCounts(s.read(ctx), nos)
	if err != nil {
		return nil, false, classify(err)
	}
	out := make([]SegmentWithCount, len(rows))
	for i, r := range rows {
		out[i] = SegmentWithCount{Segment: r, LineCount: counts[r.No]}
	}
	return out, more, nil
}

// lineCounts counts the lines of each given segment in one query.
func lineCounts(tx *gorm.DB, nos []string) (map[string]int64, error) {
	counts := map[string]int64{}
	if len(nos) == 0 {
		return counts, nil
	}
	var rows []struct {
		SegmentNo string
		N         int64
	}
	err := tx.Model(&SegmentLine{}).Select("segment_no, COUNT(*) AS n").
		Where("segment_no IN ?", nos).Group("segment_no").Find(&rows).Error
	for _, r := range rows {
		counts[r.SegmentNo] = r.N
	}
	return counts, err
}

// UpdateSegment writes the named fields of seg (by no.) when etag matches.
func (tx *Tx) UpdateSegment(seg Segment, etag string, fields []Field) (SegmentWithCount, error) {
	columns, err := SegmentUpdatable.columnsOf("a segment", fields)
	if err != nil {
		return SegmentWithCount{}, err
	}
	var out SegmentWithCount
	err = tx.run(func(db *gorm.DB) error {
		if _, err := lockSegment(db, seg.No, etag); err != nil {
			return err
		}
		if slices.Contains(columns, "template_code") {
			if err := requireTemplateCode(db, seg.TemplateCode, "segment "+quote(seg.No)); err != nil {
				return err
			}
		}
		stampUpdate(tx.user(), &seg.Etag, &seg.UserID, &seg.UpdateTime)
		if err := db.Model(&Segment{}).Where("no = ?", seg.No).
			Select(withStamps(columns)).Updates(&seg).Error; err != nil {
			return err
		}
		var err error
		out, err = getSegment(db, seg.No)
		return err
	})
	return out, err
}

// DeleteSegment deletes a segment and its lines.
func (tx *Tx) DeleteSegment(no, etag string) error {
	return tx.run(func(db *gorm.DB) error {
		if _, err := lockSegment(db, no, etag); err != nil {
			return err
		}
		if err := db.Where("segment_no = ?", no).Delete(&SegmentLine{}).Error; err != nil {
			return err
		}
		return db.Where("no = ?", no).Delete(&Segment{}).Error
	})
}

// lockSegment reads a segment for update and checks the caller's etag (when
// given). Holding the lock keeps lines from being added to a segment that
// is being logged or deleted: their foreign key waits for it.
func lockSegment(tx *gorm.DB, no, etag string) (Segment, error) {
	var seg Segment
	if err := lockRow(tx, &seg, "no = ?", no); err != nil {
		return seg, segmentNotFound(err, no)
	}
	return seg, checkEtag(etag, seg.Etag, "segment "+quote(no))
}

func segmentNotFound(err error, no string) error {
	return notFoundAs(err, "segment %q", no)
}

// requireTemplateCode fails with NOT_FOUND unless a (non-blank) template code
// names an existing template; owner says who refers to it in the message.
func requireTemplateCode(tx *gorm.DB, code, owner string) error {
	if code == "" {
		return nil
	}
	found, err := exists(tx, &InteractionTemplate{}, "code = ?", code)
	if err != nil || found {
		return err
	}
	return newError(ErrNotFound, ReasonTemplateNotFound, "%s: interaction template %q not found", owner, code)
}
