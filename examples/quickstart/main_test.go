package main

import (
	"strings"
	"testing"

	"github.com/interlog/interlog/internal/testserver"
)

// TestExample runs the quickstart against a throw-away server.
func TestExample(t *testing.T) {
	env := testserver.Start(t, "sqlite", testserver.Options{})
	var out strings.Builder
	if err := run(env.Addr, "", &out); err != nil {
		t.Fatal(err)
	}
	want := "group interactionGroups/MEETING: Meetings\ntemplate interactionTemplates/MEET-CUST: Customer meeting, unit cost 25.5\n"
	if out.String() != want {
		t.Fatalf("output:\n%s\nwant:\n%s", out.String(), want)
	}
}
