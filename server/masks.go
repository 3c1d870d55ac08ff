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

	"github.com/interlog/interlog/store"
)

// replaceAll is the update mask path that replaces every updatable field.
const replaceAll = "*"

// updatablePaths maps the update mask paths of a resource to the store
// fields they change: each updatable field of the store is the path of the
// same name.
func updatablePaths(u store.Updatable) map[string]store.Field {
	paths := map[string]store.Field{}
	for _, f := range u.Fields() {
		paths[string(f)] = f
	}
	return paths
}

// maskFields maps the update mask of an Update request to the store fields
// it writes, through updatable (API field path -> store field); see
// maskPaths.
func maskFields(mask *fieldmaskpb.FieldMask, resource proto.Message, updatable map[string]store.Field) ([]store.Field, error) {
	paths, err := maskPaths(mask, resource, updatable)
	if err != nil {
		return nil, err
	}
	return fieldsOf(paths, updatable), nil
}

// maskPaths resolves the update mask of an Update request to the updatable
// field paths (keys of updatable) it changes, as AIP-134 says:
//   - no mask, or a mask without paths: the updatable fields populated in
//     resource (set to a non-default value, or present when the field tracks
//     presence; inside a message whose fields are updatable one by one, those
//     of its fields that are populated). Whatever else the resource carries
//     (its name, etag, output-only fields, fields fixed at creation) is
//     ignored, so a resource read with Get can be sent back as it is;
//   - "*", alone: every updatable field; what the request leaves unset is
//     cleared;
//   - otherwise exactly the paths named; a named field sent blank is cleared.
//
// A path that is not updatable, or "*" beside other paths, is
// INVALID_ARGUMENT naming the path.
func maskPaths(mask *fieldmaskpb.FieldMask, resource proto.Message, updatable map[string]store.Field) ([]string, error) {
	paths := mask.GetPaths()
	switch {
	case len(paths) == 0:
		return populatedPaths(resource.ProtoReflect(), "", updatable), nil
	case slices.Contains(paths, replaceAll):
		if len(paths) > 1 {
			return nil, invalidField("update_mask", fmt.Sprintf("%q replaces every updatable field and must be the only path", replaceAll))
		}
		return sortedPaths(updatable), nil
	}
	for _, p := range paths {
		if _, ok := updatable[p]; !ok {
			return nil, invalidField("update_mask", fmt.Sprintf("cannot update %s; updatable fields: %s", quoteCapped(p), strings.Join(sortedPaths(updatable), ", ")))
		}
	}
	return paths, nil
}

// fieldsOf maps updatable paths to their store fields, each field once.
func fieldsOf(paths []string, updatable map[string]store.Field) []store.Field {
	var fields []store.Field
	for _, p := range paths {
		if f := updatable[p]; !slices.Contains(fields, f) {
			fields = append(fields, f)
		}
	}
	return fields
}

// populatedPaths returns, sorted, the updatable fields populated in m, each
// path prefixed with prefix. A populated message field whose own fields are
// updatable one by one ("overrides.cost") gives the paths of its populated
// fields instead of its own. It reads the message's own notion of
// "populated" through protoreflect, so a field added to a resource is
// covered without more code.
func populatedPaths(m protoreflect.Message, prefix string, updatable map[string]store.Field) []string {
	var paths []string
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		path := prefix + string(fd.Name())
		if fd.Message() != nil && hasSubpaths(updatable, path) {
			paths = append(paths, populatedPaths(v.Message(), path+".", updatable)...)
		} else if _, ok := updatable[path]; ok {
			paths = append(paths, path)
		}
		return true
	})
	sort.Strings(paths)
	return paths
}

// hasSubpaths reports whether updatable holds paths inside the field at path.
func hasSubpaths(updatable map[string]store.Field, path string) bool {
	for p := range updatable {
		if strings.HasPrefix(p, path+".") {
			return true
		}
	}
	return false
}

// subfieldPaths adds to updatable, for the message field name, a path
// "name.f" for each field f of the message, all written as the store field
// name itself.
func subfieldPaths(updatable map[string]store.Field, name string, md protoreflect.MessageDescriptor) map[string]store.Field {
	fields := md.Fields()
	for i := range fields.Len() {
		updatable[name+"."+string(fields.Get(i).Name())] = updatable[name]
	}
	return updatable
}

// subfieldsNamed returns the fields named by paths "name.f" (as f), and
// whether paths names the field name as a whole.
func subfieldsNamed(paths []string, name string) (fields []string, whole bool) {
	for _, p := range paths {
		if p == name {
			whole = true
		} else if f, ok := strings.CutPrefix(p, name+"."); ok {
			fields = append(fields, f)
		}
	}
	return fields, whole
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

func sortedPaths(m map[string]store.Field) []string {
	out := make([]string, 0, len(m))
	for p := range m {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// masked reports whether an update changes the field.
func masked(fields []store.Field, f store.Field) bool { return slices.Contains(fields, f) }
