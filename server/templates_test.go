package server_test

import (
	"context"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	apiv1 "github.com/interlog/interlog/gen/interlog/v1"
	ts "github.com/interlog/interlog/internal/testserver"
)

func TestTemplateLifecycle(t *testing.T) {
	ts.ForEachEngine(t, func(t *testing.T, env *ts.Env) {
		ctx := context.Background()
		createGroup(t, env, "LETTER")
		createGroup(t, env, "MEETING")
		resp, err := env.Templates.CreateInteractionTemplate(ctx, &apiv1.CreateInteractionTemplateRequest{
			InteractionTemplate: &apiv1.InteractionTemplate{
				Code: "abstract", InteractionGroupCode: "letter", Description: "Abstract",
				UnitCost: "12.50", UnitDuration: durationpb.New(90e9),
				InformationFlow: apiv1.InformationFlow_INFORMATION_FLOW_OUTBOUND,
				InitiatedBy:     apiv1.InitiatedBy_INITIATED_BY_US,
				CampaignNo:      "camp-1", CampaignTarget: true,
				WizardAction: apiv1.WizardAction_WIZARD_ACTION_MERGE,
			},
		})
		ts.NoErr(t, err)
		tmpl := resp.GetInteractionTemplate()
		if tmpl.GetName() != "interactionTemplates/ABSTRACT" || tmpl.GetInteractionGroupCode() != "LETTER" ||
			tmpl.GetUnitCost() != "12.5" || tmpl.GetUnitDuration().AsDuration().Seconds() != 90 ||
			tmpl.GetCampaignNo() != "CAMP-1" || !tmpl.GetCampaignTarget() ||
			tmpl.GetWizardAction() != apiv1.WizardAction_WIZARD_ACTION_MERGE {
			t.Fatalf("created %v", tmpl)
		}
		if tmpl.GetCorrespondenceType() != apiv1.CorrespondenceType_CORRESPONDENCE_TYPE_EMAIL {
			t.Fatalf("correspondence type %v, want EMAIL when unset on create", tmpl.GetCorrespondenceType())
		}

		_, err = env.Templates.CreateInteractionTemplate(ctx, &apiv1.CreateInteractionTemplateRequest{
			InteractionTemplate: &apiv1.InteractionTemplate{Code: "Abstract", InteractionGroupCode: "LETTER"},
		})
		ts.WantCode(t, err, codes.AlreadyExists, "ALREADY_EXISTS")

		// Move it to another group and change its cost; the etag must be current.
		upd, err := env.Templates.UpdateInteractionTemplate(ctx, &apiv1.UpdateInteractionTemplateRequest{
			InteractionTemplate: &apiv1.InteractionTemplate{Name: tmpl.GetName(), InteractionGroupCode: "meeting", UnitCost: "0.000001", Etag: tmpl.GetEtag()},
			UpdateMask:          &fieldmaskpb.FieldMask{Paths: []string{"interaction_group_code", "unit_cost"}},
		})
		ts.NoErr(t, err)
		got := upd.GetInteractionTemplate()
		if got.GetInteractionGroupCode() != "MEETING" || got.GetUnitCost() != "0.000001" || got.GetDescription() != "Abstract" {
			t.Fatalf("updated %v: want group and cost changed, description kept", got)
		}
		_, err = env.Templates.UpdateInteractionTemplate(ctx, &apiv1.UpdateInteractionTemplateRequest{
			InteractionTemplate: &apiv1.InteractionTemplate{Name: tmpl.GetName(), Description: "stale", Etag: tmpl.GetEtag()},
			UpdateMask:          &fieldmaskpb.FieldMask{Paths: []string{"description"}},
		})
		ts.WantCode(t, err, codes.Aborted, "ETAG_MISMATCH")
		_, err = env.Templates.UpdateInteractionTemplate(ctx, &apiv1.UpdateInteractionTemplateRequest{
			InteractionTemplate: &apiv1.InteractionTemplate{Name: tmpl.GetName(), InteractionGroupCode: "NOPE"},
			UpdateMask:          &fieldmaskpb.FieldMask{Paths: []string{"interaction_group_code"}},
		})
		ts.WantCode(t, err, codes.NotFound, "GROUP_NOT_FOUND")
		_, err = env.Templates.UpdateInteractionTemplate(ctx, &apiv1.UpdateInteractionTemplateRequest{
			InteractionTemplate: &apiv1.InteractionTemplate{Name: tmpl.GetName(), Code: "X"},
			UpdateMask:          &fieldmaskpb.FieldMask{Paths: []string{"code"}},
		})
		ts.WantInvalid(t, err, "update_mask")

		// A group with templates cannot be deleted; the old group can now.
		_, err = env.Groups.DeleteInteractionGroup(ctx, &apiv1.DeleteInteractionGroupRequest{Name: "interactionGroups/MEETING"})
		ts.WantCode(t, err, codes.FailedPrecondition, "GROUP_HAS_TEMPLATES")
		_, err = env.Groups.DeleteInteractionGroup(ctx, &apiv1.DeleteInteractionGroupRequest{Name: "interactionGroups/LETTER"})
		ts.NoErr(t, err)

		list, err := env.Templates.ListInteractionTemplates(ctx, &apiv1.ListInteractionTemplatesRequest{InteractionGroupCode: "meeting"})
		ts.NoErr(t, err)
		if len(list.GetInteractionTemplates()) != 1 {
			t.Fatalf("list by group: %v", list)
		}

		_, err = env.Templates.DeleteInteractionTemplate(ctx, &apiv1.DeleteInteractionTemplateRequest{Name: tmpl.GetName()})
		ts.NoErr(t, err)
		_, err = env.Templates.GetInteractionTemplate(ctx, &apiv1.GetInteractionTemplateRequest{Name: tmpl.GetName()})
		ts.WantCode(t, err, codes.NotFound, "TEMPLATE_NOT_FOUND")
	})
}

func TestTemplateCreateRefusals(t *testing.T) {
	ts.ForEachEngine(t, func(t *testing.T, env *ts.Env) {
		ctx := context.Background()
		create := func(tmpl *apiv1.InteractionTemplate) error {
			_, err := env.Templates.CreateInteractionTemplate(ctx, &apiv1.CreateInteractionTemplateRequest{InteractionTemplate: tmpl})
			return err
		}
		ts.WantCode(t, create(&apiv1.InteractionTemplate{Code: "T", InteractionGroupCode: "NONE"}), codes.NotFound, "GROUP_NOT_FOUND")
		createGroup(t, env, "G")
		ts.WantCode(t, create(&apiv1.InteractionTemplate{Code: "T", InteractionGroupCode: "G", LanguageCodeDefault: "ENU"}),
			codes.FailedPrecondition, "DEFAULT_LANGUAGE_NOT_FOUND")
		ts.WantCode(t, create(&apiv1.InteractionTemplate{Code: "T", InteractionGroupCode: "G", Attachment: "attachments/99"}),
			codes.NotFound, "ATTACHMENT_NOT_FOUND")

		invalid := []struct {
			tmpl  *apiv1.InteractionTemplate
			field string
		}{
			{&apiv1.InteractionTemplate{InteractionGroupCode: "G"}, "interaction_template.code"},
			{&apiv1.InteractionTemplate{Code: "T"}, "interaction_template.interaction_group_code"},
			{&apiv1.InteractionTemplate{Code: "T", InteractionGroupCode: "G", UnitCost: "-1"}, "interaction_template.unit_cost"},
			{&apiv1.InteractionTemplate{Code: "T", InteractionGroupCode: "G", UnitCost: "1.1234567"}, "interaction_template.unit_cost"},
			{&apiv1.InteractionTemplate{Code: "T", InteractionGroupCode: "G", UnitCost: "1000000000000.01"}, "interaction_template.unit_cost"},
			{&apiv1.InteractionTemplate{Code: "T", InteractionGroupCode: "G", UnitCost: "1e3"}, "interaction_template.unit_cost"},
			{&apiv1.InteractionTemplate{Code: "T", InteractionGroupCode: "G", UnitDuration: durationpb.New(1500e6)}, "interaction_template.unit_duration"},
			{&apiv1.InteractionTemplate{Code: "T", InteractionGroupCode: "G", UnitDuration: durationpb.New(-1e9)}, "interaction_template.unit_duration"},
			{&apiv1.InteractionTemplate{Code: "T", InteractionGroupCode: "G", InformationFlow: 7}, "interaction_template.information_flow"},
			{&apiv1.InteractionTemplate{Code: "T", InteractionGroupCode: "G", InitiatedBy: -1}, "interaction_template.initiated_by"},
			{&apiv1.InteractionTemplate{Code: "T", InteractionGroupCode: "G", CorrespondenceType: 3}, "interaction_template.correspondence_type"},
			{&apiv1.InteractionTemplate{Code: "T", InteractionGroupCode: "G", WizardAction: 9}, "interaction_template.wizard_action"},
			{&apiv1.InteractionTemplate{Code: "T", InteractionGroupCode: "G", CampaignNo: "123456789012345678901"}, "interaction_template.campaign_no"},
			{&apiv1.InteractionTemplate{Code: "T", InteractionGroupCode: "G", Attachment: "files/1"}, "interaction_template.attachment"},
		}
		for _, c := range invalid {
			ts.WantInvalid(t, create(c.tmpl), c.field)
		}
		if err := create(&apiv1.InteractionTemplate{Code: "T", InteractionGroupCode: "G", UnitCost: "1000000000000"}); err != nil {
			t.Fatalf("the largest amount is allowed: %v", err)
		}
	})
}

func TestTemplateLanguages(t *testing.T) {
	ts.ForEachEngine(t, func(t *testing.T, env *ts.Env) {
		ctx := context.Background()
		createGroup(t, env, "G")
		tmpl := createTemplate(t, env, "T", "G")
		parent := tmpl.GetName()
		for _, lang := range []string{"enu", "DAN", "deu"} {
			_, err := env.Templates.CreateInteractionTemplateLanguage(ctx, &apiv1.CreateInteractionTemplateLanguageRequest{
				Parent: parent, InteractionTemplateLanguage: &apiv1.InteractionTemplateLanguage{LanguageCode: lang, Description: "in " + lang},
			})
			ts.NoErr(t, err)
		}
		_, err := env.Templates.CreateInteractionTemplateLanguage(ctx, &apiv1.CreateInteractionTemplateLanguageRequest{
			Parent: parent, InteractionTemplateLanguage: &apiv1.InteractionTemplateLanguage{LanguageCode: "Enu"},
		})
		ts.WantCode(t, err, codes.AlreadyExists, "ALREADY_EXISTS")
		_, err = env.Templates.CreateInteractionTemplateLanguage(ctx, &apiv1.CreateInteractionTemplateLanguageRequest{
			Parent: "interactionTemplates/NONE", InteractionTemplateLanguage: &apiv1.InteractionTemplateLanguage{LanguageCode: "ENU"},
		})
		ts.WantCode(t, err, codes.NotFound, "TEMPLATE_NOT_FOUND")
		_, err = env.Templates.CreateInteractionTemplateLanguage(ctx, &apiv1.CreateInteractionTemplateLanguageRequest{
			Parent: parent, InteractionTemplateLanguage: &apiv1.InteractionTemplateLanguage{},
		})
		ts.WantInvalid(t, err, "interaction_template_language.language_code")

		list, err := env.Templates.ListInteractionTemplateLanguages(ctx, &apiv1.ListInteractionTemplateLanguagesRequest{Parent: parent, PageSize: 2})
		ts.NoErr(t, err)
		if len(list.GetInteractionTemplateLanguages()) != 2 || list.GetInteractionTemplateLanguages()[0].GetLanguageCode() != "DAN" || list.GetNextPageToken() == "" {
			t.Fatalf("first page %v", list)
		}
		list, err = env.Templates.ListInteractionTemplateLanguages(ctx, &apiv1.ListInteractionTemplateLanguagesRequest{Parent: parent, PageSize: 2, PageToken: list.GetNextPageToken()})
		ts.NoErr(t, err)
		if len(list.GetInteractionTemplateLanguages()) != 1 || list.GetInteractionTemplateLanguages()[0].GetName() != "interactionTemplates/T/languages/ENU" || list.GetNextPageToken() != "" {
			t.Fatalf("second page %v", list)
		}

		// The default language must name a row; deleting that row clears it.
		setDefault := func(lang string) (*apiv1.InteractionTemplate, error) {
			resp, err := env.Templates.UpdateInteractionTemplate(ctx, &apiv1.UpdateInteractionTemplateRequest{
				InteractionTemplate: &apiv1.InteractionTemplate{Name: parent, LanguageCodeDefault: lang},
				UpdateMask:          &fieldmaskpb.FieldMask{Paths: []string{"language_code_default"}},
			})
			return resp.GetInteractionTemplate(), err
		}
		_, err = setDefault("FRA")
		ts.WantCode(t, err, codes.FailedPrecondition, "DEFAULT_LANGUAGE_NOT_FOUND")
		withDefault, err := setDefault("enu")
		ts.NoErr(t, err)
		if withDefault.GetLanguageCodeDefault() != "ENU" {
			t.Fatalf("default %q", withDefault.GetLanguageCodeDefault())
		}

		upd, err := env.Templates.UpdateInteractionTemplateLanguage(ctx, &apiv1.UpdateInteractionTemplateLanguageRequest{
			InteractionTemplateLanguage: &apiv1.InteractionTemplateLanguage{Name: "interactionTemplates/T/languages/ENU", Description: "English"},
			UpdateMask:                  &fieldmaskpb.FieldMask{Paths: []string{"description"}},
		})
		ts.NoErr(t, err)
		if upd.GetInteractionTemplateLanguage().GetDescription() != "English" {
			t.Fatalf("update language: %v", upd)
		}

		_, err = env.Templates.DeleteInteractionTemplateLanguage(ctx, &apiv1.DeleteInteractionTemplateLanguageRequest{Name: "interactionTemplates/T/languages/ENU"})
		ts.NoErr(t, err)
		after, err := env.Templates.GetInteractionTemplate(ctx, &apiv1.GetInteractionTemplateRequest{Name: parent})
		ts.NoErr(t, err)
		if after.GetInteractionTemplate().GetLanguageCodeDefault() != "" || after.GetInteractionTemplate().GetEtag() == withDefault.GetEtag() {
			t.Fatalf("after deleting the default language row: %v", after.GetInteractionTemplate())
		}
		_, err = env.Templates.GetInteractionTemplateLanguage(ctx, &apiv1.GetInteractionTemplateLanguageRequest{Name: "interactionTemplates/T/languages/ENU"})
		ts.WantCode(t, err, codes.NotFound, "NOT_FOUND")
		updateLanguage := func(name string) error {
			_, err := env.Templates.UpdateInteractionTemplateLanguage(ctx, &apiv1.UpdateInteractionTemplateLanguageRequest{
				InteractionTemplateLanguage: &apiv1.InteractionTemplateLanguage{Name: name, Description: "Gone"},
			})
			return err
		}
		ts.WantCode(t, updateLanguage("interactionTemplates/T/languages/ENU"), codes.NotFound, "NOT_FOUND")
		ts.WantCode(t, updateLanguage("interactionTemplates/NOPE/languages/DAN"), codes.NotFound, "NOT_FOUND")
		for _, bad := range []string{"interactionTemplates/T", "interactionTemplates/T/langs/ENU", "interactionTemplates/T/languages/"} {
			_, err = env.Templates.GetInteractionTemplateLanguage(ctx, &apiv1.GetInteractionTemplateLanguageRequest{Name: bad})
			ts.WantInvalid(t, err, "name")
			ts.WantInvalid(t, updateLanguage(bad), "interaction_template_language.name")
		}

		// Deleting the template deletes its remaining language rows.
		_, err = env.Templates.DeleteInteractionTemplate(ctx, &apiv1.DeleteInteractionTemplateRequest{Name: parent})
		ts.NoErr(t, err)
		createTemplate(t, env, "T", "G")
		list, err = env.Templates.ListInteractionTemplateLanguages(ctx, &apiv1.ListInteractionTemplateLanguagesRequest{Parent: parent})
		ts.NoErr(t, err)
		if len(list.GetInteractionTemplateLanguages()) != 0 {
			t.Fatalf("a re-created template inherited language rows: %v", list)
		}
	})
}

func TestTemplateSetup(t *testing.T) {
	ts.ForEachEngine(t, func(t *testing.T, env *ts.Env) {
		ctx := context.Background()
		createGroup(t, env, "G")
		createTemplate(t, env, "INVOICE", "G")
		createTemplate(t, env, "CALL", "G")

		empty, err := env.Templates.GetInteractionTemplateSetup(ctx, &apiv1.GetInteractionTemplateSetupRequest{})
		ts.NoErr(t, err)
		if s := empty.GetInteractionTemplateSetup(); s.GetName() != "interactionTemplateSetup" || s.GetSalesInvoice() != "" {
			t.Fatalf("empty setup %v", s)
		}
		upd, err := env.Templates.UpdateInteractionTemplateSetup(ctx, &apiv1.UpdateInteractionTemplateSetupRequest{
			InteractionTemplateSetup: &apiv1.InteractionTemplateSetup{SalesInvoice: "invoice", OutgoingCalls: "call", Emails: "ignored", Etag: empty.GetInteractionTemplateSetup().GetEtag()},
			UpdateMask:               &fieldmaskpb.FieldMask{Paths: []string{"sales_invoice", "outgoing_calls"}},
		})
		ts.NoErr(t, err)
		s := upd.GetInteractionTemplateSetup()
		if s.GetSalesInvoice() != "INVOICE" || s.GetOutgoingCalls() != "CALL" || s.GetEmails() != "" {
			t.Fatalf("updated setup %v: want only the masked fields set", s)
		}
		_, err = env.Templates.UpdateInteractionTemplateSetup(ctx, &apiv1.UpdateInteractionTemplateSetupRequest{
			InteractionTemplateSetup: &apiv1.InteractionTemplateSetup{SalesQuote: "CALL", Etag: empty.GetInteractionTemplateSetup().GetEtag()},
			UpdateMask:               &fieldmaskpb.FieldMask{Paths: []string{"sales_quote"}},
		})
		ts.WantCode(t, err, codes.Aborted, "ETAG_MISMATCH")
		_, err = env.Templates.UpdateInteractionTemplateSetup(ctx, &apiv1.UpdateInteractionTemplateSetupRequest{
			InteractionTemplateSetup: &apiv1.InteractionTemplateSetup{SalesQuote: "NONE"},
			UpdateMask:               &fieldmaskpb.FieldMask{Paths: []string{"sales_quote"}},
		})
		ts.WantCode(t, err, codes.NotFound, "TEMPLATE_NOT_FOUND")
		_, err = env.Templates.UpdateInteractionTemplateSetup(ctx, &apiv1.UpdateInteractionTemplateSetupRequest{
			InteractionTemplateSetup: &apiv1.InteractionTemplateSetup{},
			UpdateMask:               &fieldmaskpb.FieldMask{Paths: []string{"etag"}},
		})
		ts.WantInvalid(t, err, "update_mask")
		_, err = env.Templates.UpdateInteractionTemplateSetup(ctx, &apiv1.UpdateInteractionTemplateSetupRequest{
			InteractionTemplateSetup: &apiv1.InteractionTemplateSetup{SalesQuote: "bad;code"},
		})
		ts.WantInvalid(t, err, "interaction_template_setup.sales_quote")

		// A template named in the setup cannot be deleted.
		_, err = env.Templates.DeleteInteractionTemplate(ctx, &apiv1.DeleteInteractionTemplateRequest{Name: "interactionTemplates/INVOICE"})
		ts.WantCode(t, err, codes.FailedPrecondition, "TEMPLATE_IN_SETUP")

		// Clearing the slot releases it.
		_, err = env.Templates.UpdateInteractionTemplateSetup(ctx, &apiv1.UpdateInteractionTemplateSetupRequest{
			InteractionTemplateSetup: &apiv1.InteractionTemplateSetup{},
			UpdateMask:               &fieldmaskpb.FieldMask{Paths: []string{"sales_invoice"}},
		})
		ts.NoErr(t, err)
		_, err = env.Templates.DeleteInteractionTemplate(ctx, &apiv1.DeleteInteractionTemplateRequest{Name: "interactionTemplates/INVOICE"})
		ts.NoErr(t, err)
		got, err := env.Templates.GetInteractionTemplateSetup(ctx, &apiv1.GetInteractionTemplateSetupRequest{Name: "interactionTemplateSetup"})
		ts.NoErr(t, err)
		if got.GetInteractionTemplateSetup().GetOutgoingCalls() != "CALL" || got.GetInteractionTemplateSetup().GetSalesInvoice() != "" {
			t.Fatalf("setup after clearing: %v", got)
		}
	})
}
