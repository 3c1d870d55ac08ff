package server_test

import (
	"context"
	"strings"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	apiv1 "github.com/interlog/interlog/gen/interlog/v1"
	ts "github.com/interlog/interlog/internal/testserver"
)

func TestGroupLifecycle(t *testing.T) {
	ts.ForEachEngine(t, func(t *testing.T, env *ts.Env) {
		ctx := context.Background()
		resp1, err := env.Groups.CreateInteractionGroup(ctx, &apiv1.CreateInteractionGroupRequest{
			InteractionGroup: &apiv1.InteractionGroup{Code: "  tel calls ", Description: "Phone calls"},
		})
		ts.NoErr(t, err)
		created := resp1.GetInteractionGroup()
		if created.GetCode() != "TEL CALLS" || created.GetName() != "interactionGroups/TEL%20CALLS" || created.GetEtag() == "" {
			t.Fatalf("created %v: want code trimmed and upper-cased, escaped name and an etag", created)
		}

		// The same code in another case is the same code.
		_, err = env.Groups.CreateInteractionGroup(ctx, &apiv1.CreateInteractionGroupRequest{
			InteractionGroup: &apiv1.InteractionGroup{Code: "Tel Calls"},
		})
		ts.WantCode(t, err, codes.AlreadyExists, "ALREADY_EXISTS")

		for _, name := range []string{created.GetName(), "interactionGroups/tel calls"} {
			resp2, err := env.Groups.GetInteractionGroup(ctx, &apiv1.GetInteractionGroupRequest{Name: name})
			ts.NoErr(t, err)
			got := resp2.GetInteractionGroup()
			if got.GetDescription() != "Phone calls" {
				t.Fatalf("get %q: %v", name, got)
			}
		}

		resp3, err := env.Groups.UpdateInteractionGroup(ctx, &apiv1.UpdateInteractionGroupRequest{
			InteractionGroup: &apiv1.InteractionGroup{Name: created.GetName(), Description: "Calls", Etag: created.GetEtag()},
			UpdateMask:       &fieldmaskpb.FieldMask{Paths: []string{"description"}},
		})
		ts.NoErr(t, err)
		updated := resp3.GetInteractionGroup()
		if updated.GetDescription() != "Calls" || updated.GetEtag() == created.GetEtag() {
			t.Fatalf("update: %v", updated)
		}

		// The first etag is stale now.
		_, err = env.Groups.UpdateInteractionGroup(ctx, &apiv1.UpdateInteractionGroupRequest{
			InteractionGroup: &apiv1.InteractionGroup{Name: created.GetName(), Description: "Lost", Etag: created.GetEtag()},
		})
		ts.WantCode(t, err, codes.Aborted, "ETAG_MISMATCH")
		// A stale etag is not echoed back, however long the caller made it.
		huge := strings.Repeat("e", 1<<20)
		_, err = env.Groups.UpdateInteractionGroup(ctx, &apiv1.UpdateInteractionGroupRequest{
			InteractionGroup: &apiv1.InteractionGroup{Name: created.GetName(), Description: "Lost", Etag: huge},
		})
		ts.WantCode(t, err, codes.Aborted, "ETAG_MISMATCH")
		if msg := status.Convert(err).Message(); len(msg) > 200 {
			t.Errorf("stale etag message is %d bytes: %.80s…", len(msg), msg)
		}
		_, err = env.Groups.DeleteInteractionGroup(ctx, &apiv1.DeleteInteractionGroupRequest{Name: created.GetName(), Etag: created.GetEtag()})
		ts.WantCode(t, err, codes.Aborted, "ETAG_MISMATCH")

		_, err = env.Groups.UpdateInteractionGroup(ctx, &apiv1.UpdateInteractionGroupRequest{
			InteractionGroup: &apiv1.InteractionGroup{Name: created.GetName(), Code: "OTHER"},
			UpdateMask:       &fieldmaskpb.FieldMask{Paths: []string{"code"}},
		})
		ts.WantInvalid(t, err, "update_mask")

		if _, err := env.Groups.DeleteInteractionGroup(ctx, &apiv1.DeleteInteractionGroupRequest{Name: created.GetName(), Etag: updated.GetEtag()}); err != nil {
			t.Fatal(err)
		}
		_, err = env.Groups.GetInteractionGroup(ctx, &apiv1.GetInteractionGroupRequest{Name: created.GetName()})
		ts.WantCode(t, err, codes.NotFound, "NOT_FOUND")
		_, err = env.Groups.DeleteInteractionGroup(ctx, &apiv1.DeleteInteractionGroupRequest{Name: created.GetName()})
		ts.WantCode(t, err, codes.NotFound, "NOT_FOUND")
		_, err = env.Groups.UpdateInteractionGroup(ctx, &apiv1.UpdateInteractionGroupRequest{
			InteractionGroup: &apiv1.InteractionGroup{Name: created.GetName(), Description: "x"},
		})
		ts.WantCode(t, err, codes.NotFound, "NOT_FOUND")
	})
}

func TestGroupInvalidInput(t *testing.T) {
	ts.ForEachEngine(t, func(t *testing.T, env *ts.Env) {
		ctx := context.Background()
		cases := []struct {
			name  string
			req   *apiv1.CreateInteractionGroupRequest
			field string
		}{
			{"missing group", &apiv1.CreateInteractionGroupRequest{}, "interaction_group"},
			{"blank code", &apiv1.CreateInteractionGroupRequest{InteractionGroup: &apiv1.InteractionGroup{Code: "  "}}, "interaction_group.code"},
			{"code too long", &apiv1.CreateInteractionGroupRequest{InteractionGroup: &apiv1.InteractionGroup{Code: "ABCDEFGHIJK"}}, "interaction_group.code"},
			{"code with bad character", &apiv1.CreateInteractionGroupRequest{InteractionGroup: &apiv1.InteractionGroup{Code: "A;DROP"}}, "interaction_group.code"},
			{"description too long", &apiv1.CreateInteractionGroupRequest{InteractionGroup: &apiv1.InteractionGroup{Code: "A", Description: string(make([]rune, 101))}}, "interaction_group.description"},
			{"control character", &apiv1.CreateInteractionGroupRequest{InteractionGroup: &apiv1.InteractionGroup{Code: "A", Description: "bell\a"}}, "interaction_group.description"},
			{"request id not a uuid", &apiv1.CreateInteractionGroupRequest{InteractionGroup: &apiv1.InteractionGroup{Code: "A"}, RequestId: "retry-1"}, "request_id"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				_, err := env.Groups.CreateInteractionGroup(ctx, c.req)
				ts.WantInvalid(t, err, c.field)
			})
		}
		for _, name := range []string{"interactionGroups/", "groups/A", "interactionGroups/A/B/C", "interactionGroups/%zz"} {
			_, err := env.Groups.GetInteractionGroup(ctx, &apiv1.GetInteractionGroupRequest{Name: name})
			ts.WantInvalid(t, err, "name")
		}
	})
}

func TestGroupListPages(t *testing.T) {
	ts.ForEachEngine(t, func(t *testing.T, env *ts.Env) {
		ctx := context.Background()
		for _, code := range []string{"E", "B", "D", "A", "C"} {
			if _, err := env.Groups.CreateInteractionGroup(ctx, &apiv1.CreateInteractionGroupRequest{InteractionGroup: &apiv1.InteractionGroup{Code: code}}); err != nil {
				t.Fatal(err)
			}
		}
		var got []string
		token := ""
		for {
			resp6, err := env.Groups.ListInteractionGroups(ctx, &apiv1.ListInteractionGroupsRequest{PageSize: 2, PageToken: token})
			ts.NoErr(t, err)
			resp := resp6
			for _, g := range resp.GetInteractionGroups() {
				got = append(got, g.GetCode())
			}
			if token = resp.GetNextPageToken(); token == "" {
				break
			}
		}
		if want := "ABCDE"; join(got) != want {
			t.Fatalf("pages gave %v, want %s", got, want)
		}
		_, err := env.Groups.ListInteractionGroups(ctx, &apiv1.ListInteractionGroupsRequest{PageToken: "garbage"})
		ts.WantInvalid(t, err, "page_token")
		// A token from another list is refused.
		resp7, err := env.Groups.ListInteractionGroups(ctx, &apiv1.ListInteractionGroupsRequest{PageSize: 1})
		ts.NoErr(t, err)
		resp := resp7
		_, err = env.Templates.ListInteractionTemplates(ctx, &apiv1.ListInteractionTemplatesRequest{PageToken: resp.GetNextPageToken()})
		ts.WantInvalid(t, err, "page_token")
	})
}

func join(ss []string) string {
	out := ""
	for _, s := range ss {
		out += s
	}
	return out
}

// TestDeleteOfAReferencedGroupIsAPreconditionFailure: a foreign key that
// refuses a write (here a reference the store does not check first, as a
// concurrent writer's would be) is FAILED_PRECONDITION with the reason
// REFERENCE_CONSTRAINT, not NOT_FOUND.
func TestDeleteOfAReferencedGroupIsAPreconditionFailure(t *testing.T) {
	ts.ForEachEngine(t, func(t *testing.T, env *ts.Env) {
		ctx := context.Background()
		resp, err := env.Groups.CreateInteractionGroup(ctx, &apiv1.CreateInteractionGroupRequest{
			InteractionGroup: &apiv1.InteractionGroup{Code: "REFERENCED"},
		})
		ts.NoErr(t, err)
		db := rawDB(t, env)
		if _, err := db.Exec(`CREATE TABLE group_references (group_code VARCHAR(10) NOT NULL,
			CONSTRAINT fk_group_references FOREIGN KEY (group_code) REFERENCES interaction_groups (code))` + tableOptions(env)); err != nil {
			t.Fatal(err)
		}
		// The database may be reused by another test: leave no table behind.
		t.Cleanup(func() { _, _ = db.Exec(`DROP TABLE group_references`) })
		if _, err := db.Exec(`INSERT INTO group_references (group_code) VALUES ('REFERENCED')`); err != nil {
			t.Fatal(err)
		}
		group := resp.GetInteractionGroup()
		_, err = env.Groups.DeleteInteractionGroup(ctx, &apiv1.DeleteInteractionGroupRequest{Name: group.GetName(), Etag: group.GetEtag()})
		ts.WantCode(t, err, codes.FailedPrecondition, "REFERENCE_CONSTRAINT")
	})
}

// tableOptions are the options a table needs to reference the store's tables.
func tableOptions(env *ts.Env) string {
	if env.Engine == "sqlite" {
		return ""
	}
	return " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin"
}
