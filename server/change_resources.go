package server

import (
	"fmt"

	"google.golang.org/protobuf/proto"

	apiv1 "github.com/interlog/interlog/gen/interlog/v1"
	"github.com/interlog/interlog/store"
)

// The change feed stores each change's resource as the protobuf of the API
// message its RPCs return (encodeChangeResource, the store's
// ResourceEncoder), so that a reader's page decodes it without converting a
// store model. Changes written by the release before hold the store model
// as JSON, which the store decodes into StoredChange.Resource; those are
// converted as the resource's Get converts it.

// changeResource is how the feed stores and reads one resource type.
type changeResource struct {
	// encode is the protobuf of the API message of a store model.
	encode func(model any) ([]byte, error)
	// decode sets a change's resource from encode's bytes.
	decode func(b []byte, out *apiv1.Change) error
	// convert sets a change's resource from a store model.
	convert func(model any, out *apiv1.Change)
}

// resourceOf builds the changeResource of a store model S whose API message
// is *M, from the model's converter and the setter of Change's oneof.
func resourceOf[S, M any, PM interface {
	*M
	proto.Message
}](toAPI func(S) PM, set func(*apiv1.Change, PM)) changeResource {
	return changeResource{
		encode: func(model any) ([]byte, error) {
			s, ok := model.(S)
			if !ok {
				return nil, fmt.Errorf("change resource %T, want %T", model, s)
			}
			return proto.Marshal(toAPI(s))
		},
		decode: func(b []byte, out *apiv1.Change) error {
			m := PM(new(M))
			if err := proto.Unmarshal(b, m); err != nil {
				return err
			}
			set(out, m)
			return nil
		},
		convert: func(model any, out *apiv1.Change) {
			if s, ok := model.(S); ok {
				set(out, toAPI(s))
			}
		},
	}
}

// changeResources covers every store resource type (TestChangeResourcesCoverEveryType).
var changeResources = map[store.ResourceType]changeResource{
	store.ResourceEntry: resourceOf(entryToAPI, func(c *apiv1.Change, m *apiv1.InteractionLogEntry) {
		c.Resource = &apiv1.Change_InteractionLogEntry{InteractionLogEntry: m}
	}),
	store.ResourceComment: resourceOf(commentToAPI, func(c *apiv1.Change, m *apiv1.InteractionLogComment) {
		c.Resource = &apiv1.Change_InteractionLogComment{InteractionLogComment: m}
	}),
	store.ResourceLoggedSegment: resourceOf(loggedSegmentToAPI, func(c *apiv1.Change, m *apiv1.LoggedSegment) {
		c.Resource = &apiv1.Change_LoggedSegment{LoggedSegment: m}
	}),
	store.ResourceContact: resourceOf(contactToAPI, func(c *apiv1.Change, m *apiv1.Contact) {
		c.Resource = &apiv1.Change_Contact{Contact: m}
	}),
	store.ResourceGroup: resourceOf(groupToAPI, func(c *apiv1.Change, m *apiv1.InteractionGroup) {
		c.Resource = &apiv1.Change_InteractionGroup{InteractionGroup: m}
	}),
	store.ResourceTemplate: resourceOf(templateToAPI, func(c *apiv1.Change, m *apiv1.InteractionTemplate) {
		c.Resource = &apiv1.Change_InteractionTemplate{InteractionTemplate: m}
	}),
	store.ResourceTemplateLanguage: resourceOf(languageToAPI, func(c *apiv1.Change, m *apiv1.InteractionTemplateLanguage) {
		c.Resource = &apiv1.Change_InteractionTemplateLanguage{InteractionTemplateLanguage: m}
	}),
	store.ResourceTemplateSetup: resourceOf(setupToAPI, func(c *apiv1.Change, m *apiv1.InteractionTemplateSetup) {
		c.Resource = &apiv1.Change_InteractionTemplateSetup{InteractionTemplateSetup: m}
	}),
	store.ResourceAttachment: resourceOf(attachmentToAPI, func(c *apiv1.Change, m *apiv1.Attachment) {
		c.Resource = &apiv1.Change_Attachment{Attachment: m}
	}),
}

// encodeChangeResource is the store's ResourceEncoder.
func encodeChangeResource(t store.ResourceType, model any) ([]byte, error) {
	r, ok := changeResources[t]
	if !ok {
		return nil, fmt.Errorf("change of unknown resource type %d", t)
	}
	return r.encode(model)
}

// setChangeResource sets out's resource from a stored change: decoded from
// the encoder's bytes, or converted from the model of a legacy change.
func setChangeResource(c store.StoredChange, out *apiv1.Change) error {
	r, ok := changeResources[c.ResourceType]
	switch {
	case !ok:
		return fmt.Errorf("change %d of unknown resource type %d", c.Sequence, c.ResourceType)
	case c.Encoded != nil:
		if err := r.decode(c.Encoded, out); err != nil {
			return fmt.Errorf("change %d: %w", c.Sequence, err)
		}
	case c.Resource != nil:
		r.convert(c.Resource, out)
	}
	return nil
}
