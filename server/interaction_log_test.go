package server_test

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/fieldmaskpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	apiv1 "github.com/interlog/interlog/gen/interlog/v1"
	ts "github.com/interlog/interlog/internal/testserver"
)

const (
	hardCopy = apiv1.CorrespondenceType_CORRESPONDENCE_TYPE_HARD_COPY
	email    = apiv1.CorrespondenceType_CORRESPONDENCE_TYPE_EMAIL
	noCorr   = apiv1.CorrespondenceType_CORRESPONDENCE_TYPE_UNSPECIFIED
)

func TestLogInteractionTemplateDefaults(t *testing.T) {
	ts.ForEachEngine(t, func(t *testing.T, env *ts.Env) {
		ctx := context.Background()
		logFixture(t, env)
		before := time.Now().Add(-time.Second)
		resp, err := env.Log.LogInteraction(ctx, &apiv1.LogInteractionRequest{
			ContactNo: " ann", InteractionTemplateCode: "call",
			Overrides: &apiv1.InteractionOverrides{
				Description: proto.String(""), Subject: proto.String("Renewal"),
				Evaluation: apiv1.Evaluation_EVALUATION_POSITIVE.Enum(), AttemptFailed: proto.Bool(true),
			},
			Comments: []string{"first", "second"},
		})
		ts.NoErr(t, err)
		e := resp.GetInteractionLogEntry()
		if e.GetEntryNo() <= 0 || e.GetName() != "interactionLogEntries/"+itoa(e.GetEntryNo()) {
			t.Fatalf("entry no. %d, name %q", e.GetEntryNo(), e.GetName())
		}
		checks := []struct {
			what      string
			got, want any
		}{
			{"contact", e.GetContactNo(), "ANN"},
			{"company snapshot", e.GetContactCompanyNo(), "ACME"},
			{"template", e.GetInteractionTemplateCode(), "CALL"},
			{"group", e.GetInteractionGroupCode(), "CALLS"},
			{"blank description takes the template's", e.GetDescription(), "Phone call"},
			{"subject", e.GetSubject(), "Renewal"},
			{"cost", e.GetCost(), "12.5"},
			{"duration", e.GetDuration().AsDuration(), 90 * time.Second},
			{"information flow", e.GetInformationFlow(), apiv1.InformationFlow_INFORMATION_FLOW_OUTBOUND},
			{"initiated by", e.GetInitiatedBy(), apiv1.InitiatedBy_INITIATED_BY_US},
			{"campaign", e.GetCampaignNo(), "CAMP"},
			{"campaign target", e.GetCampaignTarget(), true},
			{"campaign response", e.GetCampaignResponse(), false},
			{"salesperson from the contact", e.GetSalespersonCode(), "SP2"},
			{"evaluation kept", e.GetEvaluation(), apiv1.Evaluation_EVALUATION_POSITIVE},
			{"attempt failed kept", e.GetAttemptFailed(), true},
			{"user", e.GetUserId(), "anonymous"},
			{"comment count", e.GetCommentCount(), int32(2)},
			{"not postponed", e.GetPostponed(), false},
			{"manual", e.GetDocumentType(), apiv1.DocumentType_DOCUMENT_TYPE_UNSPECIFIED},
		}
		for _, c := range checks {
			if c.got != c.want {
				t.Errorf("%s: got %v, want %v", c.what, c.got, c.want)
			}
		}
		if at := e.GetInteractionTime().AsTime(); at.Before(before) || at.After(time.Now().Add(time.Second)) {
			t.Errorf("interaction time %v, want now", at)
		}
		if n := countRows(t, env, "interaction_log_comments", "entry_no = ?", e.GetEntryNo()); n != 2 {
			t.Errorf("%d comments stored, want 2", n)
		}
		got, err := env.Log.GetInteractionLogEntry(ctx, &apiv1.GetInteractionLogEntryRequest{Name: e.GetName()})
		ts.NoErr(t, err)
		if !proto.Equal(got.GetInteractionLogEntry(), e) {
			t.Fatalf("get returned\n%v\nlog returned\n%v", got.GetInteractionLogEntry(), e)
		}

		// Editing the template afterwards changes no entry.
		_, err = env.Templates.UpdateInteractionTemplate(ctx, &apiv1.UpdateInteractionTemplateRequest{
			InteractionTemplate: &apiv1.InteractionTemplate{Name: "interactionTemplates/CALL", UnitCost: "99"},
			UpdateMask:          &fieldmaskpb.FieldMask{Paths: []string{"unit_cost"}},
		})
		ts.NoErr(t, err)
		got, err = env.Log.GetInteractionLogEntry(ctx, &apiv1.GetInteractionLogEntryRequest{Name: e.GetName()})
		ts.NoErr(t, err)
		if got.GetInteractionLogEntry().GetCost() != "12.5" {
			t.Fatalf("entry cost %s after a template edit, want 12.5", got.GetInteractionLogEntry().GetCost())
		}
	})
}

func TestLogInteractionOverridesWin(t *testing.T) {
	ts.ForEachEngine(t, func(t *testing.T, env *ts.Env) {
		logFixture(t, env)
		at := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
		e := logCall(t, env, "ANN", &apiv1.InteractionOverrides{
			InteractionTime: timestamppb.New(at), TimeZone: proto.String("Europe/Copenhagen"),
			Description: proto.String("Own words"), Subject: proto.String("S"),
			InformationFlow: apiv1.InformationFlow_INFORMATION_FLOW_INBOUND.Enum(),
			InitiatedBy:     apiv1.InitiatedBy_INITIATED_BY_THEM.Enum(),
			Cost:            proto.String("0"), Duration: durationpb.New(0),
			CampaignNo: proto.String(""), CampaignTarget: proto.Bool(false), CampaignResponse: proto.Bool(true),
			SalespersonCode: proto.String("sp9"), CorrespondenceType: hardCopy.Enum(),
			ContactVia: proto.String("+45 1234"), OpportunityNo: proto.String("op-1"), TaskNo: proto.String("t-1"),
			DeliveryStatus: apiv1.DeliveryStatus_DELIVERY_STATUS_IN_PROGRESS.Enum(),
		})
		checks := []struct {
			what      string
			got, want any
		}{
			{"time", e.GetInteractionTime().AsTime(), at},
			{"time zone", e.GetTimeZone(), "Europe/Copenhagen"},
			{"description", e.GetDescription(), "Own words"},
			{"information flow", e.GetInformationFlow(), apiv1.InformationFlow_INFORMATION_FLOW_INBOUND},
			{"initiated by", e.GetInitiatedBy(), apiv1.InitiatedBy_INITIATED_BY_THEM},
			{"zero cost wins", e.GetCost(), "0"},
			{"zero duration wins", e.GetDuration().AsDuration(), time.Duration(0)},
			{"blank campaign wins", e.GetCampaignNo(), ""},
			{"campaign target", e.GetCampaignTarget(), false},
			{"campaign response", e.GetCampaignResponse(), true},
			{"salesperson", e.GetSalespersonCode(), "SP9"},
			{"correspondence", e.GetCorrespondenceType(), hardCopy},
			{"contact via", e.GetContactVia(), "+45 1234"},
			{"opportunity", e.GetOpportunityNo(), "OP-1"},
			{"task", e.GetTaskNo(), "T-1"},
			{"delivery", e.GetDeliveryStatus(), apiv1.DeliveryStatus_DELIVERY_STATUS_IN_PROGRESS},
		}
		for _, c := range checks {
			if c.got != c.want {
				t.Errorf("%s: got %v, want %v", c.what, c.got, c.want)
			}
		}
	})
}

func TestLogInteractionRefusals(t *testing.T) {
	ts.ForEachEngine(t, func(t *testing.T, env *ts.Env) {
		ctx := context.Background()
		logFixture(t, env)
		createContact(t, env, &apiv1.Contact{No: "BLOCKED", Type: person, SalespersonCode: "SP", PrivacyBlocked: true})
		createContact(t, env, &apiv1.Contact{No: "NOSALES", Type: person})
		log := func(contactNo, templateCode string, o *apiv1.InteractionOverrides) error {
			_, err := env.Log.LogInteraction(ctx, &apiv1.LogInteractionRequest{ContactNo: contactNo, InteractionTemplateCode: templateCode, Overrides: o})
			return err
		}
		ts.WantCode(t, log("NOPE", "CALL", nil), codes.NotFound, "CONTACT_NOT_FOUND")
		ts.WantCode(t, log("ANN", "NOPE", nil), codes.NotFound, "TEMPLATE_NOT_FOUND")
		ts.WantCode(t, log("BLOCKED", "CALL", nil), codes.FailedPrecondition, "CONTACT_PRIVACY_BLOCKED")

		err := log("NOSALES", "CALL", nil)
		ts.WantCode(t, err, codes.InvalidArgument, "SALESPERSON_REQUIRED")
		if v := ts.Violations(err); len(v) != 1 || v[0] != "overrides.salesperson_code" {
			t.Fatalf("violations %v, want overrides.salesperson_code", v)
		}
		ts.WantCode(t, log("NOSALES", "CALL", &apiv1.InteractionOverrides{SalespersonCode: proto.String(" ")}), codes.InvalidArgument, "SALESPERSON_REQUIRED")
		ts.NoErr(t, log("NOSALES", "CALL", &apiv1.InteractionOverrides{SalespersonCode: proto.String("sp")}))
		ts.WantInvalid(t, log("ANN", "CALL", &apiv1.InteractionOverrides{LanguageCode: proto.String("XX")}), "overrides.language_code")

		if n := countRows(t, env, "interaction_log_entries", "1 = 1"); n != 1 {
			t.Fatalf("%d entries after refusals, want only the one logged", n)
		}
	})
}

func TestLogInteractionInvalidInput(t *testing.T) {
	ts.ForEachEngine(t, func(t *testing.T, env *ts.Env) {
		ctx := context.Background()
		logFixture(t, env)
		valid := func() *apiv1.LogInteractionRequest {
			return &apiv1.LogInteractionRequest{ContactNo: "ANN", InteractionTemplateCode: "CALL", Overrides: &apiv1.InteractionOverrides{}}
		}
		cases := []struct {
			name   string
			change func(r *apiv1.LogInteractionRequest)
			field  string
		}{
			{"blank contact", func(r *apiv1.LogInteractionRequest) { r.ContactNo = "" }, "contact_no"},
			{"contact with bad character", func(r *apiv1.LogInteractionRequest) { r.ContactNo = "A'B" }, "contact_no"},
			{"template too long", func(r *apiv1.LogInteractionRequest) { r.InteractionTemplateCode = "ABCDEFGHIJK" }, "interaction_template_code"},
			{"cost with 7 decimals", func(r *apiv1.LogInteractionRequest) { r.Overrides.Cost = proto.String("1.1234567") }, "overrides.cost"},
			{"negative cost", func(r *apiv1.LogInteractionRequest) { r.Overrides.Cost = proto.String("-1") }, "overrides.cost"},
			{"fractional duration", func(r *apiv1.LogInteractionRequest) { r.Overrides.Duration = durationpb.New(1500 * time.Millisecond) }, "overrides.duration"},
			{"negative duration", func(r *apiv1.LogInteractionRequest) { r.Overrides.Duration = durationpb.New(-time.Second) }, "overrides.duration"},
			{"unknown time zone", func(r *apiv1.LogInteractionRequest) { r.Overrides.TimeZone = proto.String("Mars/Olympus") }, "overrides.time_zone"},
			{"malformed time zone", func(r *apiv1.LogInteractionRequest) { r.Overrides.TimeZone = proto.String("../etc") }, "overrides.time_zone"},
			{"unknown evaluation", func(r *apiv1.LogInteractionRequest) { r.Overrides.Evaluation = apiv1.Evaluation(9).Enum() }, "overrides.evaluation"},
			{"unknown correspondence", func(r *apiv1.LogInteractionRequest) {
				r.Overrides.CorrespondenceType = apiv1.CorrespondenceType(7).Enum()
			}, "overrides.correspondence_type"},
			{"bad campaign", func(r *apiv1.LogInteractionRequest) { r.Overrides.CampaignNo = proto.String("C%") }, "overrides.campaign_no"},
			{"bad salesperson", func(r *apiv1.LogInteractionRequest) {
				r.Overrides.SalespersonCode = proto.String(strings.Repeat("S", 21))
			}, "overrides.salesperson_code"},
			{"bad language", func(r *apiv1.LogInteractionRequest) { r.Overrides.LanguageCode = proto.String("L*") }, "overrides.language_code"},
			{"description too long", func(r *apiv1.LogInteractionRequest) { r.Overrides.Description = proto.String(strings.Repeat("d", 101)) }, "overrides.description"},
			{"contact via too long", func(r *apiv1.LogInteractionRequest) { r.Overrides.ContactVia = proto.String(strings.Repeat("v", 81)) }, "overrides.contact_via"},
			{"control character in subject", func(r *apiv1.LogInteractionRequest) { r.Overrides.Subject = proto.String("a\x1bb") }, "overrides.subject"},
			{"invalid time", func(r *apiv1.LogInteractionRequest) {
				r.Overrides.InteractionTime = &timestamppb.Timestamp{Seconds: -1e12}
			}, "overrides.interaction_time"},
			{"empty comment", func(r *apiv1.LogInteractionRequest) { r.Comments = []string{"ok", ""} }, "comments[1]"},
			{"comment too long", func(r *apiv1.LogInteractionRequest) { r.Comments = []string{strings.Repeat("c", 2001)} }, "comments[0]"},
			{"too many comments", func(r *apiv1.LogInteractionRequest) { r.Comments = make([]string, 101) }, "comments"},
			{"request id not a uuid", func(r *apiv1.LogInteractionRequest) { r.RequestId = "again" }, "request_id"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				r := valid()
				c.change(r)
				_, err := env.Log.LogInteraction(ctx, r)
				ts.WantInvalid(t, err, c.field)
			})
		}
		for _, name := range []string{"interactionLogEntries/0", "interactionLogEntries/x", "entries/1", "interactionLogEntries/1/2"} {
			_, err := env.Log.GetInteractionLogEntry(ctx, &apiv1.GetInteractionLogEntryRequest{Name: name})
			ts.WantInvalid(t, err, "name")
		}
		_, err := env.Log.GetInteractionLogEntry(ctx, &apiv1.GetInteractionLogEntryRequest{Name: "interactionLogEntries/999"})
		ts.WantCode(t, err, codes.NotFound, "NOT_FOUND")
	})
}

// setTemplate updates template fields named by paths.
func setTemplate(t *testing.T, env *ts.Env, tmpl *apiv1.InteractionTemplate, paths ...string) {
	t.Helper()
	_, err := env.Templates.UpdateInteractionTemplate(context.Background(), &apiv1.UpdateInteractionTemplateRequest{
		InteractionTemplate: tmpl, UpdateMask: &fieldmaskpb.FieldMask{Paths: paths},
	})
	ts.NoErr(t, err)
}

// languageCase is one contact logged with an optional language override,
// and the language row and attachment its entry must get.
type languageCase struct {
	name, contact string
	override      *string
	wantLang      string
	wantAtt       string
}

func TestLogInteractionLanguageAndAttachment(t *testing.T) {
	ts.ForEachEngine(t, func(t *testing.T, env *ts.Env) {
		logFixture(t, env)
		neutral, danish := insertAttachment(t, env, "neutral.txt"), insertAttachment(t, env, "danish.txt")
		addLanguage(t, env, "CALL", "DA", danish)
		addLanguage(t, env, "CALL", "EN", "")
		setTemplate(t, env, &apiv1.InteractionTemplate{Name: "interactionTemplates/CALL", Attachment: neutral}, "attachment")
		for _, c := range []struct{ no, lang string }{{"P-DA", "DA"}, {"P-EN", "EN"}, {"P-FR", "FR"}, {"P-NONE", ""}} {
			createContact(t, env, &apiv1.Contact{No: c.no, Type: person, LanguageCode: c.lang, SalespersonCode: "SP"})
		}
		if attachmentReadOnly(t, env, neutral) || attachmentReadOnly(t, env, danish) {
			t.Fatal("attachments are read-only before any entry uses them")
		}
		cases := []languageCase{
			{"contact's language row", "P-DA", nil, "DA", danish},
			{"a chosen row without attachment gives none (SPEC §2.5 rule 3)", "P-EN", nil, "EN", ""},
			{"no row for the contact's language, no default", "P-FR", nil, "", neutral},
			{"contact without language", "P-NONE", nil, "", neutral},
			{"override picks a row", "P-FR", proto.String("da"), "DA", danish},
			{"blank override picks none", "P-DA", proto.String(""), "", neutral},
		}
		run := func(cases []languageCase) {
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					e := logCall(t, env, c.contact, &apiv1.InteractionOverrides{LanguageCode: c.override})
					if e.GetLanguageCode() != c.wantLang || e.GetAttachment() != c.wantAtt {
						t.Fatalf("language %q attachment %q, want %q %q", e.GetLanguageCode(), e.GetAttachment(), c.wantLang, c.wantAtt)
					}
				})
			}
		}
		run(cases)
		if !attachmentReadOnly(t, env, neutral) || !attachmentReadOnly(t, env, danish) {
			t.Fatal("attachments used by logged entries must be read-only")
		}

		// With a default language, contacts without a matching row get the default's.
		setTemplate(t, env, &apiv1.InteractionTemplate{Name: "interactionTemplates/CALL", LanguageCodeDefault: "DA"}, "language_code_default")
		run([]languageCase{
			{"default language row", "P-FR", nil, "DA", danish},
			{"contact's row beats the default", "P-EN", nil, "EN", ""},
		})
	})
}

func TestLogInteractionCorrespondenceType(t *testing.T) {
	ts.ForEachEngine(t, func(t *testing.T, env *ts.Env) {
		logFixture(t, env) // CALL defaults to EMAIL
		createGroup(t, env, "LETTERS")
		createTemplate(t, env, "LETTER", "LETTERS")
		setTemplate(t, env, &apiv1.InteractionTemplate{Name: "interactionTemplates/LETTER", CorrespondenceType: hardCopy, IgnoreContactCorrespondenceType: true},
			"correspondence_type", "ignore_contact_correspondence_type")
		for _, c := range []*apiv1.Contact{
			{No: "MAIL-NOPREF", Email: "a@example.com"},
			{No: "NOMAIL-NOPREF"},
			{No: "MAIL-PAPER", Email: "b@example.com", CorrespondenceType: hardCopy},
			{No: "NOMAIL-EMAIL", CorrespondenceType: email},
		} {
			c.Type, c.SalespersonCode = person, "SP"
			createContact(t, env, c)
		}
		cases := []struct {
			name, contact, template string
			override                *apiv1.CorrespondenceType
			want                    apiv1.CorrespondenceType
			wantVia                 string
		}{
			{"template default when the contact has no preference", "MAIL-NOPREF", "CALL", nil, email, "a@example.com"},
			{"e-mail without an address becomes blank", "NOMAIL-NOPREF", "CALL", nil, noCorr, ""},
			{"contact preference beats the template default", "MAIL-PAPER", "CALL", nil, hardCopy, ""},
			{"contact preference of e-mail without an address", "NOMAIL-EMAIL", "CALL", nil, noCorr, ""},
			{"template that ignores the contact preference", "MAIL-NOPREF", "LETTER", nil, hardCopy, ""},
			{"override wins", "MAIL-PAPER", "CALL", email.Enum(), email, "b@example.com"},
			{"override wins over an ignoring template", "MAIL-PAPER", "LETTER", noCorr.Enum(), noCorr, ""},
			{"override of e-mail without an address", "NOMAIL-NOPREF", "CALL", email.Enum(), noCorr, ""},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				resp, err := env.Log.LogInteraction(context.Background(), &apiv1.LogInteractionRequest{
					ContactNo: c.contact, InteractionTemplateCode: c.template,
					Overrides: &apiv1.InteractionOverrides{CorrespondenceType: c.override},
				})
				ts.NoErr(t, err)
				e := resp.GetInteractionLogEntry()
				if e.GetCorrespondenceType() != c.want || e.GetContactVia() != c.wantVia {
					t.Fatalf("correspondence %v via %q, want %v via %q", e.GetCorrespondenceType(), e.GetContactVia(), c.want, c.wantVia)
				}
			})
		}
	})
}

func TestPostponedInteractionLifecycle(t *testing.T) {
	ts.ForEachEngine(t, func(t *testing.T, env *ts.Env) {
		ctx := context.Background()
		logFixture(t, env)
		createContact(t, env, &apiv1.Contact{No: "SHY", Type: person, PrivacyBlocked: true})
		at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

		// A draft needs only an existing contact: no salesperson, a blocked contact and an unknown template are fine.
		resp, err := env.Log.LogInteraction(ctx, &apiv1.LogInteractionRequest{
			ContactNo: "SHY", InteractionTemplateCode: "LATER", Postpone: true, Comments: []string{"note"},
			Overrides: &apiv1.InteractionOverrides{Subject: proto.String("Draft subject"), InteractionTime: timestamppb.New(at), Cost: proto.String("3")},
		})
		ts.NoErr(t, err)
		draft := resp.GetInteractionLogEntry()
		if !draft.GetPostponed() || draft.GetInteractionTemplateCode() != "LATER" || draft.GetSubject() != "Draft subject" || draft.GetCommentCount() != 1 {
			t.Fatalf("draft %v", draft)
		}
		_, err = env.Log.LogInteraction(ctx, &apiv1.LogInteractionRequest{ContactNo: "NOPE", InteractionTemplateCode: "CALL", Postpone: true})
		ts.WantCode(t, err, codes.NotFound, "CONTACT_NOT_FOUND")

		// Resuming runs every check.
		resume := func(templateCode string, o *apiv1.InteractionOverrides) (*apiv1.InteractionLogEntry, error) {
			r, err := env.Log.ResumeInteraction(ctx, &apiv1.ResumeInteractionRequest{Name: draft.GetName(), InteractionTemplateCode: templateCode, Overrides: o})
			return r.GetInteractionLogEntry(), err
		}
		_, err = resume("", nil)
		ts.WantCode(t, err, codes.NotFound, "TEMPLATE_NOT_FOUND")
		_, err = resume("CALL", nil)
		ts.WantCode(t, err, codes.FailedPrecondition, "CONTACT_PRIVACY_BLOCKED")
		_, err = env.Contacts.UpdateContact(ctx, &apiv1.UpdateContactRequest{
			Contact: &apiv1.Contact{Name: "contacts/SHY"}, UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"privacy_blocked"}},
		})
		ts.NoErr(t, err)
		_, err = resume("CALL", nil)
		ts.WantCode(t, err, codes.InvalidArgument, "SALESPERSON_REQUIRED")

		logged, err := resume("CALL", &apiv1.InteractionOverrides{SalespersonCode: proto.String("SP5"), Description: proto.String("Done")})
		ts.NoErr(t, err)
		if logged.GetEntryNo() != draft.GetEntryNo() || logged.GetPostponed() || logged.GetInteractionTemplateCode() != "CALL" ||
			logged.GetInteractionGroupCode() != "CALLS" || logged.GetSalespersonCode() != "SP5" || logged.GetDescription() != "Done" ||
			logged.GetSubject() != "Draft subject" || logged.GetCost() != "3" || logged.GetDuration().AsDuration() != 90*time.Second ||
			!logged.GetInteractionTime().AsTime().Equal(at) || logged.GetCommentCount() != 1 {
			t.Fatalf("resumed entry %v: want the same entry, logged, with the draft's values under the new ones and the template's defaults", logged)
		}
		_, err = resume("", nil)
		ts.WantCode(t, err, codes.FailedPrecondition, "ENTRY_NOT_POSTPONED")
		_, err = env.Log.DeletePostponedInteraction(ctx, &apiv1.DeletePostponedInteractionRequest{Name: logged.GetName()})
		ts.WantCode(t, err, codes.FailedPrecondition, "ENTRY_NOT_POSTPONED")

		// A draft can be deleted, comments and all.
		resp, err = env.Log.LogInteraction(ctx, &apiv1.LogInteractionRequest{ContactNo: "ANN", InteractionTemplateCode: "CALL", Postpone: true, Comments: []string{"x"}})
		ts.NoErr(t, err)
		second := resp.GetInteractionLogEntry()
		_, err = env.Log.DeletePostponedInteraction(ctx, &apiv1.DeletePostponedInteractionRequest{Name: second.GetName()})
		ts.NoErr(t, err)
		_, err = env.Log.GetInteractionLogEntry(ctx, &apiv1.GetInteractionLogEntryRequest{Name: second.GetName()})
		ts.WantCode(t, err, codes.NotFound, "NOT_FOUND")
		_, err = env.Log.DeletePostponedInteraction(ctx, &apiv1.DeletePostponedInteractionRequest{Name: second.GetName()})
		ts.WantCode(t, err, codes.NotFound, "NOT_FOUND")
		_, err = env.Log.ResumeInteraction(ctx, &apiv1.ResumeInteractionRequest{Name: second.GetName()})
		ts.WantCode(t, err, codes.NotFound, "NOT_FOUND")
		if n := countRows(t, env, "interaction_log_comments", "entry_no = ?", second.GetEntryNo()); n != 0 {
			t.Fatalf("%d comments left of a deleted draft", n)
		}
		_, err = env.Log.ResumeInteraction(ctx, &apiv1.ResumeInteractionRequest{Name: "interactionLogEntries/abc"})
		ts.WantInvalid(t, err, "name")
		_, err = env.Log.ResumeInteraction(ctx, &apiv1.ResumeInteractionRequest{Name: logged.GetName(), Overrides: &apiv1.InteractionOverrides{Cost: proto.String("x")}})
		ts.WantInvalid(t, err, "overrides.cost")
	})
}

func TestContactRulesWithLogEntries(t *testing.T) {
	ts.ForEachEngine(t, func(t *testing.T, env *ts.Env) {
		ctx := context.Background()
		logFixture(t, env)
		logCall(t, env, "ANN", nil)
		_, err := env.Contacts.UpdateContact(ctx, &apiv1.UpdateContactRequest{
			Contact: &apiv1.Contact{Name: "contacts/ANN", Type: company}, UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"type"}},
		})
		ts.WantCode(t, err, codes.FailedPrecondition, "CONTACT_TYPE_LOCKED")
		_, err = env.Contacts.BatchUpsertContacts(ctx, &apiv1.BatchUpsertContactsRequest{Contacts: []*apiv1.Contact{{No: "ANN", Type: company}}})
		ts.WantCode(t, err, codes.FailedPrecondition, "CONTACT_TYPE_LOCKED")
		_, err = env.Contacts.DeleteContact(ctx, &apiv1.DeleteContactRequest{Name: "contacts/ANN"})
		ts.WantCode(t, err, codes.FailedPrecondition, "CONTACT_HAS_LOG_ENTRIES")
		// Other fields may still change, and the entry keeps its company snapshot.
		_, err = env.Contacts.UpdateContact(ctx, &apiv1.UpdateContactRequest{
			Contact: &apiv1.Contact{Name: "contacts/ANN", Type: person}, UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"type", "company_no"}},
		})
		ts.NoErr(t, err)
		e := logCall(t, env, "ANN", nil)
		if e.GetContactCompanyNo() != "" {
			t.Fatalf("new entry has company %q after ANN left ACME", e.GetContactCompanyNo())
		}
		if n := countRows(t, env, "interaction_log_entries", "contact_company_no = ?", "ACME"); n != 1 {
			t.Fatalf("%d entries keep the ACME snapshot, want 1", n)
		}
	})
}

// TestLogInteractionRetriedConcurrently: retries with one request id create
// one entry, even when they run at the same time.
func TestLogInteractionRetriedConcurrently(t *testing.T) {
	ts.ForEachEngine(t, func(t *testing.T, env *ts.Env) {
		logFixture(t, env)
		req := &apiv1.LogInteractionRequest{ContactNo: "ANN", InteractionTemplateCode: "CALL", RequestId: uuid.NewString(), Comments: []string{"once"}}
		const retries = 8
		entryNos := make([]int64, retries)
		errs := make([]error, retries)
		inParallel(retries, func(i int) {
			resp, err := env.Log.LogInteraction(context.Background(), req)
			entryNos[i], errs[i] = resp.GetInteractionLogEntry().GetEntryNo(), err
		})
		for i := range retries {
			ts.NoErr(t, errs[i])
			if entryNos[i] != entryNos[0] || entryNos[i] == 0 {
				t.Fatalf("retry %d got entry %d, retry 0 got %d", i, entryNos[i], entryNos[0])
			}
		}
		if n := countRows(t, env, "interaction_log_entries", "1 = 1"); n != 1 {
			t.Fatalf("%d entries for one request id, want 1", n)
		}
		if n := countRows(t, env, "interaction_log_comments", "1 = 1"); n != 1 {
			t.Fatalf("%d comments for one request id, want 1", n)
		}
		// The same id with another request is refused.
		other := proto.Clone(req).(*apiv1.LogInteractionRequest)
		other.Comments = nil
		_, err := env.Log.LogInteraction(context.Background(), other)
		ts.WantRequestIDReused(t, err)
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// configureInvoices names template INVOICE (group DOCS, campaign INV-CAMP)
// in the setup for sales invoices.
func configureInvoices(t *testing.T, env *ts.Env) {
	t.Helper()
	createGroup(t, env, "DOCS")
	tmpl := createTemplate(t, env, "INVOICE", "DOCS")
	setTemplate(t, env, &apiv1.InteractionTemplate{Name: tmpl.GetName(), CampaignNo: "INV-CAMP"}, "campaign_no")
	addLanguage(t, env, "INVOICE", "DA", "")
	_, err := env.Templates.UpdateInteractionTemplateSetup(context.Background(), &apiv1.UpdateInteractionTemplateSetupRequest{
		InteractionTemplateSetup: &apiv1.InteractionTemplateSetup{SalesInvoice: "INVOICE"},
		UpdateMask:               &fieldmaskpb.FieldMask{Paths: []string{"sales_invoice"}},
	})
	ts.NoErr(t, err)
}

func TestRecordDocumentInteraction(t *testing.T) {
	ts.ForEachEngine(t, func(t *testing.T, env *ts.Env) {
		ctx := context.Background()
		configureInvoices(t, env)
		createContact(t, env, &apiv1.Contact{No: "BUYER", Type: company, LanguageCode: "DA"}) // no salesperson
		at := time.Date(2026, 5, 6, 7, 8, 9, 0, time.UTC)
		invoice := &apiv1.RecordDocumentInteractionRequest{
			DocumentType: apiv1.DocumentType_DOCUMENT_TYPE_SALES_INVOICE, DocumentNo: "si-1001",
			DocNoOccurrence: 2, VersionNo: 3, ContactNo: "buyer", OpportunityNo: "OP-7", InteractionTime: timestamppb.New(at),
			RequestId: uuid.NewString(),
		}
		resp, err := env.Log.RecordDocumentInteraction(ctx, invoice)
		ts.NoErr(t, err)
		e := resp.GetInteractionLogEntry()
		if !resp.GetRecorded() || e.GetDocumentType() != apiv1.DocumentType_DOCUMENT_TYPE_SALES_INVOICE || e.GetDocumentNo() != "SI-1001" ||
			e.GetDocNoOccurrence() != 2 || e.GetVersionNo() != 3 || e.GetContactNo() != "BUYER" || e.GetSalespersonCode() != "" ||
			e.GetInteractionTemplateCode() != "INVOICE" || e.GetInteractionGroupCode() != "DOCS" || e.GetDescription() != "Template INVOICE" ||
			e.GetCampaignNo() != "INV-CAMP" || e.GetOpportunityNo() != "OP-7" || e.GetLanguageCode() != "DA" ||
			!e.GetInteractionTime().AsTime().Equal(at) || e.GetUserId() != "anonymous" {
			t.Fatalf("recorded %v", e)
		}
		// A retry with the same request id records nothing more.
		again, err := env.Log.RecordDocumentInteraction(ctx, invoice)
		ts.NoErr(t, err)
		if again.GetInteractionLogEntry().GetEntryNo() != e.GetEntryNo() {
			t.Fatalf("retry recorded entry %d, want %d", again.GetInteractionLogEntry().GetEntryNo(), e.GetEntryNo())
		}

		// Request values replace the template's.
		resp, err = env.Log.RecordDocumentInteraction(ctx, &apiv1.RecordDocumentInteractionRequest{
			DocumentType: apiv1.DocumentType_DOCUMENT_TYPE_SALES_INVOICE, DocumentNo: "SI-1002", ContactNo: "BUYER",
			SalespersonCode: "sp", CampaignNo: "other", Description: "Invoice SI-1002",
		})
		ts.NoErr(t, err)
		if e := resp.GetInteractionLogEntry(); e.GetSalespersonCode() != "SP" || e.GetCampaignNo() != "OTHER" || e.GetDescription() != "Invoice SI-1002" {
			t.Fatalf("recorded with values %v", e)
		}

		// No template for quotes: not recorded, no error, no entry.
		resp, err = env.Log.RecordDocumentInteraction(ctx, &apiv1.RecordDocumentInteractionRequest{
			DocumentType: apiv1.DocumentType_DOCUMENT_TYPE_SALES_QUOTE, DocumentNo: "SQ-1", ContactNo: "BUYER",
		})
		ts.NoErr(t, err)
		if resp.GetRecorded() || resp.GetInteractionLogEntry() != nil {
			t.Fatalf("unconfigured document type: %v", resp)
		}
		if n := countRows(t, env, "interaction_log_entries", "1 = 1"); n != 2 {
			t.Fatalf("%d entries, want 2", n)
		}

		_, err = env.Log.RecordDocumentInteraction(ctx, &apiv1.RecordDocumentInteractionRequest{
			DocumentType: apiv1.DocumentType_DOCUMENT_TYPE_SALES_INVOICE, DocumentNo: "SI-1", ContactNo: "NOPE",
		})
		ts.WantCode(t, err, codes.NotFound, "CONTACT_NOT_FOUND")
		createContact(t, env, &apiv1.Contact{No: "HIDDEN", Type: person, PrivacyBlocked: true})
		_, err = env.Log.RecordDocumentInteraction(ctx, &apiv1.RecordDocumentInteractionRequest{
			DocumentType: apiv1.DocumentType_DOCUMENT_TYPE_SALES_INVOICE, DocumentNo: "SI-1", ContactNo: "HIDDEN",
		})
		ts.WantCode(t, err, codes.FailedPrecondition, "CONTACT_PRIVACY_BLOCKED")
	})
}

// TestRecordDocumentTakesContactSalesperson: without a salesperson in the
// request the entry gets the contact's, as BC's LogDocument does; the
// request's wins, and a contact without one leaves it blank.
func TestRecordDocumentTakesContactSalesperson(t *testing.T) {
	ts.ForEachEngine(t, func(t *testing.T, env *ts.Env) {
		configureInvoices(t, env)
		createContact(t, env, &apiv1.Contact{No: "BUYER", Type: company, SalespersonCode: "SP-C"})
		createContact(t, env, &apiv1.Contact{No: "LONE", Type: company})
		for _, c := range []struct{ contact, given, want string }{
			{"BUYER", "", "SP-C"},
			{"BUYER", "sp-r", "SP-R"},
			{"LONE", "", ""},
		} {
			resp, err := env.Log.RecordDocumentInteraction(context.Background(), &apiv1.RecordDocumentInteractionRequest{
				DocumentType: apiv1.DocumentType_DOCUMENT_TYPE_SALES_INVOICE, DocumentNo: "SI-1",
				ContactNo: c.contact, SalespersonCode: c.given,
			})
			ts.NoErr(t, err)
			if got := resp.GetInteractionLogEntry().GetSalespersonCode(); got != c.want {
				t.Errorf("contact %s, request salesperson %q: entry has %q, want %q", c.contact, c.given, got, c.want)
			}
		}
	})
}

// TestRecordDocumentRefusesAttachments: the setup keeps attachments away from
// document templates, and recording checks again (SPEC §2.3): here one is
// forced onto a language row, then onto the template, behind the API's back.
func TestRecordDocumentRefusesAttachments(t *testing.T) {
	ts.ForEachEngine(t, func(t *testing.T, env *ts.Env) {
		configureInvoices(t, env)
		createContact(t, env, &apiv1.Contact{No: "BUYER", Type: company})
		db := rawDB(t, env)
		id := strings.TrimPrefix(insertAttachment(t, env, "terms.pdf"), "attachments/")
		record := func() error {
			_, err := env.Log.RecordDocumentInteraction(context.Background(), &apiv1.RecordDocumentInteractionRequest{
				DocumentType: apiv1.DocumentType_DOCUMENT_TYPE_SALES_INVOICE, DocumentNo: "SI-1", ContactNo: "BUYER",
			})
			return err
		}
		for _, stmt := range []string{
			`UPDATE interaction_template_languages SET attachment_id = ? WHERE template_code = 'INVOICE'`,
			`UPDATE interaction_templates SET attachment_id = ? WHERE code = 'INVOICE'`,
		} {
			if _, err := db.Exec(stmt, id); err != nil {
				t.Fatal(err)
			}
			ts.WantCode(t, record(), codes.FailedPrecondition, "TEMPLATE_HAS_ATTACHMENT")
			if _, err := db.Exec(strings.Replace(stmt, "= ?", "= NULL", 1)); err != nil {
				t.Fatal(err)
			}
		}
		ts.NoErr(t, record())
	})
}

func TestRecordDocumentInvalidInput(t *testing.T) {
	ts.ForEachEngine(t, func(t *testing.T, env *ts.Env) {
		valid := func() *apiv1.RecordDocumentInteractionRequest {
			return &apiv1.RecordDocumentInteractionRequest{DocumentType: apiv1.DocumentType_DOCUMENT_TYPE_SALES_INVOICE, DocumentNo: "SI-1", ContactNo: "C"}
		}
		cases := []struct {
			name   string
			change func(r *apiv1.RecordDocumentInteractionRequest)
			field  string
		}{
			{"no document type", func(r *apiv1.RecordDocumentInteractionRequest) { r.DocumentType = 0 }, "document_type"},
			{"unknown document type", func(r *apiv1.RecordDocumentInteractionRequest) { r.DocumentType = 99 }, "document_type"},
			{"blank document no", func(r *apiv1.RecordDocumentInteractionRequest) { r.DocumentNo = " " }, "document_no"},
			{"blank contact", func(r *apiv1.RecordDocumentInteractionRequest) { r.ContactNo = "" }, "contact_no"},
			{"negative version", func(r *apiv1.RecordDocumentInteractionRequest) { r.VersionNo = -1 }, "version_no"},
			{"negative occurrence", func(r *apiv1.RecordDocumentInteractionRequest) { r.DocNoOccurrence = -1 }, "doc_no_occurrence"},
			{"bad salesperson", func(r *apiv1.RecordDocumentInteractionRequest) { r.SalespersonCode = "S;" }, "salesperson_code"},
			{"bad campaign", func(r *apiv1.RecordDocumentInteractionRequest) { r.CampaignNo = "C;" }, "campaign_no"},
			{"bad opportunity", func(r *apiv1.RecordDocumentInteractionRequest) { r.OpportunityNo = strings.Repeat("O", 21) }, "opportunity_no"},
			{"description too long", func(r *apiv1.RecordDocumentInteractionRequest) { r.Description = strings.Repeat("d", 101) }, "description"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				r := valid()
				c.change(r)
				_, err := env.Log.RecordDocumentInteraction(context.Background(), r)
				ts.WantInvalid(t, err, c.field)
			})
		}
	})
}

// inParallel runs fn(0) to fn(n-1) at the same time and waits for them all.
func inParallel(n int, fn func(i int)) {
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fn(i)
		}()
	}
	wg.Wait()
}
