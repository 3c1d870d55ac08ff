package server

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"google.golang.org/protobuf/types/known/fieldmaskpb"
)

// maskColumns maps the paths of an update mask to store columns through
// updatable (API field path -> column). An empty mask means every updatable
// field. A path that is not updatable is INVALID_ARGUMENT naming it.
func maskColumns(mask *fieldmaskpb.FieldMask, updatable map[string]string) ([]string, error) {
	paths := mask.GetPaths()
	if len(paths) == 0 {
		for p := range updatable {
			paths = append(paths, p)
		}
		sort.Strings(paths)
	}
	var cols []string
	for _, p := range paths {
		col, ok := updatable[p]
		if !ok {
			return nil, invalidField("update_mask", fmt.Sprintf("cannot update %q; updatable fields: %s", p, strings.Join(sortedPaths(updatable), ", ")))
		}
		if !slices.Contains(cols, col) {
			cols = append(cols, col)
		}
	}
	return cols, nil
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
