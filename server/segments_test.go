package server_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/fieldmaskpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	apiv1 "github.com/interlog/interlog/gen/interlog/v1"
	ts "github.com/interlog/interlog/internal/testserver"
)

func TestSegmentLifecycle(t *testing.T) {
	ts.ForEachEngine(t, func(t *testing.T, env *ts.Env) {
		ctx := context.Background()
		createGroup(t, env, "G")
		createTemplate(t, env, "MAIL", "G")
		createTemplate(t, env, "CALL", "G")
		when := time.Date(2026, 3, 1, 9, 30, 0, 0, time.UTC)
		resp, err := env.Segments.CreateSegment(ctx, &apiv1.CreateSegmentRequest{Segment: &apiv1.Segment{
			No: " spring/26 ", Description: "Spring mailing", InteractionTemplateCode: "mail",
			CampaignNo: "camp", CampaignTarget: true, SalespersonCode: "jo",
			InteractionTime:    timestamppb.New(when),
			CorrespondenceType: apiv1.CorrespondenceType_CORRESPONDENCE_TYPE_HARD_COPY,
			InformationFlow:    apiv1.InformationFlow_INFORMATION_FLOW_OUTBOUND,
			InitiatedBy:        apiv1.InitiatedBy_INITIATED_BY_US,
			UnitCost:           "0.50", UnitDuration: durationpb.New(60 * time.Second),
			LanguageCode: "en", Subject: "Spring offer",
		}})
		ts.NoErr(t, err)
		seg := resp.GetSegment()
		if seg.GetName() != "segments/SPRING%2F26" || seg.GetNo() != "SPRING/26" || seg.GetInteractionTemplateCode() != "MAIL" ||
			seg.GetCampaignNo() != "CAMP" || seg.GetSalespersonCode() != "JO" || seg.GetLanguageCode() != "EN" ||
			seg.GetUnitCost() != "0.5" || seg.GetUnitDuration().AsDuration() != time.Minute ||
			!seg.GetInteractionTime().AsTime().Equal(when) || seg.GetLineCount() != 0 || seg.GetEtag() == "" {
			t.Fatalf("created %v", seg)
		}

		_, err = env.Segments.CreateSegment(ctx, &apiv1.CreateSegmentRequest{Segment: &apiv1.Segment{No: "Spring/26"}})
		ts.WantCode(t, err, codes.AlreadyExists, "ALREADY_EXISTS")
		_, err = env.Segments.CreateSegment(ctx, &apiv1.CreateSegmentRequest{Segment: &apiv1.Segment{No: "S2", InteractionTemplateCode: "NOPE"}})
		ts.WantCode(t, err, codes.NotFound, "TEMPLATE_NOT_FOUND")

		got, err := env.Segments.GetSegment(ctx, &apiv1.GetSegmentRequest{Name: "segments/spring%2f26"})
		ts.NoErr(t, err)
		if got.GetSegment().GetDescription() != "Spring mailing" {
			t.Fatalf("get: %v", got.GetSegment())
		}

		// Change the template, clear the cost (back to the template's) and the time.
		upd, err := env.Segments.UpdateSegment(ctx, &apiv1.UpdateSegmentRequest{
			Segment:    &apiv1.Segment{Name: seg.GetName(), InteractionTemplateCode: "call", Etag: seg.GetEtag()},
			UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"interaction_template_code", "unit_cost", "interaction_time"}},
		})
		ts.NoErr(t, err)
		u := upd.GetSegment()
		if u.GetInteractionTemplateCode() != "CALL" || u.GetUnitCost() != "" || u.GetInteractionTime() != nil ||
			u.GetDescription() != "Spring mailing" || u.GetUnitDuration().AsDuration() != time.Minute || u.GetEtag() == seg.GetEtag() {
			t.Fatalf("updated %v: want template changed, cost and time cleared, the rest kept", u)
		}
		_, err = env.Segments.UpdateSegment(ctx, &apiv1.UpdateSegmentRequest{
			Segment:    &apiv1.Segment{Name: seg.GetName(), Description: "stale", Etag: seg.GetEtag()},
			UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"description"}},
		})
		ts.WantCode(t, err, codes.Aborted, "ETAG_MISMATCH")
		_, err = env.Segments.UpdateSegment(ctx, &apiv1.UpdateSegmentRequest{
			Segment:    &apiv1.Segment{Name: seg.GetName(), InteractionTemplateCode: "NOPE"},
			UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"interaction_template_code"}},
		})
		ts.WantCode(t, err, codes.NotFound, "TEMPLATE_NOT_FOUND")
		for _, path := range []string{"no", "line_count", "etag"} {
			_, err = env.Segments.UpdateSegment(ctx, &apiv1.UpdateSegmentRequest{
				Segment:    &apiv1.Segment{Name: seg.GetName()},
				UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{path}},
			})
			ts.WantInvalid(t, err, "update_mask")
		}

		_, err = env.Segments.DeleteSegment(ctx, &apiv1.DeleteSegmentRequest{Name: seg.GetName(), Etag: seg.GetEtag()})
		ts.WantCode(t, err, codes.Aborted, "ETAG_MISMATCH")
		_, err = env.Segments.DeleteSegment(ctx, &apiv1.DeleteSegmentRequest{Name: seg.GetName(), Etag: u.GetEtag()})
		ts.NoErr(t, err)
		_, err = env.Segments.GetSegment(ctx, &apiv1.GetSegmentRequest{Name: seg.GetName()})
		ts.WantCode(t, err, codes.NotFound, "NOT_FOUND")
		_, err = env.Segments.DeleteSegment(ctx, &apiv1.DeleteSegmentRequest{Name: seg.GetName()})
		ts.WantCode(t, err, codes.NotFound, "NOT_FOUND")
		_, err = env.Segments.UpdateSegment(ctx, &apiv1.UpdateSegmentRequest{Segment: &apiv1.Segment{Name: seg.GetName()}})
		ts.WantCode(t, err, codes.NotFound, "NOT_FOUND")
	})
}

func TestSegmentInvalidInput(t *testing.T) {
	ts.ForEachEngine(t, func(t *testing.T, env *ts.Env) {
		ctx := context.Background()
		cases := []struct {
			name  string
			seg   *apiv1.Segment
			field string
		}{
			{"missing no", &apiv1.Segment{}, "segment.no"},
			{"no too long", &apiv1.Segment{No: "ABCDEFGHIJKLMNOPQRSTU"}, "segment.no"},
			{"bad template code", &apiv1.Segment{No: "S", InteractionTemplateCode: "A;B"}, "segment.interaction_template_code"},
			{"template code too long", &apiv1.Segment{No: "S", InteractionTemplateCode: "ABCDEFGHIJK"}, "segment.interaction_template_code"},
			{"bad campaign", &apiv1.Segment{No: "S", CampaignNo: "*"}, "segment.campaign_no"},
			{"bad salesperson", &apiv1.Segment{No: "S", SalespersonCode: "a\tb"}, "segment.salesperson_code"},
			{"bad language", &apiv1.Segment{No: "S", LanguageCode: "e n!"}, "segment.language_code"},
			{"description too long", &apiv1.Segment{No: "S", Description: string(make([]rune, 101))}, "segment.description"},
			{"subject with control character", &apiv1.Segment{No: "S", Subject: "x\x00"}, "segment.subject"},
			{"negative cost", &apiv1.Segment{No: "S", UnitCost: "-1"}, "segment.unit_cost"},
			{"cost too precise", &apiv1.Segment{No: "S", UnitCost: "1.0000001"}, "segment.unit_cost"},
			{"fractional duration", &apiv1.Segment{No: "S", UnitDuration: durationpb.New(1500 * time.Millisecond)}, "segment.unit_duration"},
			{"unknown correspondence type", &apiv1.Segment{No: "S", CorrespondenceType: 99}, "segment.correspondence_type"},
			{"unknown information flow", &apiv1.Segment{No: "S", InformationFlow: 7}, "segment.information_flow"},
			{"unknown initiated by", &apiv1.Segment{No: "S", InitiatedBy: -1}, "segment.initiated_by"},
			{"invalid time", &apiv1.Segment{No: "S", InteractionTime: &timestamppb.Timestamp{Seconds: -99999999999}}, "segment.interaction_time"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				_, err := env.Segments.CreateSegment(ctx, &apiv1.CreateSegmentRequest{Segment: c.seg})
				ts.WantInvalid(t, err, c.field)
			})
		}
		_, err := env.Segments.CreateSegment(ctx, &apiv1.CreateSegmentRequest{})
		ts.WantInvalid(t, err, "segment")
		for _, name := range []string{"segments/", "segment/S", "segments/S/lines", "segments/%zz"} {
			_, err := env.Segments.GetSegment(ctx, &apiv1.GetSegmentRequest{Name: name})
			ts.WantInvalid(t, err, "name")
		}
	})
}

func TestSegmentListPages(t *testing.T) {
	ts.ForEachEngine(t, func(t *testing.T, env *ts.Env) {
		ctx := context.Background()
		for _, no := range []string{"E", "B", "D", "A", "C"} {
			createSegment(t, env, no, "")
		}
		var got []string
		token := ""
		for {
			resp, err := env.Segments.ListSegments(ctx, &apiv1.ListSegmentsRequest{PageSize: 2, PageToken: token})
			ts.NoErr(t, err)
			for _, s := range resp.GetSegments() {
				got = append(got, s.GetNo())
			}
			if token = resp.GetNextPageToken(); token == "" {
				break
			}
		}
		if join(got) != "ABCDE" {
			t.Fatalf("pages gave %v, want A..E", got)
		}
		_, err := env.Segments.ListSegments(ctx, &apiv1.ListSegmentsRequest{PageToken: "garbage"})
		ts.WantInvalid(t, err, "page_token")
	})
}

func TestSegmentLineLifecycle(t *testing.T) {
	ts.ForEachEngine(t, func(t *testing.T, env *ts.Env) {
		ctx := context.Background()
		createGroup(t, env, "G")
		createTemplate(t, env, "MAIL", "G")
		seg := createSegment(t, env, "S1", "")
		createSegment(t, env, "S2", "")
		contactNos(t, env, "C", 3)

		resp, err := env.Segments.CreateSegmentLine(ctx, &apiv1.CreateSegmentLineRequest{
			Parent: "segments/s1",
			SegmentLine: &apiv1.SegmentLine{
				ContactNo: " c1 ", InteractionTemplateCode: new("mail"),
				Overrides: &apiv1.InteractionOverrides{
					Description: new("Personal note"), Cost: new("2.50"), CampaignNo: new(" camp "),
					Evaluation: new(apiv1.Evaluation_EVALUATION_POSITIVE), Duration: durationpb.New(30 * time.Second),
					TimeZone: new("Europe/Copenhagen"), AttemptFailed: new(false),
				},
			},
		})
		ts.NoErr(t, err)
		line := resp.GetSegmentLine()
		ov := line.GetOverrides()
		if line.GetContactNo() != "C1" || line.GetInteractionTemplateCode() != "MAIL" || line.GetLineNo() <= 0 ||
			line.GetName() != fmt.Sprintf("segments/S1/lines/%d", line.GetLineNo()) ||
			ov.GetDescription() != "Personal note" || ov.GetCost() != "2.5" || ov.GetCampaignNo() != "CAMP" ||
			ov.GetEvaluation() != apiv1.Evaluation_EVALUATION_POSITIVE || ov.GetDuration().AsDuration() != 30*time.Second ||
			ov.GetTimeZone() != "Europe/Copenhagen" || ov.AttemptFailed == nil || ov.Subject != nil || ov.InformationFlow != nil {
			t.Fatalf("created %v", line)
		}
		got, err := env.Segments.GetSegmentLine(ctx, &apiv1.GetSegmentLineRequest{Name: line.GetName()})
		ts.NoErr(t, err)
		if got.GetSegmentLine().GetOverrides().GetCost() != "2.5" {
			t.Fatalf("get: %v", got.GetSegmentLine())
		}
		// The line belongs to S1 only.
		_, err = env.Segments.GetSegmentLine(ctx, &apiv1.GetSegmentLineRequest{Name: fmt.Sprintf("segments/S2/lines/%d", line.GetLineNo())})
		ts.WantCode(t, err, codes.NotFound, "NOT_FOUND")

		// Move the line to another contact, drop the template override, replace the overrides.
		upd, err := env.Segments.UpdateSegmentLine(ctx, &apiv1.UpdateSegmentLineRequest{
			SegmentLine: &apiv1.SegmentLine{Name: line.GetName(), ContactNo: "c2", InteractionTemplateCode: new(""),
				Overrides: &apiv1.InteractionOverrides{Subject: new("Hello")}},
			UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"contact_no", "interaction_template_code", "overrides"}},
		})
		ts.NoErr(t, err)
		u := upd.GetSegmentLine()
		if u.GetContactNo() != "C2" || u.InteractionTemplateCode != nil || u.GetOverrides().GetSubject() != "Hello" || u.GetOverrides().Cost != nil {
			t.Fatalf("updated %v", u)
		}
		_, err = env.Segments.UpdateSegmentLine(ctx, &apiv1.UpdateSegmentLineRequest{
			SegmentLine: &apiv1.SegmentLine{Name: line.GetName(), ContactNo: "NOBODY"},
			UpdateMask:  &fieldmaskpb.FieldMask{Paths: []string{"contact_no"}},
		})
		ts.WantCode(t, err, codes.NotFound, "CONTACT_NOT_FOUND")
		_, err = env.Segments.UpdateSegmentLine(ctx, &apiv1.UpdateSegmentLineRequest{
			SegmentLine: &apiv1.SegmentLine{Name: line.GetName(), InteractionTemplateCode: new("NOPE")},
			UpdateMask:  &fieldmaskpb.FieldMask{Paths: []string{"interaction_template_code"}},
		})
		ts.WantCode(t, err, codes.NotFound, "TEMPLATE_NOT_FOUND")
		_, err = env.Segments.UpdateSegmentLine(ctx, &apiv1.UpdateSegmentLineRequest{
			SegmentLine: &apiv1.SegmentLine{Name: line.GetName()},
			UpdateMask:  &fieldmaskpb.FieldMask{Paths: []string{"line_no"}},
		})
		ts.WantInvalid(t, err, "update_mask")

		_, err = env.Segments.CreateSegmentLine(ctx, &apiv1.CreateSegmentLineRequest{Parent: "segments/S1", SegmentLine: &apiv1.SegmentLine{ContactNo: "NOBODY"}})
		ts.WantCode(t, err, codes.NotFound, "CONTACT_NOT_FOUND")
		_, err = env.Segments.CreateSegmentLine(ctx, &apiv1.CreateSegmentLineRequest{Parent: "segments/S1", SegmentLine: &apiv1.SegmentLine{ContactNo: "C3", InteractionTemplateCode: new("NOPE")}})
		ts.WantCode(t, err, codes.NotFound, "TEMPLATE_NOT_FOUND")
		_, err = env.Segments.CreateSegmentLine(ctx, &apiv1.CreateSegmentLineRequest{Parent: "segments/NOPE", SegmentLine: &apiv1.SegmentLine{ContactNo: "C3"}})
		ts.WantCode(t, err, codes.NotFound, "NOT_FOUND")
		_, err = env.Segments.ListSegmentLines(ctx, &apiv1.ListSegmentLinesRequest{Parent: "segments/NOPE"})
		ts.WantCode(t, err, codes.NotFound, "NOT_FOUND")

		g, err := env.Segments.GetSegment(ctx, &apiv1.GetSegmentRequest{Name: seg.GetName()})
		ts.NoErr(t, err)
		if g.GetSegment().GetLineCount() != 1 || g.GetSegment().GetEtag() != seg.GetEtag() {
			t.Fatalf("segment after adding a line: %v; want line_count 1 and the header's etag unchanged", g.GetSegment())
		}
		_, err = env.Segments.DeleteSegmentLine(ctx, &apiv1.DeleteSegmentLineRequest{Name: line.GetName()})
		ts.NoErr(t, err)
		_, err = env.Segments.DeleteSegmentLine(ctx, &apiv1.DeleteSegmentLineRequest{Name: line.GetName()})
		ts.WantCode(t, err, codes.NotFound, "NOT_FOUND")
	})
}

func TestSegmentLineInvalidInput(t *testing.T) {
	ts.ForEachEngine(t, func(t *testing.T, env *ts.Env) {
		ctx := context.Background()
		createSegment(t, env, "S1", "")
		cases := []struct {
			name  string
			line  *apiv1.SegmentLine
			field string
		}{
			{"missing contact", &apiv1.SegmentLine{}, "segment_line.contact_no"},
			{"bad contact", &apiv1.SegmentLine{ContactNo: "C;1"}, "segment_line.contact_no"},
			{"bad template", &apiv1.SegmentLine{ContactNo: "C1", InteractionTemplateCode: new("ABCDEFGHIJK")}, "segment_line.interaction_template_code"},
			{"bad cost", &apiv1.SegmentLine{ContactNo: "C1", Overrides: &apiv1.InteractionOverrides{Cost: new("1,5")}}, "segment_line.overrides.cost"},
			{"unknown time zone", &apiv1.SegmentLine{ContactNo: "C1", Overrides: &apiv1.InteractionOverrides{TimeZone: new("Mars/Olympus")}}, "segment_line.overrides.time_zone"},
			{"unknown evaluation", &apiv1.SegmentLine{ContactNo: "C1", Overrides: &apiv1.InteractionOverrides{Evaluation: new(apiv1.Evaluation(42))}}, "segment_line.overrides.evaluation"},
			{"bad salesperson", &apiv1.SegmentLine{ContactNo: "C1", Overrides: &apiv1.InteractionOverrides{SalespersonCode: new("S P!")}}, "segment_line.overrides.salesperson_code"},
			{"long contact via", &apiv1.SegmentLine{ContactNo: "C1", Overrides: &apiv1.InteractionOverrides{ContactVia: new(string(make([]rune, 81)))}}, "segment_line.overrides.contact_via"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				_, err := env.Segments.CreateSegmentLine(ctx, &apiv1.CreateSegmentLineRequest{Parent: "segments/S1", SegmentLine: c.line})
				ts.WantInvalid(t, err, c.field)
			})
		}
		for _, name := range []string{"segments/S1/lines/0", "segments/S1/lines/x", "segments/S1/line/1", "segments/S1"} {
			_, err := env.Segments.GetSegmentLine(ctx, &apiv1.GetSegmentLineRequest{Name: name})
			ts.WantInvalid(t, err, "name")
		}
		_, err := env.Segments.BatchCreateSegmentLines(ctx, &apiv1.BatchCreateSegmentLinesRequest{Parent: "segments/S1"})
		ts.WantInvalid(t, err, "segment_lines")
		_, err = env.Segments.BatchCreateSegmentLines(ctx, &apiv1.BatchCreateSegmentLinesRequest{
			Parent: "segments/S1", SegmentLines: []*apiv1.SegmentLine{{ContactNo: "C1"}, {ContactNo: " "}},
		})
		ts.WantInvalid(t, err, "segment_lines[1].contact_no")
		tooMany := make([]*apiv1.SegmentLine, 10_001)
		for i := range tooMany {
			tooMany[i] = &apiv1.SegmentLine{ContactNo: "C1"}
		}
		_, err = env.Segments.BatchCreateSegmentLines(ctx, &apiv1.BatchCreateSegmentLinesRequest{Parent: "segments/S1", SegmentLines: tooMany})
		ts.WantInvalid(t, err, "segment_lines")
	})
}

func TestBatchCreateSegmentLines(t *testing.T) {
	ts.ForEachEngine(t, func(t *testing.T, env *ts.Env) {
		ctx := context.Background()
		seg := createSegment(t, env, "BIG", "")
		nos := contactNos(t, env, "C", 1500) // more than one multi-row INSERT on both engines
		lines := make([]*apiv1.SegmentLine, len(nos))
		for i, no := range nos {
			lines[i] = &apiv1.SegmentLine{ContactNo: no}
		}
		// A missing contact far into the batch fails the whole batch and is named.
		lines[1300] = &apiv1.SegmentLine{ContactNo: "NOBODY"}
		_, err := env.Segments.BatchCreateSegmentLines(ctx, &apiv1.BatchCreateSegmentLinesRequest{Parent: seg.GetName(), SegmentLines: lines})
		ts.WantCode(t, err, codes.NotFound, "CONTACT_NOT_FOUND")
		if !strings.Contains(err.Error(), "line 1301 of 1500") || !strings.Contains(err.Error(), `"NOBODY"`) {
			t.Fatalf("error %v does not name the line and the contact", err)
		}
		if n := segmentLineCount(t, env, seg.GetName()); n != 0 {
			t.Fatalf("a failed batch left %d lines", n)
		}

		lines[1300] = &apiv1.SegmentLine{ContactNo: nos[1300]}
		resp, err := env.Segments.BatchCreateSegmentLines(ctx, &apiv1.BatchCreateSegmentLinesRequest{Parent: seg.GetName(), SegmentLines: lines})
		ts.NoErr(t, err)
		if resp.GetCreatedCount() != 1500 || resp.GetFirstLineNo() <= 0 {
			t.Fatalf("batch: %v", resp)
		}
		if n := segmentLineCount(t, env, seg.GetName()); n != 1500 {
			t.Fatalf("line_count %d, want 1500", n)
		}
		// Lines come back in request order, the first with first_line_no.
		got := listLines(t, env, seg.GetName())
		if len(got) != 1500 || got[0].GetLineNo() != resp.GetFirstLineNo() {
			t.Fatalf("listed %d lines, first %v; want 1500 starting at %d", len(got), got[0], resp.GetFirstLineNo())
		}
		for i, l := range got {
			if l.GetContactNo() != nos[i] || (i > 0 && l.GetLineNo() <= got[i-1].GetLineNo()) {
				t.Fatalf("line %d is %v: want contact %s after line no %d", i, l, nos[i], got[i-1].GetLineNo())
			}
		}
	})
}

// listLines pages through all lines of a segment.
func listLines(t *testing.T, env *ts.Env, parent string) []*apiv1.SegmentLine {
	t.Helper()
	var out []*apiv1.SegmentLine
	for token := ""; ; {
		page, err := env.Segments.ListSegmentLines(context.Background(),
			&apiv1.ListSegmentLinesRequest{Parent: parent, PageSize: 1000, PageToken: token})
		ts.NoErr(t, err)
		out = append(out, page.GetSegmentLines()...)
		if token = page.GetNextPageToken(); token == "" {
			return out
		}
	}
}

func segmentLineCount(t *testing.T, env *ts.Env, name string) int64 {
	t.Helper()
	resp, err := env.Segments.GetSegment(context.Background(), &apiv1.GetSegmentRequest{Name: name})
	ts.NoErr(t, err)
	return resp.GetSegment().GetLineCount()
}
