package server_test

import (
	"context"
	"sync"
	"testing"

	"github.com/google/uuid"
	"google.golang.org/grpc/codes"

	apiv1 "github.com/interlog/interlog/gen/interlog/v1"
	ts "github.com/interlog/interlog/internal/testserver"
)

func TestRequestIDReplaysFirstResponse(t *testing.T) {
	ts.ForEachEngine(t, func(t *testing.T, env *ts.Env) {
		ctx := context.Background()
		id := uuid.NewString()
		req := &apiv1.CreateInteractionGroupRequest{InteractionGroup: &apiv1.InteractionGroup{Code: "G", Description: "first"}, RequestId: id}
		first, err := env.Groups.CreateInteractionGroup(ctx, req)
		ts.NoErr(t, err)
		// Without the request id the same create is a duplicate; with it, a replay.
		again, err := env.Groups.CreateInteractionGroup(ctx, req)
		ts.NoErr(t, err)
		if again.GetInteractionGroup().GetEtag() != first.GetInteractionGroup().GetEtag() ||
			!again.GetInteractionGroup().GetCreateTime().AsTime().Equal(first.GetInteractionGroup().GetCreateTime().AsTime()) {
			t.Fatalf("replay %v differs from first response %v", again, first)
		}
		req2 := &apiv1.CreateInteractionGroupRequest{InteractionGroup: &apiv1.InteractionGroup{Code: "G", Description: "second"}, RequestId: id}
		_, err = env.Groups.CreateInteractionGroup(ctx, req2)
		ts.WantRequestIDReused(t, err)

		// A failed request is not remembered: a retry after fixing the cause does the work.
		failID := uuid.NewString()
		tmplReq := &apiv1.CreateInteractionTemplateRequest{
			InteractionTemplate: &apiv1.InteractionTemplate{Code: "T", InteractionGroupCode: "LATER"}, RequestId: failID,
		}
		_, err = env.Templates.CreateInteractionTemplate(ctx, tmplReq)
		ts.WantCode(t, err, codes.NotFound, "GROUP_NOT_FOUND")
		createGroup(t, env, "LATER")
		_, err = env.Templates.CreateInteractionTemplate(ctx, tmplReq)
		ts.NoErr(t, err)
	})
}

func TestRequestIDConcurrentRetriesDoTheWorkOnce(t *testing.T) {
	ts.ForEachEngine(t, func(t *testing.T, env *ts.Env) {
		ctx := context.Background()
		createGroup(t, env, "G")
		req := &apiv1.CreateInteractionTemplateRequest{
			InteractionTemplate: &apiv1.InteractionTemplate{Code: "T", InteractionGroupCode: "G"}, RequestId: uuid.NewString(),
		}
		const retries = 8
		etags := make([]string, retries)
		errs := make([]error, retries)
		var wg sync.WaitGroup
		for i := range retries {
			wg.Add(1)
			go func() {
				defer wg.Done()
				resp, err := env.Templates.CreateInteractionTemplate(ctx, req)
				etags[i], errs[i] = resp.GetInteractionTemplate().GetEtag(), err
			}()
		}
		wg.Wait()
		for i := range retries {
			if errs[i] != nil {
				t.Fatalf("retry %d: %v (every retry must get the first response)", i, errs[i])
			}
			if etags[i] != etags[0] {
				t.Fatalf("retry %d got etag %q, retry 0 got %q: the work was done more than once", i, etags[i], etags[0])
			}
		}
	})
}
