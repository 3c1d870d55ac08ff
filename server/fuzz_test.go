package server

import (
	"math/big"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	apiv1 "github.com/interlog/interlog/gen/interlog/v1"
	"github.com/interlog/interlog/store"
)

// Fuzz targets for the request-only rules. Seeds are in testdata/fuzz; run
// one with `go test -fuzz=FuzzPageToken ./server/` (scripts/fuzz-short.sh runs
// them all briefly).

// wantInvalidField fails unless err is INVALID_ARGUMENT naming field.
func wantInvalidField(t *testing.T, err error, field string) {
	t.Helper()
	st := status.Convert(err)
	if st.Code() != codes.InvalidArgument {
		t.Fatalf("got %v, want INVALID_ARGUMENT", err)
	}
	for _, d := range st.Details() {
		if br, ok := d.(*errdetails.BadRequest); ok && slices.ContainsFunc(br.GetFieldViolations(),
			func(v *errdetails.BadRequest_FieldViolation) bool { return v.GetField() == field }) {
			return
		}
	}
	t.Fatalf("%v does not name field %q", err, field)
}

// FuzzPageToken feeds arbitrary page tokens to newPager: it never panics,
// refuses anything but a token of the same query with INVALID_ARGUMENT
// naming page_token, and the tokens it makes round-trip their keys and are
// refused by any other query.
func FuzzPageToken(f *testing.F) {
	f.Add("", "GROUP", int32(10), "LAST", int64(7), int64(1700000000000000000))
	f.Add("not base64!", "", int32(-1), "", int64(0), int64(0))
	f.Add("CgA", "A", int32(5000), "ÆØÅ", int64(-1), int64(-1))
	f.Fuzz(func(t *testing.T, token, group string, size int32, lastCode string, lastNumber, lastTime int64) {
		if !utf8.ValidString(token) || !utf8.ValidString(group) || !utf8.ValidString(lastCode) {
			t.Skip("requests and stored codes are valid UTF-8 (the codec refuses the rest)")
		}
		req := &apiv1.ListInteractionTemplatesRequest{PageSize: size, PageToken: token, InteractionGroupCode: group}
		p, err := newPager(req)
		if err != nil {
			wantInvalidField(t, err, "page_token")
		}
		if p.page.Limit < 1 || p.page.Limit > maxPageSize {
			t.Fatalf("page size %d read as %d", size, p.page.Limit)
		}

		last := store.Page{AfterCode: lastCode, AfterNumber: lastNumber, AfterTime: lastTime}
		rows := []store.Page{{AfterCode: "first"}, last}
		key := func(r store.Page) store.Page { return r }
		toAPI := func(r store.Page) *store.Page { return &r }
		if _, none := listPage(p, rows, false, toAPI, key); none != "" {
			t.Fatalf("token %q for the last page", none)
		}
		_, next := listPage(p, rows, true, toAPI, key)
		if next == "" {
			t.Fatal("no token for a page with more rows")
		}
		req.PageToken = next
		q, err := newPager(req)
		if err != nil {
			t.Fatalf("own token refused: %v", err)
		}
		if want := (store.Page{Limit: p.page.Limit, HasAfter: true, AfterCode: lastCode, AfterNumber: lastNumber, AfterTime: lastTime}); q.page != want {
			t.Fatalf("token keys %+v, want %+v", q.page, want)
		}

		// Another filter, or another collection, must not accept the token.
		req.InteractionGroupCode += "X"
		_, err = newPager(req)
		wantInvalidField(t, err, "page_token")
		_, err = newPager(&apiv1.ListInteractionGroupsRequest{PageToken: next})
		wantInvalidField(t, err, "page_token")
	})
}

// FuzzNormalizeCode: a code that the rules of validation.proto accept is
// stored as the trimmed, upper-cased input, of the allowed characters and
// length, and normalising it again changes nothing; anything else is
// INVALID_ARGUMENT naming the field. maxLen over 10 picks the rules of 20
// characters; optional, those of a code that may be blank (protovalidate's
// for a field) rather than the server's for a code in a resource name.
func FuzzNormalizeCode(f *testing.F) {
	for _, s := range []string{"tel calls", " A/B-1.2_3 ", "", " ", "ÆBLE", "ſ", "a\x00b", "ABCDEFGHIJK", "-", "a  b", "ı"} {
		f.Add(s, uint8(10), false)
	}
	rulesOf := map[int]struct{ inName, orBlank stringRule }{
		10: {shortCode, compileStringRule(apiv1.E_Code10OrBlank)},
		20: {longCode, compileStringRule(apiv1.E_Code20OrBlank)},
	}
	f.Fuzz(func(t *testing.T, raw string, maxLen uint8, optional bool) {
		limit := 10
		if maxLen > 10 {
			limit = 20
		}
		rules := rulesOf[limit]
		check := func(raw string) (string, error) { return nameCode("code", raw, rules.inName) }
		if optional {
			check = func(raw string) (string, error) { return normalizeCode(raw), rules.orBlank.check("code", raw) }
		}
		code, err := check(raw)
		if err != nil {
			wantInvalidField(t, err, "code")
			return
		}
		trimmed := strings.TrimSpace(raw)
		switch {
		case code == "" && !optional:
			t.Fatalf("%q: blank accepted though required", raw)
		case strings.ContainsFunc(trimmed, func(r rune) bool { return r > unicode.MaxASCII }):
			t.Fatalf("%q accepted as %q, but codes are ASCII", raw, code)
		case !strings.EqualFold(code, trimmed) || strings.ToUpper(code) != code:
			t.Fatalf("%q normalised to %q, want the trimmed input upper-cased", raw, code)
		case len(code) > limit:
			t.Fatalf("%q normalised to %q, longer than %d", raw, code, limit)
		case strings.Trim(code, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -_./") != "":
			t.Fatalf("%q normalised to %q, which has characters a code may not hold", raw, code)
		}
		again, err := check(code)
		if err != nil || again != code {
			t.Fatalf("normalising %q again gave %q, %v", code, again, err)
		}
	})
}

// moneyRule is the money rule of validation.proto, which protovalidate
// applies before parseMoney converts.
var moneyRule = compileStringRule(apiv1.E_Money)

// maxMoneyMicros is 10^12 in micros, the largest amount SPEC §1 allows.
const maxMoneyMicros = 1_000_000_000_000 * 1_000_000

// FuzzParseMoney: the money rule accepts no negative, no more than six
// fraction digits and nothing above 10^12; parseMoney reads what the rule
// accepts, and whatever it reads it reads exactly; formatMoney writes back a
// string that reads the same.
func FuzzParseMoney(f *testing.F) {
	for _, s := range []string{"12.5", "0", "", "1000000000000", "1000000000000.000001", "0.0000001", "-1", "1e3", "00012.500000", " 1", "1.", ".5", "9999999999999", "١٢"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		inRule := moneyRule.check("cost", s) == nil
		micros, err := parseMoney("cost", s)
		if err != nil {
			if inRule {
				t.Fatalf("%q passes the API rule but was refused: %v", s, err)
			}
			wantInvalidField(t, err, "cost")
			return
		}
		if s == "" {
			if micros != 0 {
				t.Fatalf("empty read as %d", micros)
			}
			return
		}
		exact, ok := new(big.Rat).SetString(s)
		if !ok || exact.Sign() < 0 {
			t.Fatalf("%q accepted as %d but is not a non-negative decimal", s, micros)
		}
		_, frac, _ := strings.Cut(s, ".")
		if len(frac) > 6 {
			t.Fatalf("%q read as %d micros: more than 6 fraction digits", s, micros)
		}
		if got := new(big.Rat).SetFrac64(micros, 1_000_000); got.Cmp(exact) != 0 {
			t.Fatalf("%q read as %d micros, not exact", s, micros)
		}
		if !inRule {
			return
		}
		if exact.Cmp(big.NewRat(1_000_000_000_000, 1)) > 0 {
			t.Fatalf("%q passes the API rule but is above 10^12", s)
		}
		roundTrip(t, micros)
	})
}

// FuzzFormatMoney: every amount in range is written as the shortest exact
// decimal, which parseMoney reads back to the same micros.
func FuzzFormatMoney(f *testing.F) {
	for _, m := range []int64{0, 1, 500_000, 12_500_000, maxMoneyMicros, maxMoneyMicros - 1, 1_000_000} {
		f.Add(m)
	}
	f.Fuzz(func(t *testing.T, micros int64) {
		if micros < 0 || micros > maxMoneyMicros {
			micros = micros % (maxMoneyMicros + 1)
			if micros < 0 {
				micros = -micros
			}
		}
		roundTrip(t, micros)
	})
}

// FuzzFormatBigMoney: sums beyond int64 micros (high·2^64 + low) are
// written as the shortest exact decimal too, and as formatMoney writes those
// within int64.
func FuzzFormatBigMoney(f *testing.F) {
	for _, c := range [][2]int64{{0, 0}, {1, 0}, {0, -1}, {30, 5_000_000}, {-2, 999_999}, {1 << 40, 1}} {
		f.Add(c[0], c[1])
	}
	f.Fuzz(func(t *testing.T, high, low int64) {
		micros := new(big.Int).Lsh(big.NewInt(high), 64)
		micros.Add(micros, big.NewInt(low))
		s := formatBigMoney(micros)
		exact, ok := new(big.Rat).SetString(s)
		if !ok || exact.Cmp(new(big.Rat).SetFrac(micros, big.NewInt(1_000_000))) != 0 {
			t.Fatalf("%v micros formatted as %q, not exact", micros, s)
		}
		if strings.Contains(s, ".") && strings.HasSuffix(s, "0") || strings.HasPrefix(strings.TrimPrefix(s, "-"), "00") {
			t.Fatalf("%v micros formatted as %q: not the shortest", micros, s)
		}
		if micros.IsInt64() && s != formatMoney(micros.Int64()) {
			t.Fatalf("%v micros: formatBigMoney %q, formatMoney %q", micros, s, formatMoney(micros.Int64()))
		}
	})
}

func roundTrip(t *testing.T, micros int64) {
	t.Helper()
	s := formatMoney(micros)
	back, err := parseMoney("cost", s)
	if err != nil || back != micros {
		t.Fatalf("%d formatted as %q read back as %d, %v", micros, s, back, err)
	}
	if strings.Contains(s, ".") && strings.HasSuffix(s, "0") {
		t.Fatalf("%d formatted as %q: trailing zeros", micros, s)
	}
	if moneyRule.check("cost", s) != nil {
		t.Fatalf("%d formatted as %q, which the API's money rule refuses", micros, s)
	}
}
