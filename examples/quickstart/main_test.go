package main

import (
	"strings"
	"testing"

	"github.com/interlog/interlog/internal/testserver"
)

// TestExample runs the quickstart twice against a throw-away server: the
// second run finds the group and template there and reads them back.
func TestExample(t *testing.T) {
	env := testserver.Start(t, "sqlite", testserver.Options{})
	want := "group interactionGroups/MEETING: Meetings\ntemplate interactionTemplates/MEET-CUST: Customer meeting, unit cost 25.5\n"
	for attempt := range 2 {
		var out strings.Builder
		if err := run(env.Addr, "", &out); err != nil {
			t.Fatalf("run %d: %v", attempt+1, err)
		}
		if out.String() != want {
			t.Fatalf("run %d output:\n%s\nwant:\n%s", attempt+1, out.String(), want)
		}
	}
}
