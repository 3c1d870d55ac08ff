package main

import (
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/interlog/interlog/server"
)

// printToken implements `interlogd token`: a new random token for the
// client, and the line that grants it in the token file. Only the token's
// hash goes into the file.
func printToken(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("interlogd token", flag.ContinueOnError)
	fs.SetOutput(stderr)
	principal := fs.String("principal", "", "who uses the token; recorded as user_id of what they write")
	roleName := fs.String("role", "", "viewer, editor or admin")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *principal == "" || *roleName == "" || fs.NArg() > 0 {
		return errors.New("usage: interlogd token --principal NAME --role viewer|editor|admin")
	}
	role, err := server.ParseRole(*roleName)
	if err != nil {
		return err
	}
	token, line, err := server.NewToken(*principal, role)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, "# token for %s (give it to the client; it is not stored anywhere):\n%s\n# line for the token file:\n%s\n",
		*principal, token, line)
	return err
}
