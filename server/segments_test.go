package server_test

import (
	"context"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/fieldmaskpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	apiv1 "github.com/interlog/interlog/gen/interlog/v1"
	ts "github.com/interlog/interlog/internal/testserver"
)

// createSegment makes a segment with a description and the given template.
func createSegment(t *testing.T, env *ts.Env, no, template string) *apiv1.Segment {
	t.Helper()
	resp, err := env.Segments.CreateSegment(context.Background(), &apiv1.CreateSegmentRequest{
		Segment: &apiv1.Segment{No: no, Description: "Segment " + no, InteractionTemplateCode: template},
	})
	ts.NoErr(t, err)
	return resp.GetSegment()
}

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
