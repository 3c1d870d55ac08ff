package server

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	tokenv1 "github.com/interlog/interlog/gen/interlog/token/v1"
	apiv1 "github.com/interlog/interlog/gen/interlog/v1"
	"github.com/interlog/interlog/store"
)

// pageTokenVersion is the layout of the tokens this server writes; it reads
// tokens of this version and earlier (0: written before versions existed).
const pageTokenVersion = 1

// Page sizes of SPEC §4.
const (
	defaultPageSize = 50
	maxPageSize     = 1000
)

// pager reads a list request's page_size and page_token and writes the next
// token. A token carries the last row's key and a hash of the request's other
// fields, so it only continues the query it came from (AIP-158).
type pager struct {
	page store.Page
	hash []byte
}

// newPager reads page_size and page_token of a list request.
func newPager(req proto.Message) (pager, error) {
	m := req.ProtoReflect()
	size := int(m.Get(m.Descriptor().Fields().ByName("page_size")).Int())
	switch {
	case size <= 0:
		size = defaultPageSize
	case size > maxPageSize:
		size = maxPageSize
	}
	p := pager{page: store.Page{Limit: size}, hash: queryHash(req)}
	raw := m.Get(m.Descriptor().Fields().ByName("page_token")).String()
	if raw == "" {
		return p, nil
	}
	tok, err := decodeToken(raw)
	if err != nil || tok.GetVersion() > pageTokenVersion || !bytes.Equal(tok.GetQueryHash(), p.hash) {
		return p, invalidArgumentBecause(apiv1.ErrorReason_ERROR_REASON_INVALID_PAGE_TOKEN, fieldViolation{
			Field:       "page_token",
			Description: "is not a token of this query: pass next_page_token back with the same filter and order, or leave it empty for the first page",
		})
	}
	p.page.HasAfter = true
	p.page.AfterCode = tok.GetLastCode()
	p.page.AfterNumber = tok.GetLastNumber()
	p.page.AfterTime = tok.GetLastTimeUnixMicros()
	return p, nil
}

// next returns the token of the page after the one whose last key is given.
func (p pager) next(last store.Page) string {
	b, _ := proto.Marshal(&tokenv1.PageToken{
		Version:            pageTokenVersion,
		QueryHash:          p.hash,
		LastCode:           last.AfterCode,
		LastNumber:         last.AfterNumber,
		LastTimeUnixMicros: last.AfterTime,
	})
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeToken(raw string) (*tokenv1.PageToken, error) {
	b, err := base64.RawURLEncoding.DecodeString(raw)
	if err != nil {
		return nil, err
	}
	tok := &tokenv1.PageToken{}
	return tok, proto.Unmarshal(b, tok)
}

// queryHash hashes the request without its paging fields.
func queryHash(req proto.Message) []byte {
	c := proto.Clone(req)
	m := c.ProtoReflect()
	for _, name := range []protoreflect.Name{"page_size", "page_token"} {
		m.Clear(m.Descriptor().Fields().ByName(name))
	}
	b, _ := proto.MarshalOptions{Deterministic: true}.Marshal(c)
	sum := sha256.Sum256(append([]byte(m.Descriptor().FullName()+"\x00"), b...))
	return sum[:16]
}

// listPage converts a page of store rows for a list response and returns
// them with the next page's token: made from the last row's key, or "" when
// more says there is no more.
func listPage[R, A any](p pager, rows []R, more bool, toAPI func(R) *A, key func(R) store.Page) ([]*A, string) {
	out := allToAPI(rows, toAPI)
	if !more || len(rows) == 0 {
		return out, ""
	}
	return out, p.next(key(rows[len(rows)-1]))
}
