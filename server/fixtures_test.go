package server_test

// The fixtures the server's tests share: resources made through the API (or,
// for contacts in bulk, written straight to the table), failing the test on
// error. Fixtures shared with other packages are in internal/testserver.

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"google.golang.org/protobuf/types/known/durationpb"

	apiv1 "github.com/interlog/interlog/gen/interlog/v1"
	"github.com/interlog/interlog/internal/attachclient"
	ts "github.com/interlog/interlog/internal/testserver"
)

// createGroup makes a group and fails the test on error.
func createGroup(t testing.TB, env *ts.Env, code string) {
	t.Helper()
	_, err := env.Groups.CreateInteractionGroup(context.Background(), &apiv1.CreateInteractionGroupRequest{
		InteractionGroup: &apiv1.InteractionGroup{Code: code, Description: "Group " + code},
	})
	ts.NoErr(t, err)
}

// createTemplate makes a template of the group and returns it.
func createTemplate(t testing.TB, env *ts.Env, code, group string) *apiv1.InteractionTemplate {
	t.Helper()
	resp, err := env.Templates.CreateInteractionTemplate(context.Background(), &apiv1.CreateInteractionTemplateRequest{
		InteractionTemplate: &apiv1.InteractionTemplate{Code: code, InteractionGroupCode: group, Description: "Template " + code},
	})
	ts.NoErr(t, err)
	return resp.GetInteractionTemplate()
}

// createContact makes a contact and fails the test on error.
func createContact(t *testing.T, env *ts.Env, c *apiv1.Contact) *apiv1.Contact {
	t.Helper()
	resp, err := env.Contacts.CreateContact(context.Background(), &apiv1.CreateContactRequest{Contact: c})
	ts.NoErr(t, err)
	return resp.GetContact()
}

// createSegment makes a segment with a description and the given template.
func createSegment(t *testing.T, env *ts.Env, no, template string) *apiv1.Segment {
	t.Helper()
	resp, err := env.Segments.CreateSegment(context.Background(), &apiv1.CreateSegmentRequest{
		Segment: &apiv1.Segment{No: no, Description: "Segment " + no, InteractionTemplateCode: template},
	})
	ts.NoErr(t, err)
	return resp.GetSegment()
}

// contactNos seeds n contacts named prefix1..prefixN and returns their nos.
func contactNos(t *testing.T, env *ts.Env, prefix string, n int) []string {
	t.Helper()
	nos := make([]string, n)
	contacts := make([]ts.SeedContact, n)
	for i := range n {
		nos[i] = fmt.Sprintf("%s%d", prefix, i+1)
		contacts[i] = ts.SeedContact{No: nos[i], SalespersonCode: "SP"}
	}
	ts.SeedContacts(t, env, contacts...)
	return nos
}

// upload stores data as a new attachment and fails the test on error.
func upload(t *testing.T, env *ts.Env, fileName string, data []byte) *apiv1.Attachment {
	t.Helper()
	a, err := attachclient.Upload(context.Background(), env.Attachments, fileName, "application/pdf", "", bytes.NewReader(data))
	ts.NoErr(t, err)
	return a
}

// logFixture makes group CALLS with template CALL (cost 12.5, 90 s,
// outbound, by us, campaign CAMP as target, EMAIL), company ACME with
// salesperson SP1 and its person ANN (e-mail, salesperson SP2).
func logFixture(t *testing.T, env *ts.Env) {
	t.Helper()
	createGroup(t, env, "CALLS")
	_, err := env.Templates.CreateInteractionTemplate(context.Background(), &apiv1.CreateInteractionTemplateRequest{
		InteractionTemplate: &apiv1.InteractionTemplate{
			Code: "CALL", InteractionGroupCode: "CALLS", Description: "Phone call",
			UnitCost: "12.5", UnitDuration: durationpb.New(90 * time.Second),
			InformationFlow: apiv1.InformationFlow_INFORMATION_FLOW_OUTBOUND,
			InitiatedBy:     apiv1.InitiatedBy_INITIATED_BY_US,
			CampaignNo:      "CAMP", CampaignTarget: true,
		},
	})
	ts.NoErr(t, err)
	createContact(t, env, &apiv1.Contact{No: "ACME", Type: company, SalespersonCode: "SP1"})
	createContact(t, env, &apiv1.Contact{No: "ANN", Type: person, CompanyNo: "ACME", SalespersonCode: "SP2", Email: "ann@example.com"})
}

// logCall logs template CALL for a contact with the given overrides.
func logCall(t *testing.T, env *ts.Env, contactNo string, o *apiv1.InteractionOverrides) *apiv1.InteractionLogEntry {
	t.Helper()
	resp, err := env.Log.LogInteraction(context.Background(), &apiv1.LogInteractionRequest{
		ContactNo: contactNo, InteractionTemplateCode: "CALL", Overrides: o,
	})
	ts.NoErr(t, err)
	return resp.GetInteractionLogEntry()
}

// addLanguage adds a language row to a template, with an optional attachment.
func addLanguage(t *testing.T, env *ts.Env, templateCode, languageCode, attachment string) {
	t.Helper()
	_, err := env.Templates.CreateInteractionTemplateLanguage(context.Background(), &apiv1.CreateInteractionTemplateLanguageRequest{
		Parent:                      "interactionTemplates/" + templateCode,
		InteractionTemplateLanguage: &apiv1.InteractionTemplateLanguage{LanguageCode: languageCode, Attachment: attachment},
	})
	ts.NoErr(t, err)
}

// mailTemplate makes template MAIL of group G: cost 1.5, a minute, outbound
// by us, campaign TCAMP, hard copy by default, language rows EN and DA.
func mailTemplate(t *testing.T, env *ts.Env) {
	t.Helper()
	ctx := context.Background()
	createGroup(t, env, "G")
	_, err := env.Templates.CreateInteractionTemplate(ctx, &apiv1.CreateInteractionTemplateRequest{
		InteractionTemplate: &apiv1.InteractionTemplate{
			Code: "MAIL", InteractionGroupCode: "G", Description: "Mail", UnitCost: "1.5", UnitDuration: durationpb.New(time.Minute),
			InformationFlow: apiv1.InformationFlow_INFORMATION_FLOW_OUTBOUND, InitiatedBy: apiv1.InitiatedBy_INITIATED_BY_US,
			CampaignNo: "TCAMP", CorrespondenceType: apiv1.CorrespondenceType_CORRESPONDENCE_TYPE_HARD_COPY,
		},
	})
	ts.NoErr(t, err)
	for _, lang := range []string{"EN", "DA"} {
		_, err := env.Templates.CreateInteractionTemplateLanguage(ctx, &apiv1.CreateInteractionTemplateLanguageRequest{
			Parent: "interactionTemplates/MAIL", InteractionTemplateLanguage: &apiv1.InteractionTemplateLanguage{LanguageCode: lang},
		})
		ts.NoErr(t, err)
	}
}

// insertAttachment uploads a small attachment whose content is its file
// name and returns its name.
func insertAttachment(t *testing.T, env *ts.Env, fileName string) string {
	t.Helper()
	return upload(t, env, fileName, []byte(fileName)).GetName()
}
