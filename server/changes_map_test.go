package server

import (
	"testing"

	apiv1 "github.com/interlog/interlog/gen/interlog/v1"
	"github.com/interlog/interlog/store"
)

// TestChangeEnumsMapBothWays: every store change kind and resource type has
// an API value and every API value (but UNSPECIFIED) a store one, one to one.
func TestChangeEnumsMapBothWays(t *testing.T) {
	checkEnumMap(t, "change kind", store.ChangeKinds(), changeKindsToAPI,
		apiv1.ChangeKind(0).Descriptor().Values().Len()-1)
	checkEnumMap(t, "resource type", store.ResourceTypes(), resourceTypesToAPI,
		apiv1.ResourceType(0).Descriptor().Values().Len()-1)
}

func checkEnumMap[S comparable, A interface{ ~int32 }](t *testing.T, what string, all []S, m map[S]A, apiValues int) {
	t.Helper()
	seen := map[A]bool{}
	for _, v := range all {
		a, ok := m[v]
		if !ok || a == 0 {
			t.Errorf("store %s %v has no API value", what, v)
		}
		if seen[a] {
			t.Errorf("API %s %v is mapped twice", what, a)
		}
		seen[a] = true
	}
	if len(m) != len(all) || len(seen) != apiValues {
		t.Errorf("%d store %ss, %d mapped, %d API values", len(all), what, len(m), apiValues)
	}
}

// TestChangeResourceNames: a change's resource name is what the resource's
// own Get method answers to, also for codes that need escaping.
func TestChangeResourceNames(t *testing.T) {
	for _, tc := range []struct {
		t    store.ResourceType
		key  string
		want string
	}{
		{store.ResourceEntry, "10000", "interactionLogEntries/10000"},
		{store.ResourceComment, store.ChangeKey("10000", "7"), "interactionLogEntries/10000/comments/7"},
		{store.ResourceLoggedSegment, "3", "loggedSegments/3"},
		{store.ResourceContact, "CT/1", "contacts/CT%2F1"},
		{store.ResourceGroup, "PHONE", "interactionGroups/PHONE"},
		{store.ResourceTemplate, "A B", "interactionTemplates/A%20B"},
		{store.ResourceTemplateLanguage, store.ChangeKey("MAIL", "EN/US"), "interactionTemplates/MAIL/languages/EN%2FUS"},
		{store.ResourceTemplateSetup, "", "interactionTemplateSetup"},
		{store.ResourceAttachment, "12", "attachments/12"},
	} {
		c := store.StoredChange{Change: store.Change{ResourceType: tc.t, Key: tc.key}}
		if got := changeResourceName(tc.t, c.KeyParts()); got != tc.want {
			t.Errorf("%v %q: %q, want %q", tc.t, tc.key, got, tc.want)
		}
	}
}

// TestChangeResourcesCoverEveryType: the feed can store and read the
// resource of every store resource type.
func TestChangeResourcesCoverEveryType(t *testing.T) {
	for _, rt := range store.ResourceTypes() {
		if _, ok := changeResources[rt]; !ok {
			t.Errorf("resource type %v has no changeResource", rt)
		}
	}
	if len(changeResources) != len(store.ResourceTypes()) {
		t.Errorf("%d changeResources for %d resource types", len(changeResources), len(store.ResourceTypes()))
	}
}
