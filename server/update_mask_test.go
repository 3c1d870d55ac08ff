package server_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/fieldmaskpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	apiv1 "github.com/interlog/interlog/gen/interlog/v1"
	ts "github.com/interlog/interlog/internal/testserver"
)

// updateCase is one Update method seen through AIP-134: create makes a
// fresh, fully populated resource (i keeps identities apart); partial is the
// request resource of a partial update: its name, the fields the method
// requires, and the changed field (if any) with a new value. kept are
// fields the partial update does not send.
type updateCase struct {
	method  string
	create  func(t *testing.T, env *ts.Env, i int) proto.Message
	partial func(created proto.Message) proto.Message
	changed string
	kept    []string
	update  func(ctx context.Context, env *ts.Env, res proto.Message, mask *fieldmaskpb.FieldMask) (proto.Message, error)
}

// updateCases covers every Update method. They run after logFixture and
// need segment LINES for the segment lines.
func updateCases() []updateCase {
	return []updateCase{{
		method: "UpdateInteractionGroup",
		create: func(t *testing.T, env *ts.Env, i int) proto.Message {
			resp, err := env.Groups.CreateInteractionGroup(context.Background(), &apiv1.CreateInteractionGroupRequest{
				InteractionGroup: &apiv1.InteractionGroup{Code: fmt.Sprintf("G%d", i), Description: "Letters"},
			})
			ts.NoErr(t, err)
			return resp.GetInteractionGroup()
		},
		partial: func(created proto.Message) proto.Message {
			return &apiv1.InteractionGroup{Name: created.(*apiv1.InteractionGroup).GetName()}
		},
		kept: []string{"description"},
		update: func(ctx context.Context, env *ts.Env, res proto.Message, mask *fieldmaskpb.FieldMask) (proto.Message, error) {
			resp, err := env.Groups.UpdateInteractionGroup(ctx, &apiv1.UpdateInteractionGroupRequest{InteractionGroup: res.(*apiv1.InteractionGroup), UpdateMask: mask})
			return resp.GetInteractionGroup(), err
		},
	}, {
		method: "UpdateInteractionTemplate",
		create: func(t *testing.T, env *ts.Env, i int) proto.Message {
			resp, err := env.Templates.CreateInteractionTemplate(context.Background(), &apiv1.CreateInteractionTemplateRequest{
				InteractionTemplate: &apiv1.InteractionTemplate{
					Code: fmt.Sprintf("T%d", i), InteractionGroupCode: "CALLS", Description: "Visit",
					UnitCost: "7.25", UnitDuration: durationpb.New(time.Hour), CampaignNo: "CAMP",
					InformationFlow: apiv1.InformationFlow_INFORMATION_FLOW_INBOUND,
				},
			})
			ts.NoErr(t, err)
			return resp.GetInteractionTemplate()
		},
		partial: func(created proto.Message) proto.Message {
			return &apiv1.InteractionTemplate{Name: created.(*apiv1.InteractionTemplate).GetName(), InteractionGroupCode: "CALLS", Description: "Site visit"}
		},
		changed: "description",
		kept:    []string{"unit_cost", "unit_duration", "campaign_no", "information_flow"},
		update: func(ctx context.Context, env *ts.Env, res proto.Message, mask *fieldmaskpb.FieldMask) (proto.Message, error) {
			resp, err := env.Templates.UpdateInteractionTemplate(ctx, &apiv1.UpdateInteractionTemplateRequest{InteractionTemplate: res.(*apiv1.InteractionTemplate), UpdateMask: mask})
			return resp.GetInteractionTemplate(), err
		},
	}, {
		method: "UpdateInteractionTemplateLanguage",
		create: func(t *testing.T, env *ts.Env, i int) proto.Message {
			file := upload(t, env, "letter.pdf", content(1000, uint64(i)))
			resp, err := env.Templates.CreateInteractionTemplateLanguage(context.Background(), &apiv1.CreateInteractionTemplateLanguageRequest{
				Parent: "interactionTemplates/CALL",
				InteractionTemplateLanguage: &apiv1.InteractionTemplateLanguage{
					LanguageCode: fmt.Sprintf("L%d", i), Description: "Brev", Attachment: file.GetName(),
				},
			})
			ts.NoErr(t, err)
			return resp.GetInteractionTemplateLanguage()
		},
		partial: func(created proto.Message) proto.Message {
			return &apiv1.InteractionTemplateLanguage{Name: created.(*apiv1.InteractionTemplateLanguage).GetName(), Description: "Nyt brev"}
		},
		changed: "description",
		kept:    []string{"attachment"},
		update: func(ctx context.Context, env *ts.Env, res proto.Message, mask *fieldmaskpb.FieldMask) (proto.Message, error) {
			resp, err := env.Templates.UpdateInteractionTemplateLanguage(ctx, &apiv1.UpdateInteractionTemplateLanguageRequest{InteractionTemplateLanguage: res.(*apiv1.InteractionTemplateLanguage), UpdateMask: mask})
			return resp.GetInteractionTemplateLanguage(), err
		},
	}, {
		method: "UpdateInteractionTemplateSetup",
		create: func(t *testing.T, env *ts.Env, _ int) proto.Message {
			resp, err := env.Templates.UpdateInteractionTemplateSetup(context.Background(), &apiv1.UpdateInteractionTemplateSetupRequest{
				InteractionTemplateSetup: &apiv1.InteractionTemplateSetup{SalesInvoice: "DOC", OutgoingCalls: "DOC"},
				UpdateMask:               &fieldmaskpb.FieldMask{Paths: []string{"sales_invoice", "outgoing_calls", "emails"}},
			})
			ts.NoErr(t, err)
			return resp.GetInteractionTemplateSetup()
		},
		partial: func(proto.Message) proto.Message { return &apiv1.InteractionTemplateSetup{Emails: "DOC"} },
		changed: "emails",
		kept:    []string{"sales_invoice", "outgoing_calls"},
		update: func(ctx context.Context, env *ts.Env, res proto.Message, mask *fieldmaskpb.FieldMask) (proto.Message, error) {
			resp, err := env.Templates.UpdateInteractionTemplateSetup(ctx, &apiv1.UpdateInteractionTemplateSetupRequest{InteractionTemplateSetup: res.(*apiv1.InteractionTemplateSetup), UpdateMask: mask})
			return resp.GetInteractionTemplateSetup(), err
		},
	}, {
		method: "UpdateContact",
		create: func(t *testing.T, env *ts.Env, i int) proto.Message {
			return createContact(t, env, &apiv1.Contact{
				No: fmt.Sprintf("P%d", i), Type: person, DisplayName: "Bo", CompanyNo: "ACME", SalespersonCode: "SP9",
				Email: "bo@example.com", LanguageCode: "DA", Phone: "+45 1234",
			})
		},
		partial: func(created proto.Message) proto.Message {
			return &apiv1.Contact{Name: created.(*apiv1.Contact).GetName(), Type: person, DisplayName: "Bo Jensen"}
		},
		changed: "display_name",
		kept:    []string{"company_no", "salesperson_code", "email", "language_code", "phone"},
		update: func(ctx context.Context, env *ts.Env, res proto.Message, mask *fieldmaskpb.FieldMask) (proto.Message, error) {
			resp, err := env.Contacts.UpdateContact(ctx, &apiv1.UpdateContactRequest{Contact: res.(*apiv1.Contact), UpdateMask: mask})
			return resp.GetContact(), err
		},
	}, {
		method: "UpdateSegment",
		create: func(t *testing.T, env *ts.Env, i int) proto.Message {
			resp, err := env.Segments.CreateSegment(context.Background(), &apiv1.CreateSegmentRequest{Segment: &apiv1.Segment{
				No: fmt.Sprintf("S%d", i), Description: "Spring mailing", InteractionTemplateCode: "CALL", CampaignNo: "CAMP",
				UnitCost: "2.5", Subject: "Offer", InteractionTime: timestamppb.New(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)),
			}})
			ts.NoErr(t, err)
			return resp.GetSegment()
		},
		partial: func(created proto.Message) proto.Message {
			return &apiv1.Segment{Name: created.(*apiv1.Segment).GetName(), Description: "Summer mailing"}
		},
		changed: "description",
		kept:    []string{"interaction_template_code", "campaign_no", "unit_cost", "subject", "interaction_time"},
		update: func(ctx context.Context, env *ts.Env, res proto.Message, mask *fieldmaskpb.FieldMask) (proto.Message, error) {
			resp, err := env.Segments.UpdateSegment(ctx, &apiv1.UpdateSegmentRequest{Segment: res.(*apiv1.Segment), UpdateMask: mask})
			return resp.GetSegment(), err
		},
	}, {
		method: "UpdateSegmentLine",
		create: func(t *testing.T, env *ts.Env, _ int) proto.Message {
			resp, err := env.Segments.CreateSegmentLine(context.Background(), &apiv1.CreateSegmentLineRequest{
				Parent: "segments/LINES",
				SegmentLine: &apiv1.SegmentLine{
					ContactNo: "ANN", InteractionTemplateCode: proto.String("CALL"),
					Overrides: &apiv1.InteractionOverrides{Cost: proto.String("3"), Subject: proto.String("Hello")},
				},
			})
			ts.NoErr(t, err)
			return resp.GetSegmentLine()
		},
		partial: func(created proto.Message) proto.Message {
			return &apiv1.SegmentLine{Name: created.(*apiv1.SegmentLine).GetName(), ContactNo: "ACME"}
		},
		changed: "contact_no",
		kept:    []string{"interaction_template_code", "overrides"},
		update: func(ctx context.Context, env *ts.Env, res proto.Message, mask *fieldmaskpb.FieldMask) (proto.Message, error) {
			resp, err := env.Segments.UpdateSegmentLine(ctx, &apiv1.UpdateSegmentLineRequest{SegmentLine: res.(*apiv1.SegmentLine), UpdateMask: mask})
			return resp.GetSegmentLine(), err
		},
	}, {
		method: "UpdateInteractionLogEntry",
		create: func(t *testing.T, env *ts.Env, _ int) proto.Message {
			return logCall(t, env, "ANN", &apiv1.InteractionOverrides{OpportunityNo: proto.String("OP-1")})
		},
		partial: func(created proto.Message) proto.Message {
			return &apiv1.InteractionLogEntry{Name: created.(*apiv1.InteractionLogEntry).GetName(), Subject: "Follow-up"}
		},
		changed: "subject",
		kept:    []string{"description", "cost", "duration", "opportunity_no"},
		update: func(ctx context.Context, env *ts.Env, res proto.Message, mask *fieldmaskpb.FieldMask) (proto.Message, error) {
			resp, err := env.Log.UpdateInteractionLogEntry(ctx, &apiv1.UpdateInteractionLogEntryRequest{InteractionLogEntry: res.(*apiv1.InteractionLogEntry), UpdateMask: mask})
			return resp.GetInteractionLogEntry(), err
		},
	}, {
		method: "UpdateInteractionLogComment",
		create: func(t *testing.T, env *ts.Env, _ int) proto.Message {
			e := logCall(t, env, "ANN", nil)
			resp, err := env.Log.CreateInteractionLogComment(context.Background(), &apiv1.CreateInteractionLogCommentRequest{
				Parent: e.GetName(), InteractionLogComment: &apiv1.InteractionLogComment{Date: "2020-01-02", Text: "Called back"},
			})
			ts.NoErr(t, err)
			return resp.GetInteractionLogComment()
		},
		partial: func(created proto.Message) proto.Message {
			return &apiv1.InteractionLogComment{Name: created.(*apiv1.InteractionLogComment).GetName(), Text: "Called back twice"}
		},
		changed: "text",
		kept:    []string{"date"}, // blank means today
		update: func(ctx context.Context, env *ts.Env, res proto.Message, mask *fieldmaskpb.FieldMask) (proto.Message, error) {
			resp, err := env.Log.UpdateInteractionLogComment(ctx, &apiv1.UpdateInteractionLogCommentRequest{InteractionLogComment: res.(*apiv1.InteractionLogComment), UpdateMask: mask})
			return resp.GetInteractionLogComment(), err
		},
	}}
}

// updateFixture is logFixture plus segment LINES, which the segment lines
// of updateCases belong to, and template DOC for the setup (CALL gets
// language rows with attachments).
func updateFixture(t *testing.T, env *ts.Env) {
	t.Helper()
	logFixture(t, env)
	createTemplate(t, env, "DOC", "CALLS")
	createSegment(t, env, "LINES", "CALL")
}

// fieldOf returns the value of a top-level field of m by its proto name.
func fieldOf(t *testing.T, m proto.Message, name string) protoreflect.Value {
	t.Helper()
	r := m.ProtoReflect()
	fd := r.Descriptor().Fields().ByName(protoreflect.Name(name))
	if fd == nil {
		t.Fatalf("%s has no field %q", r.Descriptor().FullName(), name)
	}
	return r.Get(fd)
}

// TestUpdateMaskForms runs every Update method with the three forms of
// AIP-134 on a fresh resource each: no mask (or no paths) changes only what
// the request populates, naming a field sent blank clears exactly it, and
// "*" clears whatever was not sent. A resource read back whole can be sent
// back with no mask, output-only fields and all.
func TestUpdateMaskForms(t *testing.T) {
	ts.ForEachEngine(t, func(t *testing.T, env *ts.Env) {
		ctx := context.Background()
		updateFixture(t, env)
		i := 0
		for _, c := range updateCases() {
			t.Run(c.method, func(t *testing.T) {
				// run updates a fresh resource and returns it before and after.
				run := func(form string, mask *fieldmaskpb.FieldMask, req func(created proto.Message) proto.Message) (proto.Message, proto.Message) {
					t.Helper()
					i++
					created := c.create(t, env, i)
					got, err := c.update(ctx, env, req(created), mask)
					if err != nil {
						t.Fatalf("%s: %v", form, err)
					}
					return created, got
				}
				wantKept := func(form string, created, got proto.Message, fields ...string) {
					t.Helper()
					for _, f := range fields {
						if !fieldOf(t, got, f).Equal(fieldOf(t, created, f)) {
							t.Errorf("%s: %s became %v, want it kept as %v", form, f, fieldOf(t, got, f), fieldOf(t, created, f))
						}
					}
				}
				wantCleared := func(form string, created, got proto.Message, fields ...string) {
					t.Helper()
					for _, f := range fields {
						if fieldOf(t, got, f).Equal(fieldOf(t, created, f)) {
							t.Errorf("%s: %s kept %v, want it cleared", form, f, fieldOf(t, got, f))
						}
					}
				}
				wantChanged := func(form string, sent, got proto.Message) {
					t.Helper()
					if c.changed != "" && !fieldOf(t, got, c.changed).Equal(fieldOf(t, sent, c.changed)) {
						t.Errorf("%s: %s is %v, want the %v sent", form, c.changed, fieldOf(t, got, c.changed), fieldOf(t, sent, c.changed))
					}
				}

				for form, mask := range map[string]*fieldmaskpb.FieldMask{"no mask": nil, "no paths": {}} {
					created, got := run(form, mask, c.partial)
					wantKept(form, created, got, c.kept...)
					wantChanged(form, c.partial(created), got)
				}

				created, got := run("all, sent back", nil, func(created proto.Message) proto.Message { return created })
				wantKept("all, sent back", created, got, c.kept...)

				blank := "explicit " + c.kept[0]
				created, got = run(blank, &fieldmaskpb.FieldMask{Paths: []string{c.kept[0]}}, c.partial)
				wantCleared(blank, created, got, c.kept[0])
				wantKept(blank, created, got, c.kept[1:]...)
				if c.changed != "" {
					wantKept(blank, created, got, c.changed)
				}

				created, got = run(`"*"`, &fieldmaskpb.FieldMask{Paths: []string{"*"}}, c.partial)
				wantCleared(`"*"`, created, got, c.kept...)
				wantChanged(`"*"`, c.partial(created), got)
			})
		}
	})
}

// TestUpdateMaskRefusals: a path the method cannot update, and "*" beside
// other paths, are INVALID_ARGUMENT naming the path, and a huge path is not
// echoed back whole.
func TestUpdateMaskRefusals(t *testing.T) {
	ts.ForEachEngine(t, func(t *testing.T, env *ts.Env) {
		ctx := context.Background()
		updateFixture(t, env)
		huge := strings.Repeat("x", 100<<10)
		for i, c := range updateCases() {
			t.Run(c.method, func(t *testing.T) {
				created := c.create(t, env, 1000+i)
				cases := []struct {
					paths []string
					quote string // what the message must say
				}{
					{[]string{"no_such_field"}, `"no_such_field"`},
					{[]string{c.kept[0], "name"}, `"name"`},
					{[]string{"update_time"}, `"update_time"`},
					{[]string{"*", c.kept[0]}, `"*"`},
					{[]string{huge}, `"` + huge[:64] + `"…`},
				}
				for _, tc := range cases {
					_, err := c.update(ctx, env, c.partial(created), &fieldmaskpb.FieldMask{Paths: tc.paths})
					ts.WantInvalid(t, err, "update_mask")
					msg := status.Convert(err).Message()
					if !strings.Contains(msg, tc.quote) {
						t.Errorf("paths %.80q: message %.200q does not quote %.80s", tc.paths, msg, tc.quote)
					}
					if len(msg) > 2000 {
						t.Errorf("paths %.80q: message of %d bytes echoes the path back", tc.paths, len(msg))
					}
				}
			})
		}
	})
}

// TestUpdateMaskAttachments: a template's or a language row's attachment is
// released only when the update really targets it.
func TestUpdateMaskAttachments(t *testing.T) {
	ts.ForEachEngineWith(t, attachmentOptions, func(t *testing.T, env *ts.Env) {
		ctx := context.Background()
		logFixture(t, env)
		letter, other := content(3000, 41), content(2000, 42)
		file := upload(t, env, "letter.pdf", letter)
		addLanguage(t, env, "CALL", "DA", file.GetName())
		row := "interactionTemplates/CALL/languages/DA"

		// A description-only update keeps the row's attachment and its file.
		resp, err := env.Templates.UpdateInteractionTemplateLanguage(ctx, &apiv1.UpdateInteractionTemplateLanguageRequest{
			InteractionTemplateLanguage: &apiv1.InteractionTemplateLanguage{Name: row, Description: "Dansk"},
		})
		ts.NoErr(t, err)
		if got := resp.GetInteractionTemplateLanguage(); got.GetAttachment() != file.GetName() || got.GetDescription() != "Dansk" {
			t.Fatalf("description-only update gave %v, want attachment %s kept", got, file.GetName())
		}
		if !bytes.Equal(download(t, env, file.GetName()), letter) {
			t.Fatal("the row's file changed")
		}

		// The same for the template's own attachment.
		tmplFile := upload(t, env, "own.pdf", other)
		setCallAttachment(t, env, tmplFile.GetName())
		tr, err := env.Templates.UpdateInteractionTemplate(ctx, &apiv1.UpdateInteractionTemplateRequest{
			InteractionTemplate: &apiv1.InteractionTemplate{Name: "interactionTemplates/CALL", Description: "Call"},
		})
		ts.NoErr(t, err)
		if tr.GetInteractionTemplate().GetAttachment() != tmplFile.GetName() {
			t.Fatalf("description-only update gave %v, want attachment %s kept", tr.GetInteractionTemplate(), tmplFile.GetName())
		}
		if !bytes.Equal(download(t, env, tmplFile.GetName()), other) {
			t.Fatal("the template's file changed")
		}

		// With no mask, a populated new attachment is an update of it: the
		// old one, now unused, is released.
		replacement := upload(t, env, "new.pdf", content(500, 43))
		_, err = env.Templates.UpdateInteractionTemplateLanguage(ctx, &apiv1.UpdateInteractionTemplateLanguageRequest{
			InteractionTemplateLanguage: &apiv1.InteractionTemplateLanguage{Name: row, Attachment: replacement.GetName()},
		})
		ts.NoErr(t, err)
		wantGone(t, env, file.GetName())

		// Naming the attachment with a blank value clears and releases it.
		lr, err := env.Templates.UpdateInteractionTemplateLanguage(ctx, &apiv1.UpdateInteractionTemplateLanguageRequest{
			InteractionTemplateLanguage: &apiv1.InteractionTemplateLanguage{Name: row, Description: "ignored"},
			UpdateMask:                  &fieldmaskpb.FieldMask{Paths: []string{"attachment"}},
		})
		ts.NoErr(t, err)
		if got := lr.GetInteractionTemplateLanguage(); got.GetAttachment() != "" || got.GetDescription() != "Dansk" {
			t.Fatalf("explicit attachment update gave %v, want no attachment and the description kept", got)
		}
		wantGone(t, env, replacement.GetName())
		ts.WantAttachmentsConsistent(t, env)
	})
}

// TestSetupUpdateKeepsDocumentTemplates: setting only the e-mail template
// leaves the document templates configured, so documents are still
// recorded.
func TestSetupUpdateKeepsDocumentTemplates(t *testing.T) {
	ts.ForEachEngine(t, func(t *testing.T, env *ts.Env) {
		ctx := context.Background()
		configureInvoices(t, env)
		createContact(t, env, &apiv1.Contact{No: "BUYER", Type: company})
		_, err := env.Templates.UpdateInteractionTemplateSetup(ctx, &apiv1.UpdateInteractionTemplateSetupRequest{
			InteractionTemplateSetup: &apiv1.InteractionTemplateSetup{Emails: "INVOICE"},
		})
		ts.NoErr(t, err)
		resp, err := env.Log.RecordDocumentInteraction(ctx, &apiv1.RecordDocumentInteractionRequest{
			DocumentType: apiv1.DocumentType_DOCUMENT_TYPE_SALES_INVOICE, DocumentNo: "SI-1", ContactNo: "BUYER",
		})
		ts.NoErr(t, err)
		if !resp.GetRecorded() || resp.GetInteractionLogEntry().GetInteractionTemplateCode() != "INVOICE" {
			t.Fatalf("after an update of emails only: %v, want the invoice recorded with INVOICE", resp)
		}
	})
}

// TestSegmentLineOverridesOneByOne: a line's overrides can be updated one
// by one ("overrides.cost"); with no mask only the overrides sent change,
// and "overrides" named whole replaces them all.
func TestSegmentLineOverridesOneByOne(t *testing.T) {
	ts.ForEachEngine(t, func(t *testing.T, env *ts.Env) {
		ctx := context.Background()
		updateFixture(t, env)
		resp, err := env.Segments.CreateSegmentLine(ctx, &apiv1.CreateSegmentLineRequest{
			Parent: "segments/LINES",
			SegmentLine: &apiv1.SegmentLine{ContactNo: "ANN", Overrides: &apiv1.InteractionOverrides{
				Cost: proto.String("3"), Subject: proto.String("Hello"), Evaluation: apiv1.Evaluation_EVALUATION_POSITIVE.Enum(),
			}},
		})
		ts.NoErr(t, err)
		name := resp.GetSegmentLine().GetName()
		steps := []struct {
			what      string
			overrides *apiv1.InteractionOverrides
			paths     []string // nil: no mask
			want      *apiv1.InteractionOverrides
		}{
			{"no mask, cost sent", &apiv1.InteractionOverrides{Cost: proto.String("4")}, nil,
				&apiv1.InteractionOverrides{Cost: proto.String("4"), Subject: proto.String("Hello"), Evaluation: apiv1.Evaluation_EVALUATION_POSITIVE.Enum()}},
			{"subject named, not sent", nil, []string{"overrides.subject"},
				&apiv1.InteractionOverrides{Cost: proto.String("4"), Evaluation: apiv1.Evaluation_EVALUATION_POSITIVE.Enum()}},
			{"evaluation and description named", &apiv1.InteractionOverrides{Description: proto.String("Visit"), Cost: proto.String("9")},
				[]string{"overrides.evaluation", "overrides.description"},
				&apiv1.InteractionOverrides{Cost: proto.String("4"), Description: proto.String("Visit")}},
			{"overrides named whole", &apiv1.InteractionOverrides{Subject: proto.String("Bye")}, []string{"overrides"},
				&apiv1.InteractionOverrides{Subject: proto.String("Bye")}},
		}
		for _, s := range steps {
			req := &apiv1.UpdateSegmentLineRequest{SegmentLine: &apiv1.SegmentLine{Name: name, Overrides: s.overrides}}
			if s.paths != nil {
				req.UpdateMask = &fieldmaskpb.FieldMask{Paths: s.paths}
			}
			r, err := env.Segments.UpdateSegmentLine(ctx, req)
			ts.NoErr(t, err)
			if got := r.GetSegmentLine().GetOverrides(); !proto.Equal(got, s.want) {
				t.Fatalf("%s: overrides %v, want %v", s.what, got, s.want)
			}
		}
		_, err = env.Segments.UpdateSegmentLine(ctx, &apiv1.UpdateSegmentLineRequest{
			SegmentLine: &apiv1.SegmentLine{Name: name}, UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"overrides.no_such_field"}},
		})
		ts.WantInvalid(t, err, "update_mask")
	})
}
