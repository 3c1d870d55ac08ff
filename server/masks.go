package server

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/known/fieldmaskpb"
)

// replaceAll is the update mask path that replaces every updatable field.
const replaceAll = "*"

// maskColumns maps the update mask of an Update request to the store columns
// it writes, through updatable (API field path -> column), as AIP-134 says:
//   - no mask, or a mask without paths: the updatable fields populated in
//     resource (set to a non-default value, or present when the field tracks
//     presence). Whatever else the resource carries (its name, etag, output
//     only fields, fields fixed at creation) is ignored, so a resource read
//     with Get can be sent back as it is;
//   - "*", alone: every updatable field; what the request leaves unset is
//     cleared;
//   - otherwise exactly the paths named; a named field sent blank is cleared.
//
// A path that is not updatable, or "*" beside other paths, is
// INVALID_ARGUMENT naming the path.
func maskColumns(mask *fieldmaskpb.FieldMask, resource proto.Message, updatable map[string]string) ([]string, error) {
	paths := mask.GetPaths()
	switch {
	case len(paths) == 0:
		paths = populatedPaths(resource, updatable)
	case slices.Contains(paths, replaceAll):
		if len(paths) > 1 {
			return nil, invalidField("update_mask", fmt.Sprintf("%q replaces every updatable field and must be the only path", replaceAll))
		}
		paths = sortedPaths(updatable)
	}
	var cols []string
	for _, p := range paths {
		col, ok := updatable[p]
		if !ok {
			return nil, invalidField("update_mask", fmt.Sprintf("cannot update %s; updatable fields: %s", quoteCapped(p), strings.Join(sortedPaths(updatable), ", ")))
		}
		if !slices.Contains(cols, col) {
			cols = append(cols, col)
		}
	}
	return cols, nil
}

// populatedPaths returns, sorted, the updatable fields populated in
// resource. It reads the message's own notion of "populated" through
// protoreflect, so a field added to a resource is covered without more code.
func populatedPaths(resource proto.Message, updatable map[string]string) []string {
	var paths []string
	resource.ProtoReflect().Range(func(fd protoreflect.FieldDescriptor, _ protoreflect.Value) bool {
		if _, ok := updatable[string(fd.Name())]; ok {
			paths = append(paths, string(fd.Name()))
		}
		return true
	})
	sort.Strings(paths)
	return paths
}

// maxQuotedPath bounds how much of a caller's path an error message repeats.
const maxQuotedPath = 64

// quoteCapped quotes a path for an error message, cut to maxQuotedPath
// characters with an ellipsis, so a huge path is not echoed back.
func quoteCapped(p string) string {
	if utf8.RuneCountInString(p) <= maxQuotedPath {
		return fmt.Sprintf("%q", p)
	}
	return fmt.Sprintf("%q…", string([]rune(p)[:maxQuotedPath]))
}

func sortedPaths(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for p := range m {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// masked reports whether an update touches the column.
func masked(cols []string, col string) bool { return slices.Contains(cols, col) }
