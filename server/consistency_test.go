package server

import (
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	apiv1 "github.com/interlog/interlog/gen/interlog/v1"
	"github.com/interlog/interlog/store"
)

// TestEveryStoreReasonHasItsOwnAPIReason: apiReasons' length is checked
// when the package compiles; this checks that no store reason in between was
// left out (UNSPECIFIED) or mapped to the reason of another.
func TestEveryStoreReasonHasItsOwnAPIReason(t *testing.T) {
	seen := map[apiv1.ErrorReason]store.Reason{}
	for r := store.ReasonUnspecified + 1; r < store.ReasonCount; r++ {
		api := apiReasons[r]
		switch api {
		case apiv1.ErrorReason_ERROR_REASON_UNSPECIFIED, apiv1.ErrorReason_ERROR_REASON_INTERNAL:
			t.Errorf("store reason %d has no API reason (%v)", r, api)
		}
		if other, dup := seen[api]; dup {
			t.Errorf("store reasons %d and %d both map to %v", other, r, api)
		}
		seen[api] = r
	}
}

// TestStoreEnumNumbersMatchAPI checks the enum numbers the store's rules use.
func TestStoreEnumNumbersMatchAPI(t *testing.T) {
	pairs := []struct {
		store int16
		api   int32
	}{
		{store.CorrespondenceTypeNone, int32(apiv1.CorrespondenceType_CORRESPONDENCE_TYPE_UNSPECIFIED)},
		{store.CorrespondenceTypeEmail, int32(apiv1.CorrespondenceType_CORRESPONDENCE_TYPE_EMAIL)},
		{store.ContactTypeCompany, int32(apiv1.ContactType_CONTACT_TYPE_COMPANY)},
		{store.ContactTypePerson, int32(apiv1.ContactType_CONTACT_TYPE_PERSON)},
		{store.InitiatedByUs, int32(apiv1.InitiatedBy_INITIATED_BY_US)},
	}
	for i, p := range pairs {
		if int32(p.store) != p.api {
			t.Errorf("pair %d: store has %d, API has %d", i, p.store, p.api)
		}
	}
}

// TestSetupSlotsMatchAPI checks that every setup field of the API is a store
// slot and that document slots carry the right document type.
func TestSetupSlotsMatchAPI(t *testing.T) {
	fields := (&apiv1.InteractionTemplateSetup{}).ProtoReflect().Descriptor().Fields()
	slots := map[string]int16{}
	for _, s := range store.SetupSlots {
		slots[s.Name] = s.DocumentType
		if fields.ByName(protoreflect.Name(s.Name)) == nil {
			t.Errorf("store slot %q is not a field of InteractionTemplateSetup", s.Name)
		}
		if s.DocumentType != 0 {
			want := "DOCUMENT_TYPE_" + strings.ToUpper(s.Name)
			if got := apiv1.DocumentType(s.DocumentType).String(); got != want {
				t.Errorf("slot %q has document type %s, want %s", s.Name, got, want)
			}
		}
	}
	for i := range fields.Len() {
		name := string(fields.Get(i).Name())
		if _, ok := slots[name]; !ok && name != "name" && name != "etag" && name != "update_time" {
			t.Errorf("setup field %q has no store slot", name)
		}
	}
	for v := range apiv1.DocumentType_name {
		if v == 0 {
			continue
		}
		if _, ok := store.SlotForDocumentType(int16(v)); !ok {
			t.Errorf("document type %v has no setup slot", apiv1.DocumentType(v))
		}
	}
}

// TestUpdatableFieldsAreAPIFields: each field the store lets an update change
// is a field of the API resource of the same name, so that it is an update
// mask path.
func TestUpdatableFieldsAreAPIFields(t *testing.T) {
	resources := []struct {
		updatable store.Updatable
		resource  proto.Message
	}{
		{store.GroupUpdatable, &apiv1.InteractionGroup{}},
		{store.TemplateUpdatable, &apiv1.InteractionTemplate{}},
		{store.LanguageUpdatable, &apiv1.InteractionTemplateLanguage{}},
		{store.ContactUpdatable, &apiv1.Contact{}},
		{store.EntryUpdatable, &apiv1.InteractionLogEntry{}},
		{store.CommentUpdatable, &apiv1.InteractionLogComment{}},
		{store.SegmentUpdatable, &apiv1.Segment{}},
		{store.SegmentLineUpdatable, &apiv1.SegmentLine{}},
	}
	for _, r := range resources {
		fields := r.resource.ProtoReflect().Descriptor().Fields()
		for _, f := range r.updatable.Fields() {
			if fields.ByName(protoreflect.Name(f)) == nil {
				t.Errorf("store field %q is not a field of %T", f, r.resource)
			}
		}
	}
}
