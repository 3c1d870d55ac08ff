package storetest

import (
	"context"
	"errors"
	"testing"

	"github.com/interlog/interlog/store"
)

var segmentTests = []test{
	{"LogSegmentWritesAnEntryPerLineAndFollowsUp", logSegmentWritesAnEntryPerLineAndFollowsUp},
	{"LogSegmentRefusesWhatCannotBeLogged", logSegmentRefusesWhatCannotBeLogged},
}

func createSegment(t *testing.T, s *store.Store, header store.Segment, lines ...store.SegmentLine) {
	t.Helper()
	mustWrite(t, s, func(tx *store.Tx) (store.SegmentWithCount, error) { return tx.CreateSegment(header) })
	if len(lines) > 0 {
		mustWrite(t, s, func(tx *store.Tx) (int64, error) { return tx.BatchCreateSegmentLines(header.No, lines) })
	}
}

func tryLogSegment(ctx context.Context, s *store.Store, no, followUp string) (store.LogSegmentResult, error) {
	return write(ctx, s, store.Actor{}, func(tx *store.Tx) (store.LogSegmentResult, error) { return tx.LogSegment(no, followUp) })
}

// logSegmentWritesAnEntryPerLineAndFollowsUp: each line becomes an entry, the header's
// values its defaults and the line's overrides winning; the segment goes and the follow-up
// segment has the same contacts.
func logSegmentWritesAnEntryPerLineAndFollowsUp(t *testing.T, s *store.Store) {
	ctx := context.Background()
	seedBasics(t, s)
	createContact(t, s, "C2", store.ContactTypePerson, "")
	createTemplate(t, s, store.InteractionTemplate{Code: "TL", GroupCode: "G"})
	createSegment(t, s, store.Segment{No: "S", Description: "Mailing", TemplateCode: "T", CampaignNo: "K", Subject: "header"},
		store.SegmentLine{ContactNo: "C1"},
		store.SegmentLine{ContactNo: "C2", TemplateCode: ptrTo("TL"), Overrides: store.Overrides{Subject: ptrTo("line")}})

	logged, err := tryLogSegment(ctx, s, "S", "F")
	if err != nil {
		t.Fatal(err)
	}
	if ls := logged.LoggedSegment; ls.SegmentNo != "S" || ls.Description != "Mailing" || ls.InteractionCount != 2 || ls.Canceled {
		t.Fatalf("logged segment %+v", ls)
	}
	entries := entriesOf(t, s, logged.LoggedSegment.EntryNo)
	if len(entries) != 2 {
		t.Fatalf("%d entries, want one per line", len(entries))
	}
	want := map[string][2]string{"C1": {"T", "header"}, "C2": {"TL", "line"}} // template, subject
	for _, e := range entries {
		if w := want[e.ContactNo]; e.TemplateCode != w[0] || e.Subject != w[1] || e.SegmentNo != "S" || e.CampaignNo != "K" {
			t.Errorf("entry of %s: template %q subject %q segment %q campaign %q; want %v of segment S, campaign K",
				e.ContactNo, e.TemplateCode, e.Subject, e.SegmentNo, e.CampaignNo, w)
		}
	}
	if _, err := s.GetSegment(ctx, "S"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("the logged segment S is still there: %v", err)
	}
	if logged.FollowUp == nil || logged.FollowUp.No != "F" {
		t.Fatalf("follow-up %+v, want segment F", logged.FollowUp)
	}
	lines, _, err := s.ListSegmentLines(ctx, "F", store.Page{Limit: 10})
	if err != nil || len(lines) != 2 || lines[0].ContactNo != "C1" || lines[1].ContactNo != "C2" {
		t.Fatalf("the follow-up's lines: %+v, %v; want C1 and C2", lines, err)
	}
}

// logSegmentRefusesWhatCannotBeLogged: a segment without description or lines, one whose
// no. was logged already, and one with a line that fails are refused, nothing logged.
func logSegmentRefusesWhatCannotBeLogged(t *testing.T, s *store.Store) {
	ctx := context.Background()
	seedBasics(t, s)
	createSegment(t, s, store.Segment{No: "NODESC", TemplateCode: "T"}, store.SegmentLine{ContactNo: "C1"})
	_, err := tryLogSegment(ctx, s, "NODESC", "")
	wantReason(t, err, store.ErrPrecondition, store.ReasonSegmentNoDescription)
	createSegment(t, s, store.Segment{No: "EMPTY", Description: "d", TemplateCode: "T"})
	_, err = tryLogSegment(ctx, s, "EMPTY", "")
	wantReason(t, err, store.ErrPrecondition, store.ReasonSegmentNoLines)

	// A line's template must exist when the line is written; it fails when it was deleted since.
	createTemplate(t, s, store.InteractionTemplate{Code: "GONE", GroupCode: "G"})
	createSegment(t, s, store.Segment{No: "BADLINE", Description: "d", TemplateCode: "T"},
		store.SegmentLine{ContactNo: "C1"}, store.SegmentLine{ContactNo: "C1", TemplateCode: ptrTo("GONE")})
	mustWrite(t, s, func(tx *store.Tx) (struct{}, error) { return struct{}{}, tx.DeleteTemplate("GONE", "") })
	_, err = tryLogSegment(ctx, s, "BADLINE", "")
	var lineErr *store.LineError
	if !errors.As(err, &lineErr) || lineErr.Err.Reason != store.ReasonTemplateNotFound {
		t.Fatalf("a line with a missing template: %v, want a LineError with TEMPLATE_NOT_FOUND", err)
	}
	if _, err := s.GetSegment(ctx, "BADLINE"); err != nil {
		t.Fatalf("a refused segment was deleted: %v", err)
	}
	if n := len(listEntries(t, s, store.EntryFilter{})); n != 0 {
		t.Fatalf("refused segments logged %d entries", n)
	}

	logSegment(t, s, store.Segment{No: "ONCE"}, 1)
	createSegment(t, s, store.Segment{No: "ONCE", Description: "d", TemplateCode: "T"}, store.SegmentLine{ContactNo: "C1"})
	_, err = tryLogSegment(ctx, s, "ONCE", "")
	wantReason(t, err, store.ErrPrecondition, store.ReasonSegmentAlreadyLogged)
}
