package store

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"gorm.io/gorm"
)

// How changes are stored (migration 0008). A row of changes holds
// change_count changes of one transaction, in the order it appended them,
// with consecutive sequences: the row's sequence column is the last of them,
// so that its changes are [sequence-change_count+1, sequence] (sequencer.go).
// A mutation of one resource writes a row of one change; one that appends
// many (a LogSegment batch, a batch cancel, BatchUpsertContacts...) packs
// them into few rows, so that it writes, and the sequencer updates, a row per
// hundreds of changes instead of one per change.
//
// The filter columns (kind, resource_type, contact_no, contact_company_no,
// template_code, group_code) hold the value every change of the row shares,
// or a "mixed" marker (mixedKind, mixedCode) when they differ: a reader's SQL
// accepts the marker as well as the value it asks for, so that it never
// drops a row holding a matching change, and filters the changes of the rows
// it read exactly (ChangeFilter.Matches). resource_key is the first change's.
//
// The payload has two formats, told apart by its first byte:
//   - legacy: empty or JSON ('{'). Rows of the release that introduced the
//     feed (schema 0007): one change per row, its fields in the columns,
//     the payload the JSON of the store model (empty for a deletion). Such
//     rows stay readable until pruned, hence this format's reader.
//   - packed (packedPayload): change_count records, each a change's own
//     fields and its resource (packRecord).
//
// A record's resource is empty for a deletion; the bytes of the store's
// ResourceEncoder behind encodedResource (the server's: the API message's
// protobuf, returned as StoredChange.Encoded, which the server decodes
// without conversion); or, in a store without an encoder (the store's own
// tests and tools), the JSON of the model, read by the same code as a legacy
// payload. So each format of bytes has one reader.
const (
	packedPayload   byte = 0x02
	encodedResource byte = 0x01
	jsonResource    byte = '{'
)

// mixedKind and mixedCode mark a filter column whose changes differ: no kind
// is 0 and no code contains '*' (codes are validated letters, digits and
// few punctuation marks; a contact no. likewise).
const (
	mixedKind = 0
	mixedCode = "*"
)

// Bounds of a packed row and of one INSERT of rows. A row stays far below
// TiDB's txn-entry-size-limit (6 MiB) and a statement below MariaDB's default
// max_allowed_packet (16 MiB) even if the driver escapes every byte in two.
// A row of maxChangesPerRow changes is what a reader decodes to resume in it;
// readers also rely on it as the most a row holds, to find the row that
// holds their upper bound (planQuery): never raise it.
const (
	maxChangesPerRow    = 500
	maxRowPayloadBytes  = 1 << 20
	maxInsertBytes      = 4 << 20
	changeInsertColumns = "change_time, principal, request_id, change_count, kind, resource_type, resource_key, contact_no, contact_company_no, template_code, group_code, payload"
	changeInsertArity   = 12
	// changeInsertRows bounds the rows of one INSERT on MySQL (65 535
	// placeholders); SQLite's budget is smaller (insertBatch).
	changeInsertRows = 5000
)

// ResourceEncoder encodes the resource of a change (a store model, see
// ResourceType) into the bytes ListChanges returns as StoredChange.Encoded.
// The server sets one that encodes the API message its RPCs return.
type ResourceEncoder func(t ResourceType, resource any) ([]byte, error)

// SetResourceEncoder sets the encoder of the resources of the changes this
// store appends; call it before the first mutation. Without one the store
// writes the models as JSON, which ListChanges decodes into
// StoredChange.Resource.
func (s *Store) SetResourceEncoder(enc ResourceEncoder) { s.encodeResource = enc }

// packedRow is a row of changes ready to insert.
type packedRow struct {
	count        int
	kind         ChangeKind
	resourceType ResourceType
	key          string
	contactNo    string
	companyNo    string
	template     string
	group        string
	payload      []byte
}

// add appends change c, whose record is rec, to the row.
func (r *packedRow) add(c Change, rec []byte) {
	if r.count == 0 {
		r.kind, r.resourceType, r.key = c.Kind, c.ResourceType, c.Key
		r.contactNo, r.companyNo, r.template, r.group = c.ContactNo, c.ContactCompanyNo, c.TemplateCode, c.GroupCode
		r.payload = append(make([]byte, 0, len(rec)+1), packedPayload)
	} else {
		r.kind = mixedUnlessEqual(r.kind, c.Kind, mixedKind)
		r.resourceType = mixedUnlessEqual(r.resourceType, c.ResourceType, mixedKind)
		r.contactNo = mixedUnlessEqual(r.contactNo, c.ContactNo, mixedCode)
		r.companyNo = mixedUnlessEqual(r.companyNo, c.ContactCompanyNo, mixedCode)
		r.template = mixedUnlessEqual(r.template, c.TemplateCode, mixedCode)
		r.group = mixedUnlessEqual(r.group, c.GroupCode, mixedCode)
	}
	r.count++
	r.payload = append(r.payload, rec...)
}

func mixedUnlessEqual[T comparable](a, b, mixed T) T {
	if a == b {
		return a
	}
	return mixed
}

// packChanges packs changes, in their order, into rows of at most perRow
// (up to maxChangesPerRow) changes and about maxRowPayloadBytes.
func (s *Store) packChanges(changes []Change, perRow int) ([]packedRow, error) {
	var rows []packedRow
	for _, c := range changes {
		rec, err := s.packRecord(c)
		if err != nil {
			return nil, err
		}
		if n := len(rows); n == 0 || rows[n-1].count == perRow || len(rows[n-1].payload)+len(rec) > maxRowPayloadBytes {
			rows = append(rows, packedRow{})
		}
		rows[len(rows)-1].add(c, rec)
	}
	return rows, nil
}

// packRecord is the record of c in a packed payload: kind and resource type
// as varints, then key, contact no., contact company no., template code,
// group code and resource, each as a varint length and its bytes.
func (s *Store) packRecord(c Change) ([]byte, error) {
	resource, err := s.resourceBytes(c)
	if err != nil {
		return nil, err
	}
	rec := make([]byte, 0, 32+len(c.Key)+len(resource))
	rec = binary.AppendUvarint(rec, uint64(c.Kind))
	rec = binary.AppendUvarint(rec, uint64(c.ResourceType))
	for _, field := range [][]byte{[]byte(c.Key), []byte(c.ContactNo), []byte(c.ContactCompanyNo), []byte(c.TemplateCode), []byte(c.GroupCode), resource} {
		rec = binary.AppendUvarint(rec, uint64(len(field)))
		rec = append(rec, field...)
	}
	return rec, nil
}

// resourceBytes is the resource of c as a record holds it.
func (s *Store) resourceBytes(c Change) ([]byte, error) {
	if c.Resource == nil {
		return nil, nil
	}
	if s.encodeResource == nil {
		b, err := json.Marshal(c.Resource)
		if err != nil {
			return nil, fmt.Errorf("encode change of %T: %w", c.Resource, err)
		}
		return b, nil
	}
	b, err := s.encodeResource(c.ResourceType, c.Resource)
	if err != nil {
		return nil, fmt.Errorf("encode change of %T: %w", c.Resource, err)
	}
	return append([]byte{encodedResource}, b...), nil
}

// insertChangeRows inserts rows, stamped with time now and actor, with
// multi-row INSERTs bounded by the engine's placeholders and by bytes. It
// sends plain SQL to the transaction's connection: GORM's CreateInBatches
// reflected over every row and was the feed's main cost in a profile.
func insertChangeRows(tx *gorm.DB, now int64, actor Actor, rows []packedRow) error {
	perStatement := insertBatch(tx, changeInsertArity, changeInsertRows)
	for len(rows) > 0 {
		n, bytes := 0, 0
		for n < len(rows) && n < perStatement && (n == 0 || bytes+len(rows[n].payload) <= maxInsertBytes) {
			bytes += len(rows[n].payload)
			n++
		}
		if err := insertChangeStatement(tx, now, actor, rows[:n]); err != nil {
			return err
		}
		rows = rows[n:]
	}
	return nil
}

func insertChangeStatement(tx *gorm.DB, now int64, actor Actor, rows []packedRow) (err error) {
	var q strings.Builder
	q.WriteString("INSERT INTO changes (" + changeInsertColumns + ") VALUES ")
	args := make([]any, 0, len(rows)*changeInsertArity)
	for i, r := range rows {
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
		args = append(args, now, actor.Principal, actor.RequestID, r.count, int16(r.kind), int16(r.resourceType),
			r.key, r.contactNo, r.companyNo, r.template, r.group, r.payload)
	}
	query := q.String()
	ctx, end := startStatementSpan(tx, "INSERT", "changes", query)
	defer func() { end(err) }()
	_, err = tx.Statement.ConnPool.ExecContext(ctx, query, args...)
	return err
}

// changeRowColumns are the columns a page of changes reads, in the order
// storedRow.scan reads them.
const changeRowColumns = "sequence, change_count, change_time, principal, request_id, kind, resource_type, resource_key, contact_no, contact_company_no, template_code, group_code, payload"

// storedRow is a sequenced row of changes as a page reads it.
type storedRow struct {
	sequence   int64 // the last of its changes
	count      int64
	changeTime int64
	principal  string
	requestID  string
	columns    Change // the filter columns and key; Resource unset
	payload    []byte
}

// first is the sequence of the row's first change.
func (r storedRow) first() int64 { return r.sequence - r.count + 1 }

func (r *storedRow) scan(rows interface{ Scan(...any) error }) error {
	c := &r.columns
	return rows.Scan(&r.sequence, &r.count, &r.changeTime, &r.principal, &r.requestID, &c.Kind, &c.ResourceType, &c.Key,
		&c.ContactNo, &c.ContactCompanyNo, &c.TemplateCode, &c.GroupCode, &r.payload)
}

// changes calls fn with each change of the row, in order, with its sequence.
func (r storedRow) changes(fn func(StoredChange) error) error {
	stored := StoredChange{Sequence: r.sequence, ChangeTime: r.changeTime, Principal: r.principal, RequestID: r.requestID}
	if len(r.payload) == 0 || r.payload[0] != packedPayload {
		// Legacy: one change, its fields in the columns.
		stored.Change = r.columns
		if err := stored.setResource(r.payload); err != nil {
			return fmt.Errorf("change %d: %w", r.sequence, err)
		}
		return fn(stored)
	}
	rest := r.payload[1:]
	for i := int64(0); i < r.count; i++ {
		stored.Sequence = r.first() + i
		var err error
		if rest, err = stored.unpackRecord(rest); err != nil {
			return fmt.Errorf("change %d: %w", stored.Sequence, err)
		}
		if err := fn(stored); err != nil {
			return err
		}
	}
	if len(rest) != 0 {
		return fmt.Errorf("changes %d to %d: %d bytes after the last change", r.first(), r.sequence, len(rest))
	}
	return nil
}

var errShortRecord = errors.New("truncated change record")

// unpackRecord reads a record (packRecord) into c and returns what follows.
func (c *StoredChange) unpackRecord(b []byte) ([]byte, error) {
	kind, n := binary.Uvarint(b)
	if n <= 0 {
		return nil, errShortRecord
	}
	b = b[n:]
	rt, n := binary.Uvarint(b)
	if n <= 0 {
		return nil, errShortRecord
	}
	b = b[n:]
	c.Kind, c.ResourceType = ChangeKind(kind), ResourceType(rt)
	var resource []byte
	for _, field := range []*string{&c.Key, &c.ContactNo, &c.ContactCompanyNo, &c.TemplateCode, &c.GroupCode, nil} {
		size, n := binary.Uvarint(b)
		if n <= 0 || uint64(len(b)-n) < size {
			return nil, errShortRecord
		}
		value := b[n : n+int(size)]
		b = b[n+int(size):]
		if field == nil {
			resource = value
		} else {
			*field = string(value)
		}
	}
	return b, c.setResource(resource)
}

// setResource sets the change's resource from its stored bytes: none, the
// encoder's bytes (Encoded), or JSON of the model (Resource).
func (c *StoredChange) setResource(b []byte) error {
	c.Resource, c.Encoded = nil, nil
	switch {
	case len(b) == 0:
		return nil
	case b[0] == encodedResource:
		c.Encoded = b[1:len(b):len(b)]
		return nil
	case b[0] == jsonResource:
		v, err := decodeJSONResource(c.ResourceType, b)
		c.Resource = v
		return err
	}
	return fmt.Errorf("resource in an unknown format (first byte %#x)", b[0])
}

// decodeJSONResource turns JSON of a store model back into the model of its
// resource type.
func decodeJSONResource(t ResourceType, payload []byte) (any, error) {
	switch t {
	case ResourceEntry:
		return decodeAs[InteractionLogEntry](payload)
	case ResourceComment:
		return decodeAs[InteractionLogComment](payload)
	case ResourceLoggedSegment:
		return decodeAs[LoggedSegment](payload)
	case ResourceContact:
		return decodeAs[Contact](payload)
	case ResourceGroup:
		return decodeAs[InteractionGroup](payload)
	case ResourceTemplate:
		return decodeAs[InteractionTemplate](payload)
	case ResourceTemplateLanguage:
		return decodeAs[InteractionTemplateLanguage](payload)
	case ResourceTemplateSetup:
		return decodeAs[Setup](payload)
	case ResourceAttachment:
		return decodeAs[Attachment](payload)
	}
	return nil, fmt.Errorf("change of unknown resource type %d", t)
}

func decodeAs[T any](payload []byte) (any, error) {
	var v T
	err := json.Unmarshal(payload, &v)
	return v, err
}
