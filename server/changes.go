package server

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/types/known/timestamppb"

	apiv1 "github.com/interlog/interlog/gen/interlog/v1"
	"github.com/interlog/interlog/store"
)

// Defaults of the change feed's options.
const (
	DefaultMaxWatchers     = 1000
	DefaultChangeHeartbeat = 10 * time.Second
	DefaultChangeRetention = 7 * 24 * time.Hour
)

// watchPage is how many changes a watcher reads per query.
const watchPage = 500

// changeService implements apiv1.ChangeServiceServer on the store's feed
// (store/change_feed.go, store/sequencer.go).
type changeService struct {
	apiv1.UnimplementedChangeServiceServer
	store     *store.Store
	hub       *changeHub // the fan-out of newly sequenced changes to watchers
	watchers  slots
	heartbeat time.Duration
	stop      <-chan struct{} // closed when the server shuts down
}

func (s *changeService) ListChanges(ctx context.Context, req *apiv1.ListChangesRequest) (*apiv1.ListChangesResponse, error) {
	if err := s.enabled(); err != nil {
		return nil, err
	}
	filter, err := changeFilterFromAPI(req.GetFilter())
	if err != nil {
		return nil, err
	}
	p, err := newPager(req)
	if err != nil {
		return nil, err
	}
	// Read first: every change up to it is visible to the list below.
	high, err := s.store.ChangeHighWater(ctx)
	if err != nil {
		return nil, err
	}
	after := req.GetStartAfterSequence()
	if err := checkStart(after, high); err != nil {
		return nil, err
	}
	if p.page.HasAfter {
		after = p.page.AfterNumber
	}
	rows, err := s.store.ListChanges(ctx, after, high, filter, p.page.Limit+1)
	if err != nil {
		return nil, err
	}
	more := len(rows) > p.page.Limit
	rows = rows[:min(len(rows), p.page.Limit)]
	changes, err := changesToAPI(rows)
	if err != nil {
		return nil, err
	}
	resp := &apiv1.ListChangesResponse{HighWaterSequence: high}
	resp.Changes, resp.NextPageToken = listPage(p, changes, more, func(c *apiv1.Change) *apiv1.Change { return c },
		func(c *apiv1.Change) store.Page { return store.Page{AfterNumber: c.Sequence} })
	return resp, nil
}

// changesToAPI converts stored changes (changeToAPI).
func changesToAPI(rows []store.StoredChange) ([]*apiv1.Change, error) {
	out := make([]*apiv1.Change, len(rows))
	for i, c := range rows {
		var err error
		if out[i], err = changeToAPI(c); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// changeStream is the server side of a WatchChanges call.
type changeStream = grpc.ServerStreamingServer[apiv1.WatchChangesResponse]

func (s *changeService) WatchChanges(req *apiv1.WatchChangesRequest, stream changeStream) error {
	if err := s.enabled(); err != nil {
		return err
	}
	filter, err := changeFilterFromAPI(req.GetFilter())
	if err != nil {
		return err
	}
	release, err := s.watchers.take("change watchers")
	if err != nil {
		return err
	}
	defer release()
	ctx := stream.Context()
	high, err := s.store.ChangeHighWater(ctx)
	if err != nil {
		return err
	}
	after := high // start_at_now
	if start, ok := req.GetStart().(*apiv1.WatchChangesRequest_StartAfterSequence); ok {
		after = start.StartAfterSequence
		if err := checkStart(after, high); err != nil {
			return err
		}
		if err := s.store.CheckNotExpired(ctx, after); err != nil {
			return err
		}
	}
	w := watch{store: s.store, hub: s.hub, stream: stream, filter: filter, after: after}
	// The first message says where the watch starts: a caller that started
	// at now learns which changes it will get (those after this sequence)
	// before it makes any of its own.
	if err := w.sendHeartbeat(); err != nil {
		return err
	}
	return w.run(high, s.heartbeat, s.stop)
}

// watch is one WatchChanges call. after is the sequence up to which every
// matching change has been sent: the last one sent, or the high-water
// sequence the watch has read up to, whichever is later.
type watch struct {
	store  *store.Store
	hub    *changeHub
	stream changeStream
	filter store.ChangeFilter
	after  int64
}

// run sends the changes up to high, then every change as it is sequenced,
// with a heartbeat every interval, until the caller goes or the server stops.
// It reads from the database while it is behind the hub's window, and
// from the hub once it has caught up.
func (w *watch) run(high int64, interval time.Duration, stop <-chan struct{}) error {
	defer w.hub.follow()()
	ctx := w.stream.Context()
	heartbeat := time.NewTicker(interval)
	defer heartbeat.Stop()
	for {
		if err := w.sendUpTo(ctx, high, heartbeat.C); err != nil {
			return err
		}
		if err := w.followHub(ctx, heartbeat.C, stop); err != nil {
			return err
		}
		// Behind the hub's window: read from the database again, up to the
		// published high water once it is beyond w.after.
		published, grew := w.store.PublishedHighWater()
		for published <= w.after {
			if err := w.wait(ctx, grew, heartbeat.C, stop); err != nil {
				return err
			}
			published, grew = w.store.PublishedHighWater()
		}
		high = published
	}
}

// followHub sends the matching changes the hub holds after w.after, as the
// hub reads them, until w.after is behind the hub's window.
func (w *watch) followHub(ctx context.Context, heartbeat <-chan time.Time, stop <-chan struct{}) error {
	for {
		changes, upTo, moved, err := w.hub.after(w.after)
		if errors.Is(err, errBehindHub) {
			return nil
		}
		if moved != nil {
			if err := w.wait(ctx, moved, heartbeat, stop); err != nil {
				return err
			}
			continue
		}
		for _, c := range changes {
			if w.filter.Matches(c.Change) {
				if err := w.sendMessage(c.Sequence, c.message); err != nil {
					return err
				}
			}
		}
		w.after = upTo
	}
}

// wait waits until ready is closed, sending heartbeats meanwhile; it fails
// when the caller goes or the server stops.
func (w *watch) wait(ctx context.Context, ready <-chan struct{}, heartbeat <-chan time.Time, stop <-chan struct{}) error {
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-stop:
			return withDetails(codes.Unavailable,
				fmt.Sprintf("the server is shutting down: watch again after sequence %d", w.after),
				apiv1.ErrorReason_ERROR_REASON_DATABASE_UNAVAILABLE)
		case <-heartbeat:
			if err := w.sendHeartbeat(); err != nil {
				return err
			}
		case <-ready:
			return nil
		}
	}
}

// send sends one change and records it as sent.
func (w *watch) send(c store.StoredChange) error {
	msg, err := changeMessage(c)
	if err != nil {
		return err
	}
	return w.sendMessage(c.Sequence, msg)
}

// sendMessage sends the message of the change with sequence seq and records
// it as sent.
func (w *watch) sendMessage(seq int64, msg *apiv1.WatchChangesResponse) error {
	if err := w.stream.Send(msg); err != nil {
		return err
	}
	w.after = seq
	return nil
}

// changeMessage is the stream message of a change.
func changeMessage(c store.StoredChange) (*apiv1.WatchChangesResponse, error) {
	change, err := changeToAPI(c)
	if err != nil {
		return nil, err
	}
	return &apiv1.WatchChangesResponse{Event: &apiv1.WatchChangesResponse_Change{Change: change}}, nil
}

// sendUpTo sends the matching changes after w.after up to high, a page at a
// time, with the heartbeats that fall due meanwhile.
func (w *watch) sendUpTo(ctx context.Context, high int64, heartbeat <-chan time.Time) error {
	for {
		rows, err := w.store.ListChanges(ctx, w.after, high, w.filter, watchPage)
		if err != nil {
			return err
		}
		for _, c := range rows {
			if err := w.send(c); err != nil {
				return err
			}
		}
		if len(rows) < watchPage {
			w.after = high
			return nil
		}
		select {
		case <-heartbeat:
			if err := w.sendHeartbeat(); err != nil {
				return err
			}
		default:
		}
	}
}

func (w *watch) sendHeartbeat() error {
	return w.stream.Send(&apiv1.WatchChangesResponse{Event: &apiv1.WatchChangesResponse_Heartbeat{
		Heartbeat: &apiv1.Heartbeat{HighWaterSequence: w.after, Time: timestamppb.Now()},
	}})
}

// enabled refuses the feed's calls on a server whose outbox is off.
func (s *changeService) enabled() error {
	if s.store.ChangeFeedEnabled() {
		return nil
	}
	return withDetails(codes.FailedPrecondition,
		"the change feed is turned off on this server (--change-feed=false): it records no changes",
		apiv1.ErrorReason_ERROR_REASON_CHANGE_FEED_DISABLED)
}

// checkStart refuses a start beyond the newest change: a sequence this
// database never gave (another database's, or one restored from an older
// backup), from which waiting would silently skip changes.
func checkStart(after, high int64) error {
	if after <= high {
		return nil
	}
	return invalidField("start_after_sequence",
		fmt.Sprintf("is beyond the newest change of this database (sequence %d)", high))
}

// changeFilterFromAPI reads a ChangeFilter, normalizing its codes.
func changeFilterFromAPI(f *apiv1.ChangeFilter) (store.ChangeFilter, error) {
	out := store.ChangeFilter{IncludeCompanyPersons: f.GetIncludeCompanyPersons()}
	for _, k := range f.GetKinds() {
		out.Kinds = append(out.Kinds, changeKindsFromAPI[k])
	}
	for _, t := range f.GetResourceTypes() {
		out.ResourceTypes = append(out.ResourceTypes, resourceTypesFromAPI[t])
	}
	out.ContactNo = normalizeCode(f.GetContactNo())
	out.TemplateCode = normalizeCode(f.GetInteractionTemplateCode())
	out.GroupCode = normalizeCode(f.GetInteractionGroupCode())
	return out, requireContactForPersons("filter.", out.IncludeCompanyPersons, out.ContactNo)
}

// changeToAPI converts a stored change: its resource as the store holds it
// (change_resources.go), its name from its key.
func changeToAPI(c store.StoredChange) (*apiv1.Change, error) {
	out := &apiv1.Change{
		Sequence:     c.Sequence,
		ChangeTime:   timestamp(c.ChangeTime),
		Principal:    c.Principal,
		RequestId:    c.RequestID,
		Kind:         changeKindsToAPI[c.Kind],
		ResourceType: resourceTypesToAPI[c.ResourceType],
		ResourceName: changeResourceName(c.ResourceType, c.KeyParts()),
	}
	if err := setChangeResource(c, out); err != nil {
		return nil, err
	}
	return out, nil
}

// changeResourceName is the API name of a change's resource, from the parts
// of its store key (store.ChangeKey).
func changeResourceName(t store.ResourceType, key []string) string {
	part := func(i int) string {
		if i < len(key) {
			return key[i]
		}
		return ""
	}
	number := func(i int) int64 {
		n, _ := strconv.ParseInt(part(i), 10, 64)
		return n
	}
	switch t {
	case store.ResourceEntry:
		return numberName(entryCollection, number(0))
	case store.ResourceComment:
		return commentName(number(0), number(1))
	case store.ResourceLoggedSegment:
		return numberName(loggedSegmentCollection, number(0))
	case store.ResourceContact:
		return codeName(contactCollection, part(0))
	case store.ResourceGroup:
		return codeName(groupCollection, part(0))
	case store.ResourceTemplate:
		return codeName(templateCollection, part(0))
	case store.ResourceTemplateLanguage:
		return languageName(part(0), part(1))
	case store.ResourceTemplateSetup:
		return setupName
	case store.ResourceAttachment:
		return numberName(attachmentCollection, number(0))
	}
	return ""
}

// changeKindsToAPI maps every store change kind to the API's; a test checks
// that it covers both enums.
var changeKindsToAPI = map[store.ChangeKind]apiv1.ChangeKind{
	store.ChangeEntryLogged:             apiv1.ChangeKind_CHANGE_KIND_ENTRY_LOGGED,
	store.ChangeEntryPostponed:          apiv1.ChangeKind_CHANGE_KIND_ENTRY_POSTPONED,
	store.ChangeEntryResumed:            apiv1.ChangeKind_CHANGE_KIND_ENTRY_RESUMED,
	store.ChangeEntryUpdated:            apiv1.ChangeKind_CHANGE_KIND_ENTRY_UPDATED,
	store.ChangeEntryCanceled:           apiv1.ChangeKind_CHANGE_KIND_ENTRY_CANCELED,
	store.ChangeEntryRestored:           apiv1.ChangeKind_CHANGE_KIND_ENTRY_RESTORED,
	store.ChangeEntryEvaluated:          apiv1.ChangeKind_CHANGE_KIND_ENTRY_EVALUATED,
	store.ChangeEntryDeleted:            apiv1.ChangeKind_CHANGE_KIND_ENTRY_DELETED,
	store.ChangeCommentCreated:          apiv1.ChangeKind_CHANGE_KIND_COMMENT_CREATED,
	store.ChangeCommentUpdated:          apiv1.ChangeKind_CHANGE_KIND_COMMENT_UPDATED,
	store.ChangeCommentDeleted:          apiv1.ChangeKind_CHANGE_KIND_COMMENT_DELETED,
	store.ChangeLoggedSegmentLogged:     apiv1.ChangeKind_CHANGE_KIND_LOGGED_SEGMENT_LOGGED,
	store.ChangeLoggedSegmentCanceled:   apiv1.ChangeKind_CHANGE_KIND_LOGGED_SEGMENT_CANCELED,
	store.ChangeLoggedSegmentRestored:   apiv1.ChangeKind_CHANGE_KIND_LOGGED_SEGMENT_RESTORED,
	store.ChangeLoggedSegmentDeleted:    apiv1.ChangeKind_CHANGE_KIND_LOGGED_SEGMENT_DELETED,
	store.ChangeContactCreated:          apiv1.ChangeKind_CHANGE_KIND_CONTACT_CREATED,
	store.ChangeContactUpdated:          apiv1.ChangeKind_CHANGE_KIND_CONTACT_UPDATED,
	store.ChangeContactDeleted:          apiv1.ChangeKind_CHANGE_KIND_CONTACT_DELETED,
	store.ChangeGroupCreated:            apiv1.ChangeKind_CHANGE_KIND_GROUP_CREATED,
	store.ChangeGroupUpdated:            apiv1.ChangeKind_CHANGE_KIND_GROUP_UPDATED,
	store.ChangeGroupDeleted:            apiv1.ChangeKind_CHANGE_KIND_GROUP_DELETED,
	store.ChangeTemplateCreated:         apiv1.ChangeKind_CHANGE_KIND_TEMPLATE_CREATED,
	store.ChangeTemplateUpdated:         apiv1.ChangeKind_CHANGE_KIND_TEMPLATE_UPDATED,
	store.ChangeTemplateDeleted:         apiv1.ChangeKind_CHANGE_KIND_TEMPLATE_DELETED,
	store.ChangeTemplateLanguageCreated: apiv1.ChangeKind_CHANGE_KIND_TEMPLATE_LANGUAGE_CREATED,
	store.ChangeTemplateLanguageUpdated: apiv1.ChangeKind_CHANGE_KIND_TEMPLATE_LANGUAGE_UPDATED,
	store.ChangeTemplateLanguageDeleted: apiv1.ChangeKind_CHANGE_KIND_TEMPLATE_LANGUAGE_DELETED,
	store.ChangeTemplateSetupUpdated:    apiv1.ChangeKind_CHANGE_KIND_TEMPLATE_SETUP_UPDATED,
	store.ChangeAttachmentCreated:       apiv1.ChangeKind_CHANGE_KIND_ATTACHMENT_CREATED,
	store.ChangeAttachmentDeleted:       apiv1.ChangeKind_CHANGE_KIND_ATTACHMENT_DELETED,
}

// resourceTypesToAPI maps every store resource type to the API's; a test
// checks that it covers both enums.
var resourceTypesToAPI = map[store.ResourceType]apiv1.ResourceType{
	store.ResourceEntry:            apiv1.ResourceType_RESOURCE_TYPE_INTERACTION_LOG_ENTRY,
	store.ResourceComment:          apiv1.ResourceType_RESOURCE_TYPE_INTERACTION_LOG_COMMENT,
	store.ResourceLoggedSegment:    apiv1.ResourceType_RESOURCE_TYPE_LOGGED_SEGMENT,
	store.ResourceContact:          apiv1.ResourceType_RESOURCE_TYPE_CONTACT,
	store.ResourceGroup:            apiv1.ResourceType_RESOURCE_TYPE_INTERACTION_GROUP,
	store.ResourceTemplate:         apiv1.ResourceType_RESOURCE_TYPE_INTERACTION_TEMPLATE,
	store.ResourceTemplateLanguage: apiv1.ResourceType_RESOURCE_TYPE_INTERACTION_TEMPLATE_LANGUAGE,
	store.ResourceTemplateSetup:    apiv1.ResourceType_RESOURCE_TYPE_INTERACTION_TEMPLATE_SETUP,
	store.ResourceAttachment:       apiv1.ResourceType_RESOURCE_TYPE_ATTACHMENT,
}

// The inverse maps, for filters.
var (
	changeKindsFromAPI   = invert(changeKindsToAPI)
	resourceTypesFromAPI = invert(resourceTypesToAPI)
)

func invert[K, V comparable](m map[K]V) map[V]K {
	out := make(map[V]K, len(m))
	for k, v := range m {
		out[v] = k
	}
	return out
}
