package server

import (
	"go/ast"
	"go/parser"
	"go/token"
	"strconv"
	"strings"
	"testing"

	"google.golang.org/protobuf/reflect/protoreflect"

	apiv1 "github.com/interlog/interlog/gen/interlog/v1"
	"github.com/interlog/interlog/store"
)

// TestStoreReasonsExistInAPI keeps the store's Reason* constants and the API's
// ErrorReason enum in step: a reason missing from the API would reach clients
// as INTERNAL.
func TestStoreReasonsExistInAPI(t *testing.T) {
	file, err := parser.ParseFile(token.NewFileSet(), "../store/errors.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	ast.Inspect(file, func(node ast.Node) bool {
		spec, ok := node.(*ast.ValueSpec)
		if !ok || len(spec.Names) != 1 || !strings.HasPrefix(spec.Names[0].Name, "Reason") || len(spec.Values) != 1 {
			return true
		}
		lit, ok := spec.Values[0].(*ast.BasicLit)
		if !ok {
			return true
		}
		value, _ := strconv.Unquote(lit.Value)
		n++
		if reasonFromStore(value) == apiv1.ErrorReason_ERROR_REASON_INTERNAL {
			t.Errorf("store.%s = %q has no ERROR_REASON_%s in the API", spec.Names[0].Name, value, value)
		}
		return true
	})
	if n < 10 {
		t.Fatalf("found only %d Reason constants in store/errors.go; did the file move?", n)
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
