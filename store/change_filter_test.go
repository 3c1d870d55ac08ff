package store

import (
	"context"
	"fmt"
	"testing"
)

// TestChangeFilterMatchesAsTheQuery: for every filter, Matches selects in
// memory exactly the changes ListChanges selects with it in SQL.
func TestChangeFilterMatchesAsTheQuery(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		var changes []Change
		for i := range 12 {
			person, company := fmt.Sprintf("P%d", i%3), fmt.Sprintf("C%d", i%2)
			c := entryChange(int64(i+1), person, company)
			switch i % 4 {
			case 1:
				c.TemplateCode, c.GroupCode = "VISIT", "MEET"
			case 2:
				c.ContactNo, c.ContactCompanyNo = company, "" // a company's own entry
			case 3:
				c = Change{Kind: ChangeContactDeleted, ResourceType: ResourceContact, Key: person, ContactNo: person, ContactCompanyNo: company}
			}
			changes = append(changes, c)
		}
		if err := s.AppendChanges(ctx, "alice", "", changes...); err != nil {
			t.Fatal(err)
		}
		sequenceNow(t, s)
		all := listAll(t, s, 0)
		for _, f := range []ChangeFilter{
			{},
			{Kinds: []ChangeKind{ChangeContactDeleted}},
			{Kinds: []ChangeKind{ChangeEntryLogged, ChangeContactDeleted}},
			{ResourceTypes: []ResourceType{ResourceEntry}},
			{ContactNo: "C0"},
			{ContactNo: "C0", IncludeCompanyPersons: true},
			{ContactNo: "P1", IncludeCompanyPersons: true},
			{TemplateCode: "VISIT"},
			{GroupCode: "PHONE", ContactNo: "C1", IncludeCompanyPersons: true},
			{TemplateCode: "NONE"},
		} {
			want, err := s.ListChanges(ctx, 0, int64(len(all)), f, 100)
			if err != nil {
				t.Fatal(err)
			}
			var got []int64
			for _, c := range all {
				if f.Matches(c.Change) {
					got = append(got, c.Sequence)
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(sequencesOf(want)) {
				t.Errorf("filter %+v: Matches selects %v, the query %v", f, got, sequencesOf(want))
			}
		}
	})
}

func sequencesOf(changes []StoredChange) []int64 {
	out := make([]int64, len(changes))
	for i, c := range changes {
		out[i] = c.Sequence
	}
	return out
}
