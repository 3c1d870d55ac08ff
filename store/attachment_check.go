package store

import (
	"context"
	"fmt"
)

// AttachmentReport is the result of CheckAttachments.
type AttachmentReport struct {
	Attachments, Blobs, Chunks int64
	// Problems lists each inconsistency found, one line each; empty when
	// the storage is sound.
	Problems []string
}

// attachmentChecks are queries that each return the ids of rows breaking one
// rule, with the message that names the rule.
var attachmentChecks = []struct {
	problem string
	query   string
	args    []any
}{
	{"chunks of blob %d, which does not exist",
		`SELECT DISTINCT c.blob_id FROM attachment_chunks c LEFT JOIN attachment_blobs b ON b.id = c.blob_id WHERE b.id IS NULL`, nil},
	{"blob %d is incomplete (expected only while an upload runs)",
		`SELECT id FROM attachment_blobs WHERE complete = ? OR sha256 IS NULL`, []any{false}},
	{"blob %d is complete but used by no attachment",
		`SELECT b.id FROM attachment_blobs b LEFT JOIN attachments a ON a.blob_id = b.id WHERE b.complete = ? AND a.id IS NULL`, []any{true}},
	{"attachment %d points at a missing, incomplete or different blob",
		`SELECT a.id FROM attachments a LEFT JOIN attachment_blobs b ON b.id = a.blob_id
		 WHERE b.id IS NULL OR b.complete = ? OR b.size_bytes <> a.size_bytes OR b.sha256 <> a.sha256`, []any{false}},
	{"a template refers to attachment %d, which does not exist",
		`SELECT x.attachment_id FROM interaction_templates x LEFT JOIN attachments a ON a.id = x.attachment_id
		 WHERE x.attachment_id IS NOT NULL AND a.id IS NULL`, nil},
	{"a template language row refers to attachment %d, which does not exist",
		`SELECT x.attachment_id FROM interaction_template_languages x LEFT JOIN attachments a ON a.id = x.attachment_id
		 WHERE x.attachment_id IS NOT NULL AND a.id IS NULL`, nil},
	{"a log entry refers to attachment %d, which does not exist",
		`SELECT x.attachment_id FROM interaction_log_entries x LEFT JOIN attachments a ON a.id = x.attachment_id
		 WHERE x.attachment_id IS NOT NULL AND a.id IS NULL`, nil},
	{"attachment %d is used by a logged entry but is not read-only",
		`SELECT DISTINCT a.id FROM attachments a JOIN interaction_log_entries e ON e.attachment_id = a.id
		 WHERE a.read_only = ? AND e.postponed = ?`, []any{false, false}},
}

// blobTotals is a blob's recorded size beside what its chunks hold.
type blobTotals struct {
	ID, SizeBytes, ChunkBytes, ChunkCount int64
	MaxSeq                                int64
}

// CheckAttachments verifies the attachment storage: every chunk belongs to a
// blob, every complete blob is used and its chunks are numbered 0..n-1 and
// add up to its size, every attachment points at a matching complete blob,
// every reference names an existing attachment, and attachments used by
// logged entries are read-only. It reads every table in full: it is meant for
// tests and for checking a database after a crash, not for a busy server.
func (s *Store) CheckAttachments(ctx context.Context) (AttachmentReport, error) {
	db := s.db.WithContext(ctx)
	var r AttachmentReport
	for _, c := range []struct {
		model any
		n     *int64
	}{{&Attachment{}, &r.Attachments}, {&AttachmentBlob{}, &r.Blobs}, {&AttachmentChunk{}, &r.Chunks}} {
		if err := db.Model(c.model).Count(c.n).Error; err != nil {
			return r, classify(err)
		}
	}
	for _, c := range attachmentChecks {
		var ids []int64
		if err := db.Raw(c.query, c.args...).Scan(&ids).Error; err != nil {
			return r, classify(err)
		}
		for _, id := range ids {
			r.Problems = append(r.Problems, fmt.Sprintf(c.problem, id))
		}
	}
	var totals []blobTotals
	if err := db.Raw(`SELECT b.id, b.size_bytes, COALESCE(SUM(LENGTH(c.data)), 0) AS chunk_bytes,
		COUNT(c.seq) AS chunk_count, COALESCE(MAX(c.seq), -1) AS max_seq
		FROM attachment_blobs b LEFT JOIN attachment_chunks c ON c.blob_id = b.id
		GROUP BY b.id, b.size_bytes`).Scan(&totals).Error; err != nil {
		return r, classify(err)
	}
	for _, b := range totals {
		if b.ChunkBytes != b.SizeBytes || b.ChunkCount != b.MaxSeq+1 {
			r.Problems = append(r.Problems, fmt.Sprintf("blob %d records %d bytes but has %d bytes in %d chunks numbered up to %d",
				b.ID, b.SizeBytes, b.ChunkBytes, b.ChunkCount, b.MaxSeq))
		}
	}
	return r, nil
}
