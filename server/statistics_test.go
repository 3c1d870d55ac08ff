package server_test

import (
	"context"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/types/known/timestamppb"

	apiv1 "github.com/interlog/interlog/gen/interlog/v1"
	ts "github.com/interlog/interlog/internal/testserver"
)

func TestStatisticsOfResourcesWithoutEntries(t *testing.T) {
	ts.ForEachEngine(t, func(t *testing.T, env *ts.Env) {
		ctx := context.Background()
		createGroup(t, env, "G")
		createTemplate(t, env, "T", "G")
		createContact(t, env, &apiv1.Contact{No: "C1", Type: apiv1.ContactType_CONTACT_TYPE_PERSON})

		g, err := env.Groups.GetInteractionGroupStatistics(ctx, &apiv1.GetInteractionGroupStatisticsRequest{Name: "interactionGroups/g"})
		ts.NoErr(t, err)
		tm, err := env.Templates.GetInteractionTemplateStatistics(ctx, &apiv1.GetInteractionTemplateStatisticsRequest{Name: "interactionTemplates/T"})
		ts.NoErr(t, err)
		for _, totals := range []*apiv1.InteractionTotals{g.GetTotals(), tm.GetTotals()} {
			if totals.GetInteractionCount() != 0 || totals.GetTotalCost() != "0" || totals.GetTotalDuration().AsDuration() != 0 {
				t.Fatalf("totals without entries: %v", totals)
			}
		}
		c, err := env.Contacts.GetContactStatistics(ctx, &apiv1.GetContactStatisticsRequest{Name: "contacts/c1"})
		ts.NoErr(t, err)
		if c.GetInteractionCount() != 0 || c.GetTotalCost() != "0" || c.GetLastInteractionTime() != nil || c.GetLastAttemptTime() != nil {
			t.Fatalf("contact statistics without entries: %v", c)
		}
	})
}

func TestStatisticsRefusals(t *testing.T) {
	ts.ForEachEngine(t, func(t *testing.T, env *ts.Env) {
		ctx := context.Background()
		createGroup(t, env, "G")
		_, err := env.Groups.GetInteractionGroupStatistics(ctx, &apiv1.GetInteractionGroupStatisticsRequest{Name: "interactionGroups/NONE"})
		ts.WantCode(t, err, codes.NotFound, "GROUP_NOT_FOUND")
		_, err = env.Templates.GetInteractionTemplateStatistics(ctx, &apiv1.GetInteractionTemplateStatisticsRequest{Name: "interactionTemplates/NONE"})
		ts.WantCode(t, err, codes.NotFound, "TEMPLATE_NOT_FOUND")
		_, err = env.Contacts.GetContactStatistics(ctx, &apiv1.GetContactStatisticsRequest{Name: "contacts/NONE"})
		ts.WantCode(t, err, codes.NotFound, "CONTACT_NOT_FOUND")

		_, err = env.Groups.GetInteractionGroupStatistics(ctx, &apiv1.GetInteractionGroupStatisticsRequest{Name: "groups/G"})
		ts.WantInvalid(t, err, "name")
		_, err = env.Templates.GetInteractionTemplateStatistics(ctx, &apiv1.GetInteractionTemplateStatisticsRequest{Name: ""})
		ts.WantInvalid(t, err, "name")
		_, err = env.Contacts.GetContactStatistics(ctx, &apiv1.GetContactStatisticsRequest{Name: "contacts/" + string(make([]byte, 21))})
		ts.WantInvalid(t, err, "name")

		now := time.Now()
		_, err = env.Groups.GetInteractionGroupStatistics(ctx, &apiv1.GetInteractionGroupStatisticsRequest{
			Name: "interactionGroups/G", StartTime: timestamppb.New(now), EndTime: timestamppb.New(now),
		})
		ts.WantInvalid(t, err, "end_time")
		_, err = env.Groups.GetInteractionGroupStatistics(ctx, &apiv1.GetInteractionGroupStatisticsRequest{
			Name: "interactionGroups/G", StartTime: &timestamppb.Timestamp{Seconds: -1e13},
		})
		ts.WantInvalid(t, err, "start_time")
	})
}
