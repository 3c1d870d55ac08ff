package server

import (
	"context"

	apiv1 "github.com/interlog/interlog/gen/interlog/v1"
	"github.com/interlog/interlog/store"
)

const groupCollection = "interactionGroups"

// groupService implements apiv1.InteractionGroupServiceServer.
type groupService struct {
	apiv1.UnimplementedInteractionGroupServiceServer
	store groupStore
}

// groupStore is what groupService needs of the store.
type groupStore interface {
	writeStore
	GetGroup(ctx context.Context, code string) (store.InteractionGroup, error)
	ListGroups(ctx context.Context, page store.Page) ([]store.InteractionGroup, bool, error)
	GroupTotals(ctx context.Context, groupCode string, r store.TimeRange) (store.Totals, error)
}

// groupUpdatable lists the fields UpdateInteractionGroup may change.
var groupUpdatable = updatablePaths(store.GroupUpdatable)

func (s *groupService) CreateInteractionGroup(ctx context.Context, req *apiv1.CreateInteractionGroupRequest) (*apiv1.CreateInteractionGroupResponse, error) {
	in := req.GetInteractionGroup()
	code, err := requireCode("interaction_group.code", in.GetCode(), shortCode)
	if err != nil {
		return nil, err
	}
	return write(ctx, s.store, req, func(tx *store.Tx) (*apiv1.CreateInteractionGroupResponse, error) {
		g, err := tx.CreateGroup(store.InteractionGroup{Code: code, Description: in.GetDescription()})
		if err != nil {
			return nil, err
		}
		return &apiv1.CreateInteractionGroupResponse{InteractionGroup: groupToAPI(g)}, nil
	})
}

func (s *groupService) GetInteractionGroup(ctx context.Context, req *apiv1.GetInteractionGroupRequest) (*apiv1.GetInteractionGroupResponse, error) {
	code, err := parseCodeName("name", req.GetName(), groupCollection, shortCode)
	if err != nil {
		return nil, err
	}
	g, err := s.store.GetGroup(ctx, code)
	if err != nil {
		return nil, err
	}
	return &apiv1.GetInteractionGroupResponse{InteractionGroup: groupToAPI(g)}, nil
}

func (s *groupService) ListInteractionGroups(ctx context.Context, req *apiv1.ListInteractionGroupsRequest) (*apiv1.ListInteractionGroupsResponse, error) {
	p, err := newPager(req)
	if err != nil {
		return nil, err
	}
	rows, more, err := s.store.ListGroups(ctx, p.page)
	if err != nil {
		return nil, err
	}
	resp := &apiv1.ListInteractionGroupsResponse{}
	resp.InteractionGroups, resp.NextPageToken = listPage(p, rows, more, groupToAPI,
		func(g store.InteractionGroup) store.Page { return store.Page{AfterCode: g.Code} })
	return resp, nil
}

func (s *groupService) UpdateInteractionGroup(ctx context.Context, req *apiv1.UpdateInteractionGroupRequest) (*apiv1.UpdateInteractionGroupResponse, error) {
	in := req.GetInteractionGroup()
	code, err := parseCodeName("interaction_group.name", in.GetName(), groupCollection, shortCode)
	if err != nil {
		return nil, err
	}
	fields, err := maskFields(req.GetUpdateMask(), in, groupUpdatable)
	if err != nil {
		return nil, err
	}
	return write(ctx, s.store, req, func(tx *store.Tx) (*apiv1.UpdateInteractionGroupResponse, error) {
		g, err := tx.UpdateGroup(store.InteractionGroup{Code: code, Description: in.GetDescription()}, in.GetEtag(), fields)
		if err != nil {
			return nil, err
		}
		return &apiv1.UpdateInteractionGroupResponse{InteractionGroup: groupToAPI(g)}, nil
	})
}

func (s *groupService) DeleteInteractionGroup(ctx context.Context, req *apiv1.DeleteInteractionGroupRequest) (*apiv1.DeleteInteractionGroupResponse, error) {
	code, err := parseCodeName("name", req.GetName(), groupCollection, shortCode)
	if err != nil {
		return nil, err
	}
	return write(ctx, s.store, req, func(tx *store.Tx) (*apiv1.DeleteInteractionGroupResponse, error) {
		return &apiv1.DeleteInteractionGroupResponse{}, tx.DeleteGroup(code, req.GetEtag())
	})
}

func groupToAPI(g store.InteractionGroup) *apiv1.InteractionGroup {
	return &apiv1.InteractionGroup{
		Name:        codeName(groupCollection, g.Code),
		Code:        g.Code,
		Description: g.Description,
		Etag:        g.Etag,
		CreateTime:  timestamp(g.CreateTime),
		UpdateTime:  timestamp(g.UpdateTime),
	}
}

// GetInteractionGroupStatistics totals the group's entries (SPEC §3);
// canceled and postponed entries never count.
func (s *groupService) GetInteractionGroupStatistics(ctx context.Context, req *apiv1.GetInteractionGroupStatisticsRequest) (*apiv1.GetInteractionGroupStatisticsResponse, error) {
	code, err := parseCodeName("name", req.GetName(), groupCollection, shortCode)
	if err != nil {
		return nil, err
	}
	r, err := parseTimeRange(req.GetStartTime(), req.GetEndTime())
	if err != nil {
		return nil, err
	}
	t, err := s.store.GroupTotals(ctx, code, r)
	if err != nil {
		return nil, err
	}
	return &apiv1.GetInteractionGroupStatisticsResponse{Totals: totalsToAPI(t)}, nil
}
