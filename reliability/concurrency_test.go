package reliability

import (
	"context"
	"strconv"
	"sync"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	apiv1 "github.com/interlog/interlog/gen/interlog/v1"
	ts "github.com/interlog/interlog/internal/testserver"
)

// versioned is a resource with an etag, as the etag race sees it.
type versioned struct {
	kind string
	// get returns the resource's etag and the value the race writes.
	get func(ctx context.Context) (etag, value string, err error)
	// update writes value if etag is still current.
	update func(ctx context.Context, etag, value string) error
	// value is what racer i writes in a round; every round writes new values,
	// since a write that leaves the content as it was need not change the etag.
	value func(round, i int) string
}

func versionedResources(c client) []versioned {
	describe := func(round, i int) string { return "round " + strconv.Itoa(round) + " racer " + strconv.Itoa(i) }
	mask := func(path string) *fieldmaskpb.FieldMask { return &fieldmaskpb.FieldMask{Paths: []string{path}} }
	return []versioned{
		{"group", func(ctx context.Context) (string, string, error) {
			r, err := c.groups.GetInteractionGroup(ctx, &apiv1.GetInteractionGroupRequest{Name: "interactionGroups/" + groupCode})
			return r.GetInteractionGroup().GetEtag(), r.GetInteractionGroup().GetDescription(), err
		}, func(ctx context.Context, etag, value string) error {
			_, err := c.groups.UpdateInteractionGroup(ctx, &apiv1.UpdateInteractionGroupRequest{UpdateMask: mask("description"),
				InteractionGroup: &apiv1.InteractionGroup{Name: "interactionGroups/" + groupCode, Description: value, Etag: etag}})
			return err
		}, describe},
		{"template", func(ctx context.Context) (string, string, error) {
			r, err := c.templates.GetInteractionTemplate(ctx, &apiv1.GetInteractionTemplateRequest{Name: "interactionTemplates/" + templateCode})
			return r.GetInteractionTemplate().GetEtag(), r.GetInteractionTemplate().GetDescription(), err
		}, func(ctx context.Context, etag, value string) error {
			_, err := c.templates.UpdateInteractionTemplate(ctx, &apiv1.UpdateInteractionTemplateRequest{UpdateMask: mask("description"),
				InteractionTemplate: &apiv1.InteractionTemplate{Name: "interactionTemplates/" + templateCode, Description: value, Etag: etag}})
			return err
		}, describe},
		{"contact", func(ctx context.Context) (string, string, error) {
			r, err := c.contacts.GetContact(ctx, &apiv1.GetContactRequest{Name: "contacts/RC0"})
			return r.GetContact().GetEtag(), r.GetContact().GetDisplayName(), err
		}, func(ctx context.Context, etag, value string) error {
			_, err := c.contacts.UpdateContact(ctx, &apiv1.UpdateContactRequest{UpdateMask: mask("display_name"),
				Contact: &apiv1.Contact{Name: "contacts/RC0", DisplayName: value, Etag: etag}})
			return err
		}, describe},
		{"segment", func(ctx context.Context) (string, string, error) {
			r, err := c.segments.GetSegment(ctx, &apiv1.GetSegmentRequest{Name: "segments/RACE"})
			return r.GetSegment().GetEtag(), r.GetSegment().GetDescription(), err
		}, func(ctx context.Context, etag, value string) error {
			_, err := c.segments.UpdateSegment(ctx, &apiv1.UpdateSegmentRequest{UpdateMask: mask("description"),
				Segment: &apiv1.Segment{Name: "segments/RACE", Description: value, Etag: etag}})
			return err
		}, describe},
		{"setup", func(ctx context.Context) (string, string, error) {
			r, err := c.templates.GetInteractionTemplateSetup(ctx, &apiv1.GetInteractionTemplateSetupRequest{})
			return r.GetInteractionTemplateSetup().GetEtag(), r.GetInteractionTemplateSetup().GetEmails(), err
		}, func(ctx context.Context, etag, value string) error {
			_, err := c.templates.UpdateInteractionTemplateSetup(ctx, &apiv1.UpdateInteractionTemplateSetupRequest{UpdateMask: mask("emails"),
				InteractionTemplateSetup: &apiv1.InteractionTemplateSetup{Emails: value, Etag: etag}})
			return err
		}, raceTemplate},
	}
}

// raceTemplate is the code of the template racer i names in the setup.
func raceTemplate(round, i int) string { return "R" + strconv.Itoa(round) + "-" + strconv.Itoa(i) }

// TestConcurrentUpdatesWithEtag has racers update one resource of each kind
// at the same moment with the same etag: exactly one wins, the others are
// ABORTED, and the resource holds the winner's value.
func TestConcurrentUpdatesWithEtag(t *testing.T) {
	const racers, rounds = 8, 5
	ts.ForEachEngine(t, func(t *testing.T, env *ts.Env) {
		ctx := context.Background()
		c := newClient(env.Conn)
		fixture(t, c, 1)
		_, err := c.segments.CreateSegment(ctx, &apiv1.CreateSegmentRequest{Segment: &apiv1.Segment{No: "RACE", Description: "Race"}})
		must(t, err)
		for round := range rounds {
			for i := range racers {
				_, err := c.templates.CreateInteractionTemplate(ctx, &apiv1.CreateInteractionTemplateRequest{
					InteractionTemplate: &apiv1.InteractionTemplate{Code: raceTemplate(round, i), InteractionGroupCode: groupCode}})
				must(t, err)
			}
		}
		for _, r := range versionedResources(c) {
			for round := range rounds {
				etag, _, err := r.get(ctx)
				must(t, err)
				errs := make([]error, racers)
				start := make(chan struct{})
				var wg sync.WaitGroup
				for i := range racers {
					wg.Go(func() {
						<-start
						errs[i] = r.update(ctx, etag, r.value(round, i))
					})
				}
				close(start)
				wg.Wait()
				winner := -1
				for i, err := range errs {
					switch status.Code(err) {
					case codes.OK:
						if winner >= 0 {
							t.Errorf("%s round %d: racers %d and %d both won", r.kind, round, winner, i)
						}
						winner = i
					case codes.Aborted:
					default:
						t.Errorf("%s round %d: racer %d: %v, want OK or ABORTED", r.kind, round, i, err)
					}
				}
				if winner < 0 {
					t.Fatalf("%s round %d: no racer won: %v", r.kind, round, errs)
				}
				if _, got, err := r.get(ctx); err != nil || got != r.value(round, winner) {
					t.Errorf("%s round %d: holds %q (%v), want the winner's %q", r.kind, round, got, err, r.value(round, winner))
				}
			}
		}
	})
}
