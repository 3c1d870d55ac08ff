package server_test

import (
	"context"
	"net/url"
	"testing"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/durationpb"

	apiv1 "github.com/interlog/interlog/gen/interlog/v1"
	ts "github.com/interlog/interlog/internal/testserver"
)

// carrier is a field that carries a rule, and a call that sends it a value.
type carrier struct {
	field string
	send  func(ctx context.Context, env *ts.Env, bad string) error
}

// A rule of validation.proto says the same whichever field carries it: each
// bad value is sent in every field that carries the rule, be the field
// checked by protovalidate or by the server (a code inside a resource name,
// a code required by one request only, a time zone that must be known), and
// every refusal names its field with one and the same description.
func TestRuleSaysTheSameInEveryField(t *testing.T) {
	ts.ForEachEngine(t, func(t *testing.T, env *ts.Env) {
		ctx := context.Background()
		for _, r := range sharedRules {
			t.Run(r.name, func(t *testing.T) {
				var first, firstAt string
				refused := func(c carrier, bad string) {
					t.Helper()
					err := c.send(ctx, env, bad)
					ts.WantInvalid(t, err, c.field)
					got := ts.Description(err, c.field)
					switch {
					case first == "":
						first, firstAt = got, c.field
					case got != first:
						t.Errorf("%s = %q: %q, but %s: %q", c.field, bad, got, firstAt, first)
					}
				}
				for _, bad := range r.bad {
					for _, c := range append(r.carriers, r.notBlank...) {
						refused(c, bad)
					}
				}
				for _, blank := range []string{"", "  "} {
					for _, c := range r.notBlank {
						refused(c, blank)
					}
				}
			})
		}
	})
}

// sharedRules lists each rule with values that break it and the fields that
// carry it. A code that must not be blank (notBlank) is refused with its
// rule's message when blank too.
var sharedRules = []struct {
	name     string
	bad      []string
	carriers []carrier
	notBlank []carrier
}{
	{"code of 10", []string{"A;B", "ABCDEFGHIJK", "ÆBLE"}, optionalCode10, requiredCode10},
	{"code of 20", []string{"A;B", "ABCDEFGHIJKLMNOPQRSTU", "ſ"}, optionalCode20, requiredCode20},
	{"money", []string{"12.5555555", "-1", "1000000000000.5", "1e3"}, moneyCarriers, nil},
	{"time zone", []string{"1bad", "Mars/Olympus", "Local"}, timeZoneCarriers, nil},
	{"text", []string{"bell\a", "nul\x00"}, textCarriers, nil},
}

var requiredCode10 = []carrier{
	{"interaction_group.code", func(ctx context.Context, env *ts.Env, bad string) error {
		_, err := env.Groups.CreateInteractionGroup(ctx, &apiv1.CreateInteractionGroupRequest{
			InteractionGroup: &apiv1.InteractionGroup{Code: bad}})
		return err
	}},
	{"name", func(ctx context.Context, env *ts.Env, bad string) error {
		_, err := env.Groups.GetInteractionGroup(ctx, &apiv1.GetInteractionGroupRequest{
			Name: "interactionGroups/" + escapeID(bad)})
		return err
	}},
	{"name", func(ctx context.Context, env *ts.Env, bad string) error {
		_, err := env.Templates.GetInteractionTemplateLanguage(ctx, &apiv1.GetInteractionTemplateLanguageRequest{
			Name: "interactionTemplates/T/languages/" + escapeID(bad)})
		return err
	}},
	{"interaction_template.interaction_group_code", func(ctx context.Context, env *ts.Env, bad string) error {
		_, err := env.Templates.CreateInteractionTemplate(ctx, &apiv1.CreateInteractionTemplateRequest{
			InteractionTemplate: &apiv1.InteractionTemplate{Code: "T", InteractionGroupCode: bad}})
		return err
	}},
	{"interaction_template_code", func(ctx context.Context, env *ts.Env, bad string) error {
		_, err := env.Log.LogInteraction(ctx, &apiv1.LogInteractionRequest{ContactNo: "C1", InteractionTemplateCode: bad})
		return err
	}},
}

var optionalCode10 = []carrier{
	{"filter.interaction_group_code", func(ctx context.Context, env *ts.Env, bad string) error {
		_, err := env.Log.ListInteractionLogEntries(ctx, &apiv1.ListInteractionLogEntriesRequest{
			Filter: &apiv1.InteractionLogFilter{InteractionGroupCode: bad}})
		return err
	}},
	{"interaction_template_setup.emails", func(ctx context.Context, env *ts.Env, bad string) error {
		_, err := env.Templates.UpdateInteractionTemplateSetup(ctx, &apiv1.UpdateInteractionTemplateSetupRequest{
			InteractionTemplateSetup: &apiv1.InteractionTemplateSetup{Emails: bad}})
		return err
	}},
	{"contact.language_code", func(ctx context.Context, env *ts.Env, bad string) error {
		_, err := env.Contacts.CreateContact(ctx, &apiv1.CreateContactRequest{
			Contact: &apiv1.Contact{No: "C1", Type: apiv1.ContactType_CONTACT_TYPE_PERSON, LanguageCode: bad}})
		return err
	}},
}

var requiredCode20 = []carrier{
	{"contact.no", func(ctx context.Context, env *ts.Env, bad string) error {
		_, err := env.Contacts.CreateContact(ctx, &apiv1.CreateContactRequest{
			Contact: &apiv1.Contact{No: bad, Type: apiv1.ContactType_CONTACT_TYPE_PERSON}})
		return err
	}},
	{"name", func(ctx context.Context, env *ts.Env, bad string) error {
		_, err := env.Contacts.GetContact(ctx, &apiv1.GetContactRequest{Name: "contacts/" + escapeID(bad)})
		return err
	}},
	{"name", func(ctx context.Context, env *ts.Env, bad string) error {
		_, err := env.Segments.GetSegmentLine(ctx, &apiv1.GetSegmentLineRequest{Name: "segments/" + escapeID(bad) + "/lines/1"})
		return err
	}},
	{"contact_no", func(ctx context.Context, env *ts.Env, bad string) error {
		_, err := env.Log.LogInteraction(ctx, &apiv1.LogInteractionRequest{ContactNo: bad, InteractionTemplateCode: "T"})
		return err
	}},
	{"document_no", func(ctx context.Context, env *ts.Env, bad string) error {
		_, err := env.Log.RecordDocumentInteraction(ctx, &apiv1.RecordDocumentInteractionRequest{
			DocumentType: apiv1.DocumentType_DOCUMENT_TYPE_SALES_QUOTE, DocumentNo: bad, ContactNo: "C1"})
		return err
	}},
	{"follow_up_segment_no", func(ctx context.Context, env *ts.Env, bad string) error {
		_, err := env.Segments.LogSegment(ctx, &apiv1.LogSegmentRequest{
			Name: "segments/S1", CreateFollowUpSegment: true, FollowUpSegmentNo: bad})
		return err
	}},
}

var optionalCode20 = []carrier{
	{"overrides.task_no", func(ctx context.Context, env *ts.Env, bad string) error {
		_, err := env.Log.LogInteraction(ctx, &apiv1.LogInteractionRequest{
			ContactNo: "C1", InteractionTemplateCode: "T", Overrides: &apiv1.InteractionOverrides{TaskNo: &bad}})
		return err
	}},
	{"filter.contact_no", func(ctx context.Context, env *ts.Env, bad string) error {
		_, err := env.Log.SummarizeInteractions(ctx, &apiv1.SummarizeInteractionsRequest{
			Filter: &apiv1.InteractionLogFilter{ContactNo: bad}})
		return err
	}},
	{"filter.contact_no", func(ctx context.Context, env *ts.Env, bad string) error {
		_, err := env.Changes.ListChanges(ctx, &apiv1.ListChangesRequest{Filter: &apiv1.ChangeFilter{ContactNo: bad}})
		return err
	}},
	{"segment.salesperson_code", func(ctx context.Context, env *ts.Env, bad string) error {
		_, err := env.Segments.CreateSegment(ctx, &apiv1.CreateSegmentRequest{Segment: &apiv1.Segment{No: "S1", SalespersonCode: bad}})
		return err
	}},
}

var moneyCarriers = []carrier{
	{"interaction_template.unit_cost", func(ctx context.Context, env *ts.Env, bad string) error {
		_, err := env.Templates.CreateInteractionTemplate(ctx, &apiv1.CreateInteractionTemplateRequest{
			InteractionTemplate: &apiv1.InteractionTemplate{Code: "T", InteractionGroupCode: "G", UnitCost: bad}})
		return err
	}},
	{"overrides.cost", func(ctx context.Context, env *ts.Env, bad string) error {
		_, err := env.Log.LogInteraction(ctx, &apiv1.LogInteractionRequest{
			ContactNo: "C1", InteractionTemplateCode: "T", Overrides: &apiv1.InteractionOverrides{Cost: &bad}})
		return err
	}},
	{"segment.unit_cost", func(ctx context.Context, env *ts.Env, bad string) error {
		_, err := env.Segments.CreateSegment(ctx, &apiv1.CreateSegmentRequest{Segment: &apiv1.Segment{No: "S1", UnitCost: bad}})
		return err
	}},
}

var timeZoneCarriers = []carrier{
	{"overrides.time_zone", func(ctx context.Context, env *ts.Env, bad string) error {
		_, err := env.Log.LogInteraction(ctx, &apiv1.LogInteractionRequest{
			ContactNo: "C1", InteractionTemplateCode: "T", Overrides: &apiv1.InteractionOverrides{TimeZone: &bad}})
		return err
	}},
	{"time_zone", func(ctx context.Context, env *ts.Env, bad string) error {
		_, err := env.Log.SummarizeInteractions(ctx, &apiv1.SummarizeInteractionsRequest{TimeZone: bad})
		return err
	}},
}

var textCarriers = []carrier{
	{"interaction_group.description", func(ctx context.Context, env *ts.Env, bad string) error {
		_, err := env.Groups.CreateInteractionGroup(ctx, &apiv1.CreateInteractionGroupRequest{
			InteractionGroup: &apiv1.InteractionGroup{Code: "G", Description: bad}})
		return err
	}},
	{"overrides.subject", func(ctx context.Context, env *ts.Env, bad string) error {
		_, err := env.Log.LogInteraction(ctx, &apiv1.LogInteractionRequest{
			ContactNo: "C1", InteractionTemplateCode: "T", Overrides: &apiv1.InteractionOverrides{Subject: &bad}})
		return err
	}},
	{"comments[0]", func(ctx context.Context, env *ts.Env, bad string) error {
		_, err := env.Log.LogInteraction(ctx, &apiv1.LogInteractionRequest{ContactNo: "C1", InteractionTemplateCode: "T", Comments: []string{bad}})
		return err
	}},
}

// A duration that is not whole seconds from 0 to 10 years is refused with
// one description in every field that carries the rule.
func TestWholeSecondsSaysTheSameInEveryField(t *testing.T) {
	ts.ForEachEngine(t, func(t *testing.T, env *ts.Env) {
		ctx := context.Background()
		carriers := []struct {
			field string
			send  func(d *durationpb.Duration) error
		}{
			{"interaction_template.unit_duration", func(d *durationpb.Duration) error {
				_, err := env.Templates.CreateInteractionTemplate(ctx, &apiv1.CreateInteractionTemplateRequest{
					InteractionTemplate: &apiv1.InteractionTemplate{Code: "T", InteractionGroupCode: "G", UnitDuration: d}})
				return err
			}},
			{"overrides.duration", func(d *durationpb.Duration) error {
				_, err := env.Log.LogInteraction(ctx, &apiv1.LogInteractionRequest{
					ContactNo: "C1", InteractionTemplateCode: "T", Overrides: &apiv1.InteractionOverrides{Duration: d}})
				return err
			}},
			{"segment.unit_duration", func(d *durationpb.Duration) error {
				_, err := env.Segments.CreateSegment(ctx, &apiv1.CreateSegmentRequest{Segment: &apiv1.Segment{No: "S1", UnitDuration: d}})
				return err
			}},
		}
		var first string
		for _, bad := range []*durationpb.Duration{{Seconds: 1, Nanos: 5}, {Seconds: -1}, {Seconds: 315_360_001}} {
			for _, c := range carriers {
				err := c.send(proto.Clone(bad).(*durationpb.Duration))
				ts.WantInvalid(t, err, c.field)
				if got := ts.Description(err, c.field); first == "" {
					first = got
				} else if got != first {
					t.Errorf("%s = %v: %q, want %q as elsewhere", c.field, bad, got, first)
				}
			}
		}
	})
}

// escapeID writes a code into a resource name as clients do; an empty code
// is written as "%20", a blank id, as the empty id breaks the name's form.
func escapeID(code string) string {
	if code == "" {
		return "%20"
	}
	return url.PathEscape(code)
}
