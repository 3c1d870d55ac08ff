package server_test

import (
	"context"
	"io"
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

// TestRequestIDsAreScopedToPrincipalAndMethod: a request id belongs to the
// principal that sent it and the method it was sent to (AIP-155). Another
// principal's identical request with the same id is a new request, never a
// replay of the first one's response; nor is the same id for another method.
func TestRequestIDsAreScopedToPrincipalAndMethod(t *testing.T) {
	opts, p := authOptions(t, io.Discard)
	ts.ForEachEngineWith(t, opts, func(t *testing.T, env *ts.Env) {
		ctx := context.Background()
		ed, ada := ts.Bearer(ctx, p.editor), ts.Bearer(ctx, p.admin)
		id := uuid.NewString()
		createS1 := &apiv1.CreateSegmentRequest{Segment: &apiv1.Segment{No: "S1", Description: "Spring"}, RequestId: id}
		first, err := env.Segments.CreateSegment(ed, createS1)
		ts.NoErr(t, err)

		// ada's identical request is ada's own: S1 exists, so it fails.
		_, err = env.Segments.CreateSegment(ada, createS1)
		ts.WantCode(t, err, codes.AlreadyExists, "")
		// ada's other request with ed's id is not "reused": it is done.
		createS2 := &apiv1.CreateSegmentRequest{Segment: &apiv1.Segment{No: "S2", Description: "Summer"}, RequestId: id}
		s2, err := env.Segments.CreateSegment(ada, createS2)
		ts.NoErr(t, err)
		if s2.GetSegment().GetNo() != "S2" || countRows(t, env, "segments", "no = ? AND user_id = ?", "S2", "ada") != 1 {
			t.Fatalf("ada's request answered %v, want S2 created by ada", s2.GetSegment())
		}
		// Each principal's retry replays its own first response.
		for _, c := range []struct {
			ctx  context.Context
			req  *apiv1.CreateSegmentRequest
			want *apiv1.Segment
		}{{ed, createS1, first.GetSegment()}, {ada, createS2, s2.GetSegment()}} {
			again, err := env.Segments.CreateSegment(c.ctx, c.req)
			ts.NoErr(t, err)
			if again.GetSegment().GetEtag() != c.want.GetEtag() || again.GetSegment().GetNo() != c.want.GetNo() {
				t.Fatalf("retry got %v, want the first response %v", again.GetSegment(), c.want)
			}
		}

		// The same id for another method is another request.
		createContact := &apiv1.CreateContactRequest{Contact: &apiv1.Contact{No: "C1", Type: company}, RequestId: id}
		c1, err := env.Contacts.CreateContact(ed, createContact)
		ts.NoErr(t, err)
		if c1.GetContact().GetNo() != "C1" {
			t.Fatalf("CreateContact with a CreateSegment request id answered %v", c1)
		}
		again, err := env.Contacts.CreateContact(ed, createContact)
		ts.NoErr(t, err)
		if again.GetContact().GetEtag() != c1.GetContact().GetEtag() {
			t.Fatalf("retry of CreateContact got %v, want %v", again.GetContact(), c1.GetContact())
		}
	})
}
