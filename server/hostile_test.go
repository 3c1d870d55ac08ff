package server_test

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	apiv1 "github.com/interlog/interlog/gen/interlog/v1"
	"github.com/interlog/interlog/internal/attachclient"
	ts "github.com/interlog/interlog/internal/testserver"
)

// Hostile input, end to end on both engines: text that a free-text field
// allows is stored and returned byte for byte, whatever it looks like to SQL;
// text it does not allow is INVALID_ARGUMENT naming the field. Invalid UTF-8
// is covered for every field by TestInvalidUTF8IsInvalidArgument.

// storedAsIs are texts every free-text field must keep exactly.
var storedAsIs = []string{
	`'; DROP TABLE interaction_log_entries; --`,
	`" OR "1"="1`,
	`Robert'); DELETE FROM contacts WHERE ('1'='1`,
	`100% _match_ \% \_ \\ \' \" \0 \n !% [a-z]* ?`,
	"tab\tand\nnew\nlines",
	"  leading and trailing spaces  ",
	"Ærø 日本語 Ελληνικά עברית 🙂👍🏽 e\u0301 zero\u200bwidth \u202eright-to-left",
	"\u00a0\u2028\u2029 separators",
	"${jndi:ldap://x/a} {{7*7}} <script>alert(1)</script> %s%n",
}

// refused are texts no free-text field may take (SPEC §1: control characters
// other than tab and newline).
var refused = map[string]string{
	"NUL":              "a\x00b",
	"escape sequence":  "\x1b[2J",
	"delete":           "a\x7f",
	"carriage return":  "line\r\n",
	"C1 next line":     "a\u0085b",
	"C1 CSI":           "\u009b31m",
	"one mebibyte":     strings.Repeat("x", 1<<20),
	"form feed":        "\f",
	"vertical tab":     "a\vb",
	"bell and unicode": "🙂\a",
}

// hostileFixture is the data the text fields are written against.
type hostileFixture struct {
	env   *ts.Env
	entry string // a logged entry
	line  string // a segment line
}

// textField is a free-text field of the API.
type textField struct {
	field string // the request field, as a field violation names it
	limit int    // characters allowed
	// roundTrip writes text as the i-th value of the field and returns what a
	// read of the stored resource gives back.
	roundTrip func(ctx context.Context, fx hostileFixture, i int, text string) (string, error)
}

func textFields() []textField {
	return []textField{
		{"interaction_group.description", 100, func(ctx context.Context, fx hostileFixture, i int, text string) (string, error) {
			r, err := fx.env.Groups.CreateInteractionGroup(ctx, &apiv1.CreateInteractionGroupRequest{
				InteractionGroup: &apiv1.InteractionGroup{Code: code("G", i), Description: text}})
			if err != nil {
				return "", err
			}
			got, err := fx.env.Groups.GetInteractionGroup(ctx, &apiv1.GetInteractionGroupRequest{Name: r.GetInteractionGroup().GetName()})
			return got.GetInteractionGroup().GetDescription(), err
		}},
		{"interaction_template.description", 100, func(ctx context.Context, fx hostileFixture, i int, text string) (string, error) {
			r, err := fx.env.Templates.CreateInteractionTemplate(ctx, &apiv1.CreateInteractionTemplateRequest{
				InteractionTemplate: &apiv1.InteractionTemplate{Code: code("T", i), InteractionGroupCode: "CALLS", Description: text}})
			if err != nil {
				return "", err
			}
			got, err := fx.env.Templates.GetInteractionTemplate(ctx, &apiv1.GetInteractionTemplateRequest{Name: r.GetInteractionTemplate().GetName()})
			return got.GetInteractionTemplate().GetDescription(), err
		}},
		{"interaction_template_language.description", 100, func(ctx context.Context, fx hostileFixture, i int, text string) (string, error) {
			r, err := fx.env.Templates.CreateInteractionTemplateLanguage(ctx, &apiv1.CreateInteractionTemplateLanguageRequest{
				Parent:                      "interactionTemplates/CALL",
				InteractionTemplateLanguage: &apiv1.InteractionTemplateLanguage{LanguageCode: code("L", i), Description: text}})
			if err != nil {
				return "", err
			}
			got, err := fx.env.Templates.GetInteractionTemplateLanguage(ctx, &apiv1.GetInteractionTemplateLanguageRequest{Name: r.GetInteractionTemplateLanguage().GetName()})
			return got.GetInteractionTemplateLanguage().GetDescription(), err
		}},
		{"contact.display_name", 100, func(ctx context.Context, fx hostileFixture, i int, text string) (string, error) {
			c, err := createAndGetContact(ctx, fx.env, &apiv1.Contact{No: code("N", i), Type: company, DisplayName: text})
			return c.GetDisplayName(), err
		}},
		{"contact.phone", 30, func(ctx context.Context, fx hostileFixture, i int, text string) (string, error) {
			c, err := createAndGetContact(ctx, fx.env, &apiv1.Contact{No: code("P", i), Type: company, Phone: text})
			return c.GetPhone(), err
		}},
		{"segment.description", 100, func(ctx context.Context, fx hostileFixture, i int, text string) (string, error) {
			s, err := createAndGetSegment(ctx, fx.env, &apiv1.Segment{No: code("S", i), Description: text})
			return s.GetDescription(), err
		}},
		{"segment.subject", 100, func(ctx context.Context, fx hostileFixture, i int, text string) (string, error) {
			s, err := createAndGetSegment(ctx, fx.env, &apiv1.Segment{No: code("U", i), Subject: text})
			return s.GetSubject(), err
		}},
		{"segment_line.overrides.description", 100, func(ctx context.Context, fx hostileFixture, _ int, text string) (string, error) {
			r, err := fx.env.Segments.UpdateSegmentLine(ctx, &apiv1.UpdateSegmentLineRequest{
				SegmentLine: &apiv1.SegmentLine{Name: fx.line, Overrides: &apiv1.InteractionOverrides{Description: proto.String(text)}},
				UpdateMask:  &fieldmaskpb.FieldMask{Paths: []string{"overrides"}}})
			if err != nil {
				return "", err
			}
			got, err := fx.env.Segments.GetSegmentLine(ctx, &apiv1.GetSegmentLineRequest{Name: r.GetSegmentLine().GetName()})
			return got.GetSegmentLine().GetOverrides().GetDescription(), err
		}},
		{"overrides.description", 100, func(ctx context.Context, fx hostileFixture, _ int, text string) (string, error) {
			e, err := logAndGet(ctx, fx.env, &apiv1.InteractionOverrides{Description: proto.String(text)}, nil)
			return e.GetDescription(), err
		}},
		{"overrides.subject", 100, func(ctx context.Context, fx hostileFixture, _ int, text string) (string, error) {
			e, err := logAndGet(ctx, fx.env, &apiv1.InteractionOverrides{Subject: proto.String(text)}, nil)
			return e.GetSubject(), err
		}},
		{"overrides.contact_via", 80, func(ctx context.Context, fx hostileFixture, _ int, text string) (string, error) {
			e, err := logAndGet(ctx, fx.env, &apiv1.InteractionOverrides{ContactVia: proto.String(text)}, nil)
			return e.GetContactVia(), err
		}},
		{"comments[0]", 2000, func(ctx context.Context, fx hostileFixture, _ int, text string) (string, error) {
			e, err := logAndGet(ctx, fx.env, nil, []string{text})
			if err != nil {
				return "", err
			}
			return firstComment(ctx, fx.env, e.GetName())
		}},
		{"interaction_log_comment.text", 2000, func(ctx context.Context, fx hostileFixture, _ int, text string) (string, error) {
			r, err := fx.env.Log.CreateInteractionLogComment(ctx, &apiv1.CreateInteractionLogCommentRequest{
				Parent: fx.entry, InteractionLogComment: &apiv1.InteractionLogComment{Text: text}})
			if err != nil {
				return "", err
			}
			return commentText(ctx, fx.env, fx.entry, r.GetInteractionLogComment().GetName())
		}},
		{"metadata.file_name", 250, func(ctx context.Context, fx hostileFixture, i int, text string) (string, error) {
			a, err := uploadAndGet(ctx, fx.env, text, i)
			return a.GetFileName(), err
		}},
		{"interaction_log_entry.description", 100, func(ctx context.Context, fx hostileFixture, _ int, text string) (string, error) {
			_, err := fx.env.Log.UpdateInteractionLogEntry(ctx, &apiv1.UpdateInteractionLogEntryRequest{
				InteractionLogEntry: &apiv1.InteractionLogEntry{Name: fx.entry, Description: text},
				UpdateMask:          &fieldmaskpb.FieldMask{Paths: []string{"description"}}})
			if err != nil {
				return "", err
			}
			got, err := fx.env.Log.GetInteractionLogEntry(ctx, &apiv1.GetInteractionLogEntryRequest{Name: fx.entry})
			return got.GetInteractionLogEntry().GetDescription(), err
		}},
	}
}

func code(prefix string, i int) string { return prefix + strconv.Itoa(i) }

func createAndGetContact(ctx context.Context, env *ts.Env, c *apiv1.Contact) (*apiv1.Contact, error) {
	r, err := env.Contacts.CreateContact(ctx, &apiv1.CreateContactRequest{Contact: c})
	if err != nil {
		return nil, err
	}
	got, err := env.Contacts.GetContact(ctx, &apiv1.GetContactRequest{Name: r.GetContact().GetName()})
	return got.GetContact(), err
}

func createAndGetSegment(ctx context.Context, env *ts.Env, s *apiv1.Segment) (*apiv1.Segment, error) {
	r, err := env.Segments.CreateSegment(ctx, &apiv1.CreateSegmentRequest{Segment: s})
	if err != nil {
		return nil, err
	}
	got, err := env.Segments.GetSegment(ctx, &apiv1.GetSegmentRequest{Name: r.GetSegment().GetName()})
	return got.GetSegment(), err
}

// uploadAndGet uploads a small attachment and reads its metadata back.
func uploadAndGet(ctx context.Context, env *ts.Env, fileName string, i int) (*apiv1.Attachment, error) {
	a, err := attachclient.Upload(ctx, env.Attachments, fileName, "text/plain", "", strings.NewReader("content "+strconv.Itoa(i)))
	if err != nil {
		return nil, err
	}
	got, err := env.Attachments.GetAttachment(ctx, &apiv1.GetAttachmentRequest{Name: a.GetName()})
	return got.GetAttachment(), err
}

// logAndGet logs template CALL for ANN and reads the entry back.
func logAndGet(ctx context.Context, env *ts.Env, o *apiv1.InteractionOverrides, comments []string) (*apiv1.InteractionLogEntry, error) {
	r, err := env.Log.LogInteraction(ctx, &apiv1.LogInteractionRequest{
		ContactNo: "ANN", InteractionTemplateCode: "CALL", Overrides: o, Comments: comments})
	if err != nil {
		return nil, err
	}
	got, err := env.Log.GetInteractionLogEntry(ctx, &apiv1.GetInteractionLogEntryRequest{Name: r.GetInteractionLogEntry().GetName()})
	return got.GetInteractionLogEntry(), err
}

func firstComment(ctx context.Context, env *ts.Env, entry string) (string, error) {
	r, err := env.Log.ListInteractionLogComments(ctx, &apiv1.ListInteractionLogCommentsRequest{Parent: entry})
	if err != nil || len(r.GetInteractionLogComments()) == 0 {
		return "", err
	}
	return r.GetInteractionLogComments()[0].GetText(), nil
}

func commentText(ctx context.Context, env *ts.Env, entry, name string) (string, error) {
	r, err := env.Log.ListInteractionLogComments(ctx, &apiv1.ListInteractionLogCommentsRequest{Parent: entry, PageSize: 1000})
	if err != nil {
		return "", err
	}
	for _, c := range r.GetInteractionLogComments() {
		if c.GetName() == name {
			return c.GetText(), nil
		}
	}
	return "", status.Error(codes.NotFound, name+" not listed")
}

func newHostileFixture(t *testing.T, env *ts.Env) hostileFixture {
	logFixture(t, env)
	entry := logCall(t, env, "ANN", nil)
	createSegment(t, env, "SEG", "CALL")
	line, err := env.Segments.CreateSegmentLine(context.Background(), &apiv1.CreateSegmentLineRequest{
		Parent: "segments/SEG", SegmentLine: &apiv1.SegmentLine{ContactNo: "ANN"}})
	ts.NoErr(t, err)
	return hostileFixture{env: env, entry: entry.GetName(), line: line.GetSegmentLine().GetName()}
}

func TestHostileTextStoredAsIs(t *testing.T) {
	ts.ForEachEngine(t, func(t *testing.T, env *ts.Env) {
		ctx := context.Background()
		fx := newHostileFixture(t, env)
		for _, f := range textFields() {
			// Each field also takes its limit in 4-byte characters, and its
			// limit minus one plus a combining mark.
			texts := []string{strings.Repeat("🙂", f.limit), strings.Repeat("a", f.limit-1) + "\u0301"}
			for _, text := range storedAsIs {
				texts = append(texts, truncate(text, f.limit))
			}
			for i, text := range texts {
				got, err := f.roundTrip(ctx, fx, i, text)
				if status.Code(err) == codes.Unimplemented {
					t.Logf("%s: not checked, %v", f.field, err)
					break
				}
				if err != nil {
					t.Errorf("%s = %s: %v", f.field, quote(text), err)
				} else if got != text {
					t.Errorf("%s = %s read back as %s", f.field, quote(text), quote(got))
				}
			}
		}
	})
}

func TestHostileTextRefused(t *testing.T) {
	ts.ForEachEngine(t, func(t *testing.T, env *ts.Env) {
		ctx := context.Background()
		fx := newHostileFixture(t, env)
		for _, f := range textFields() {
			texts := map[string]string{"one character too long": strings.Repeat("é", f.limit+1)}
			for what, text := range refused {
				texts[what] = text
			}
			i := 1000
			for what, text := range texts {
				i++
				_, err := f.roundTrip(ctx, fx, i, text)
				if status.Code(err) == codes.Unimplemented {
					t.Logf("%s: not checked, %v", f.field, err)
					break
				}
				if status.Code(err) != codes.InvalidArgument || !slices.Contains(ts.Violations(err), f.field) {
					t.Errorf("%s = %s: got %v (violations %v), want INVALID_ARGUMENT naming %s",
						f.field, what, shorten(err), ts.Violations(err), f.field)
				}
			}
		}
		// A request above the server's size limit is refused before decoding,
		// and the server goes on serving.
		_, err := env.Groups.CreateInteractionGroup(ctx, &apiv1.CreateInteractionGroupRequest{
			InteractionGroup: &apiv1.InteractionGroup{Code: "BIG", Description: strings.Repeat("x", 5<<20)}})
		ts.WantCode(t, err, codes.ResourceExhausted, "")
		createGroup(t, env, "AFTERBIG")
	})
}

// truncate cuts s to at most n characters.
func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		r = r[:n]
	}
	return string(r)
}

// quote quotes s, shortened for messages.
func quote(s string) string {
	if r := []rune(s); len(r) > 40 {
		return strconv.Quote(string(r[:40])) + "…"
	}
	return strconv.Quote(s)
}

// shorten keeps error messages about megabyte inputs readable.
func shorten(err error) string {
	if err == nil {
		return "OK"
	}
	s := err.Error()
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}

// The contact name prefix is a literal: the wildcard and escape characters of
// LIKE and GLOB match only themselves, on both engines.
func TestContactNamePrefixIsLiteral(t *testing.T) {
	ts.ForEachEngine(t, func(t *testing.T, env *ts.Env) {
		names := []string{"100%", "100% sure", "1000", "A_B", "AXB", "a!b", "a!!b", "a*b", "ab", "a?b", "a[b]", `a\b`, `a\\b`, "a'b", "a%", "é_1", "🙂%"}
		for i, n := range names {
			createContact(t, env, &apiv1.Contact{No: code("C", i), Type: company, DisplayName: n})
		}
		for _, prefix := range []string{"100%", "A_", "a!", "a*", "a?", "a[", `a\`, `a\\`, "a'", "a%", "é_", "🙂%", "%", "_", "*"} {
			var want []string
			for _, n := range names {
				if strings.HasPrefix(n, prefix) {
					want = append(want, n)
				}
			}
			r, err := env.Contacts.ListContacts(context.Background(), &apiv1.ListContactsRequest{DisplayNamePrefix: prefix, PageSize: 100})
			ts.NoErr(t, err)
			var got []string
			for _, c := range r.GetContacts() {
				got = append(got, c.GetDisplayName())
			}
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("prefix %q: got %q, want %q", prefix, got, want)
			}
		}
	})
}

// Codes hold no SQL metacharacters: they are refused naming the field.
func TestHostileCodesRefused(t *testing.T) {
	ts.ForEachEngine(t, func(t *testing.T, env *ts.Env) {
		ctx := context.Background()
		for _, c := range []string{"A'B", `A"B`, "A;B", "A%", "A\\B", "A*", "A\tB", "ÆBLE", "ſ", "A\x00", strings.Repeat("A", 11)} {
			_, err := env.Groups.CreateInteractionGroup(ctx, &apiv1.CreateInteractionGroupRequest{
				InteractionGroup: &apiv1.InteractionGroup{Code: c}})
			ts.WantInvalid(t, err, "interaction_group.code")
			_, err = env.Groups.GetInteractionGroup(ctx, &apiv1.GetInteractionGroupRequest{Name: "interactionGroups/" + c})
			if status.Code(err) != codes.InvalidArgument {
				t.Errorf("get %q: %v, want INVALID_ARGUMENT", c, err)
			}
		}
	})
}

// batchField is a repeated request field with bounds on its length.
type batchField struct {
	field    string
	min, max int
	request  func(fx hostileFixture, n int) proto.Message // a request with n elements
}

func batchFields() []batchField {
	names := func(n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = "interactionLogEntries/" + strconv.Itoa(i+1)
		}
		return out
	}
	return []batchField{
		{"contacts", 1, 1000, func(_ hostileFixture, n int) proto.Message {
			req := &apiv1.BatchUpsertContactsRequest{}
			for i := range n {
				req.Contacts = append(req.Contacts, &apiv1.Contact{No: code("B", i), Type: company, DisplayName: "Batch"})
			}
			return req
		}},
		{"comments", 0, 100, func(_ hostileFixture, n int) proto.Message {
			return &apiv1.LogInteractionRequest{ContactNo: "ANN", InteractionTemplateCode: "CALL", Comments: slices.Repeat([]string{"c"}, n)}
		}},
		{"requests", 1, 1000, func(_ hostileFixture, n int) proto.Message {
			return &apiv1.BatchLogInteractionsRequest{Mode: apiv1.BatchLogMode_BATCH_LOG_MODE_ALL_OR_NOTHING,
				Requests: slices.Repeat([]*apiv1.LogInteractionRequest{{ContactNo: "ANN", InteractionTemplateCode: "CALL"}}, n)}
		}},
		{"segment_lines", 1, 10000, func(_ hostileFixture, n int) proto.Message {
			return &apiv1.BatchCreateSegmentLinesRequest{Parent: "segments/SEG",
				SegmentLines: slices.Repeat([]*apiv1.SegmentLine{{ContactNo: "ANN"}}, n)}
		}},
		{"names", 1, 1000, func(_ hostileFixture, n int) proto.Message {
			return &apiv1.CancelInteractionLogEntriesRequest{Names: names(n)}
		}},
		{"names", 1, 1000, func(_ hostileFixture, n int) proto.Message {
			return &apiv1.RestoreInteractionLogEntriesRequest{Names: names(n)}
		}},
		{"names", 1, 1000, func(_ hostileFixture, n int) proto.Message {
			return &apiv1.EvaluateInteractionLogEntriesRequest{Names: names(n), Evaluation: apiv1.Evaluation_EVALUATION_POSITIVE}
		}},
		// Eight distinct dimensions always hold both DAY and MONTH, which one
		// summary cannot have: seven is the largest valid group_by.
		{"group_by", 0, 7, func(_ hostileFixture, n int) proto.Message {
			req := &apiv1.SummarizeInteractionsRequest{}
			for i := range n {
				req.GroupBy = append(req.GroupBy, apiv1.SummaryDimension(i%8+1))
			}
			return req
		}},
	}
}

// Empty and oversized batches are refused naming the field; a batch of the
// largest size allowed is served.
func TestHostileBatches(t *testing.T) {
	ts.ForEachEngine(t, func(t *testing.T, env *ts.Env) {
		ctx := context.Background()
		fx := newHostileFixture(t, env)
		for _, b := range batchFields() {
			m := methodFor(t, b.request(fx, 0))
			if err := invoke(ctx, env, m, b.request(fx, b.max), nil); hidesFault(err) ||
				status.Code(err) == codes.InvalidArgument || status.Code(err) == codes.Unimplemented {
				t.Errorf("%s with %d %s: %v", m.FullName, b.max, b.field, err)
			}
			sizes := []int{b.max + 1}
			if b.min > 0 {
				sizes = append(sizes, b.min-1)
			}
			for _, n := range sizes {
				err := invoke(ctx, env, m, b.request(fx, n), nil)
				if status.Code(err) != codes.InvalidArgument || !slices.Contains(ts.Violations(err), b.field) {
					t.Errorf("%s with %d %s: got %v, want INVALID_ARGUMENT naming %s", m.FullName, n, b.field, shorten(err), b.field)
				}
			}
		}

		// The same contact twice in one batch is refused naming the second.
		_, err := env.Contacts.BatchUpsertContacts(ctx, &apiv1.BatchUpsertContactsRequest{Contacts: []*apiv1.Contact{
			{No: "TWICE", Type: company}, {No: "twice", Type: company}}})
		ts.WantInvalid(t, err, "contacts[1].no")
	})
}
