package server

import (
	"fmt"
	"strings"

	apiv1 "github.com/interlog/interlog/gen/interlog/v1"
)

// Role is what a principal may do. Each role includes the ones below it:
// viewer < editor < admin (SPEC §5).
type Role int

// The roles, in increasing order of rights.
const (
	RoleNone Role = iota
	RoleViewer
	RoleEditor
	RoleAdmin
)

var roleNames = map[Role]string{RoleViewer: "viewer", RoleEditor: "editor", RoleAdmin: "admin"}

func (r Role) String() string {
	if n, ok := roleNames[r]; ok {
		return n
	}
	return "none"
}

// ParseRole reads "viewer", "editor" or "admin".
func ParseRole(s string) (Role, error) {
	for r, n := range roleNames {
		if strings.EqualFold(s, n) {
			return r, nil
		}
	}
	return RoleNone, fmt.Errorf("unknown role %q: want viewer, editor or admin", s)
}

// methodRoles is THE table of the role each RPC needs. A test checks that it
// names every method of every interlog.v1 service, so a new RPC cannot ship
// without a role; a method missing here is refused to everyone.
//
// viewer reads everything; editor also logs, cancels, restores and evaluates
// interactions and manages comments, contacts, segments and attachments;
// admin also manages groups, templates, languages and the setup, and deletes
// canceled entries and logged segments.
var methodRoles = map[string]Role{
	apiv1.InteractionGroupService_GetInteractionGroup_FullMethodName:           RoleViewer,
	apiv1.InteractionGroupService_ListInteractionGroups_FullMethodName:         RoleViewer,
	apiv1.InteractionGroupService_GetInteractionGroupStatistics_FullMethodName: RoleViewer,
	apiv1.InteractionGroupService_CreateInteractionGroup_FullMethodName:        RoleAdmin,
	apiv1.InteractionGroupService_UpdateInteractionGroup_FullMethodName:        RoleAdmin,
	apiv1.InteractionGroupService_DeleteInteractionGroup_FullMethodName:        RoleAdmin,

	apiv1.InteractionTemplateService_GetInteractionTemplate_FullMethodName:            RoleViewer,
	apiv1.InteractionTemplateService_ListInteractionTemplates_FullMethodName:          RoleViewer,
	apiv1.InteractionTemplateService_GetInteractionTemplateStatistics_FullMethodName:  RoleViewer,
	apiv1.InteractionTemplateService_GetInteractionTemplateLanguage_FullMethodName:    RoleViewer,
	apiv1.InteractionTemplateService_ListInteractionTemplateLanguages_FullMethodName:  RoleViewer,
	apiv1.InteractionTemplateService_GetInteractionTemplateSetup_FullMethodName:       RoleViewer,
	apiv1.InteractionTemplateService_CreateInteractionTemplate_FullMethodName:         RoleAdmin,
	apiv1.InteractionTemplateService_UpdateInteractionTemplate_FullMethodName:         RoleAdmin,
	apiv1.InteractionTemplateService_DeleteInteractionTemplate_FullMethodName:         RoleAdmin,
	apiv1.InteractionTemplateService_CreateInteractionTemplateLanguage_FullMethodName: RoleAdmin,
	apiv1.InteractionTemplateService_UpdateInteractionTemplateLanguage_FullMethodName: RoleAdmin,
	apiv1.InteractionTemplateService_DeleteInteractionTemplateLanguage_FullMethodName: RoleAdmin,
	apiv1.InteractionTemplateService_UpdateInteractionTemplateSetup_FullMethodName:    RoleAdmin,

	apiv1.ContactService_GetContact_FullMethodName:           RoleViewer,
	apiv1.ContactService_ListContacts_FullMethodName:         RoleViewer,
	apiv1.ContactService_GetContactStatistics_FullMethodName: RoleViewer,
	apiv1.ContactService_CreateContact_FullMethodName:        RoleEditor,
	apiv1.ContactService_UpdateContact_FullMethodName:        RoleEditor,
	apiv1.ContactService_DeleteContact_FullMethodName:        RoleEditor,
	apiv1.ContactService_BatchUpsertContacts_FullMethodName:  RoleEditor,

	apiv1.InteractionLogService_GetInteractionLogEntry_FullMethodName:              RoleViewer,
	apiv1.InteractionLogService_ListInteractionLogEntries_FullMethodName:           RoleViewer,
	apiv1.InteractionLogService_SummarizeInteractions_FullMethodName:               RoleViewer,
	apiv1.InteractionLogService_ListInteractionLogComments_FullMethodName:          RoleViewer,
	apiv1.InteractionLogService_LogInteraction_FullMethodName:                      RoleEditor,
	apiv1.InteractionLogService_BatchLogInteractions_FullMethodName:                RoleEditor,
	apiv1.InteractionLogService_ResumeInteraction_FullMethodName:                   RoleEditor,
	apiv1.InteractionLogService_DeletePostponedInteraction_FullMethodName:          RoleEditor,
	apiv1.InteractionLogService_RecordDocumentInteraction_FullMethodName:           RoleEditor,
	apiv1.InteractionLogService_UpdateInteractionLogEntry_FullMethodName:           RoleEditor,
	apiv1.InteractionLogService_CancelInteractionLogEntries_FullMethodName:         RoleEditor,
	apiv1.InteractionLogService_RestoreInteractionLogEntries_FullMethodName:        RoleEditor,
	apiv1.InteractionLogService_EvaluateInteractionLogEntries_FullMethodName:       RoleEditor,
	apiv1.InteractionLogService_CreateInteractionLogComment_FullMethodName:         RoleEditor,
	apiv1.InteractionLogService_UpdateInteractionLogComment_FullMethodName:         RoleEditor,
	apiv1.InteractionLogService_DeleteInteractionLogComment_FullMethodName:         RoleEditor,
	apiv1.InteractionLogService_DeleteCanceledInteractionLogEntries_FullMethodName: RoleAdmin,

	apiv1.SegmentService_GetSegment_FullMethodName:                   RoleViewer,
	apiv1.SegmentService_ListSegments_FullMethodName:                 RoleViewer,
	apiv1.SegmentService_GetSegmentLine_FullMethodName:               RoleViewer,
	apiv1.SegmentService_ListSegmentLines_FullMethodName:             RoleViewer,
	apiv1.SegmentService_GetLoggedSegment_FullMethodName:             RoleViewer,
	apiv1.SegmentService_ListLoggedSegments_FullMethodName:           RoleViewer,
	apiv1.SegmentService_CreateSegment_FullMethodName:                RoleEditor,
	apiv1.SegmentService_UpdateSegment_FullMethodName:                RoleEditor,
	apiv1.SegmentService_DeleteSegment_FullMethodName:                RoleEditor,
	apiv1.SegmentService_CreateSegmentLine_FullMethodName:            RoleEditor,
	apiv1.SegmentService_BatchCreateSegmentLines_FullMethodName:      RoleEditor,
	apiv1.SegmentService_UpdateSegmentLine_FullMethodName:            RoleEditor,
	apiv1.SegmentService_DeleteSegmentLine_FullMethodName:            RoleEditor,
	apiv1.SegmentService_LogSegment_FullMethodName:                   RoleEditor,
	apiv1.SegmentService_CancelLoggedSegment_FullMethodName:          RoleEditor,
	apiv1.SegmentService_RestoreLoggedSegment_FullMethodName:         RoleEditor,
	apiv1.SegmentService_DeleteCanceledLoggedSegments_FullMethodName: RoleAdmin,

	apiv1.ChangeService_ListChanges_FullMethodName:  RoleViewer,
	apiv1.ChangeService_WatchChanges_FullMethodName: RoleViewer,

	apiv1.AttachmentService_GetAttachment_FullMethodName:      RoleViewer,
	apiv1.AttachmentService_ListAttachments_FullMethodName:    RoleViewer,
	apiv1.AttachmentService_DownloadAttachment_FullMethodName: RoleViewer,
	apiv1.AttachmentService_UploadAttachment_FullMethodName:   RoleEditor,
	apiv1.AttachmentService_DeleteAttachment_FullMethodName:   RoleEditor,
}

// publicServices need no credentials: load balancers probe health, and
// grpcurl needs reflection to describe the API before it can call it.
var publicServices = []string{
	"/grpc.health.v1.Health/",
	"/grpc.reflection.v1.ServerReflection/",
	"/grpc.reflection.v1alpha.ServerReflection/",
}

func isPublic(fullMethod string) bool {
	for _, prefix := range publicServices {
		if strings.HasPrefix(fullMethod, prefix) {
			return true
		}
	}
	return false
}

// RoleOf returns the role a method needs, and false for a method that is
// not in the table (refused to everyone).
func RoleOf(fullMethod string) (Role, bool) {
	r, ok := methodRoles[fullMethod]
	return r, ok
}
