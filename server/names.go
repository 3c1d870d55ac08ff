package server

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// Codes are typed by people: checked by the rules of validation.proto (see
// rules.go), then trimmed and upper-cased. In resource names a code appears
// path-escaped ("A/B" as "A%2FB", " " as "%20" or as is).

// normalizeCode returns the stored form of a code whose shape protovalidate
// has checked: trimmed, upper-cased. A blank code stays blank.
func normalizeCode(raw string) string {
	return strings.Map(asciiUpper, strings.TrimSpace(raw))
}

// requireCode is normalizeCode for a code that must not be blank here though
// its field may be blank elsewhere (a create's code, which an update takes
// from the name); blank breaks rule, the rule of a code of its length.
func requireCode(field, raw string, rule stringRule) (string, error) {
	code := normalizeCode(raw)
	if code == "" {
		return "", rule.violation(field)
	}
	return code, nil
}

// asciiUpper upper-cases a-z only. Codes hold ASCII only, and strings.ToUpper
// would turn "ı" and "ſ" into "I" and "S" and let them pass as codes.
func asciiUpper(r rune) rune {
	if 'a' <= r && r <= 'z' {
		return r - ('a' - 'A')
	}
	return r
}

// codeName formats a resource name from a collection and a code.
func codeName(collection, code string) string {
	return collection + "/" + url.PathEscape(code)
}

// parseCodeName reads "{collection}/{code}" and returns the normalized code.
func parseCodeName(field, name, collection string, rule stringRule) (string, error) {
	segments, err := splitName(field, name, collection)
	if err != nil {
		return "", err
	}
	return nameCode(field, segments[0], rule)
}

// nameCode checks an unescaped code of a resource name, which protovalidate
// sees only inside the name, and returns its stored form.
func nameCode(field, raw string, rule stringRule) (string, error) {
	if err := rule.check(field, raw); err != nil {
		return "", err
	}
	return normalizeCode(raw), nil
}

// parseNumberName reads "{collection}/{n}" with a positive integer n.
func parseNumberName(field, name, collection string) (int64, error) {
	segments, err := splitName(field, name, collection)
	if err != nil {
		return 0, err
	}
	return parsePositive(field, segments[0])
}

// parseNestedName reads "{collection}/{id}/{sub}/{subID}" and returns the two
// raw (unescaped) ids.
func parseNestedName(field, name, collection, sub string) (string, string, error) {
	segments, err := splitName(field, name, collection, sub)
	if err != nil {
		return "", "", err
	}
	return segments[0], segments[1], nil
}

// splitName checks that name is collection/id(/sub/id)* with the given
// collection words and returns the unescaped ids.
func splitName(field, name string, collections ...string) ([]string, error) {
	parts := strings.Split(name, "/")
	want := strings.Join(collections, "/{id}/") + "/{id}"
	if len(parts) != 2*len(collections) {
		return nil, invalidField(field, fmt.Sprintf("must have the form %q (escape '/' inside a code as %%2F)", want))
	}
	ids := make([]string, 0, len(collections))
	for i, c := range collections {
		if parts[2*i] != c {
			return nil, invalidField(field, fmt.Sprintf("must have the form %q", want))
		}
		id, err := url.PathUnescape(parts[2*i+1])
		if err != nil || id == "" {
			return nil, invalidField(field, fmt.Sprintf("must have the form %q with a valid, non-empty id", want))
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// parsePositive reads a positive decimal integer id, written as numberName
// writes it: "01" and "+1" would name the same resource as "1", so they are
// refused rather than taken as another spelling of it.
func parsePositive(field, s string) (int64, error) {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 || strconv.FormatInt(n, 10) != s {
		return 0, invalidField(field, "must end in a positive whole number without leading zeros or sign")
	}
	return n, nil
}

// numberName formats a resource name from a collection and a number.
func numberName(collection string, n int64) string {
	return collection + "/" + strconv.FormatInt(n, 10)
}
