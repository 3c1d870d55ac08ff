package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"hash"
	"slices"
	"time"

	"gorm.io/gorm"
)

// Attachment content lives in attachment_blobs (one row per distinct content)
// and attachment_chunks (the bytes, ChunkSize per row); attachments rows are
// named files pointing at a blob.
//
// An upload never holds a transaction open while the client streams: it
// inserts an incomplete blob (BeginUpload), then the chunks as they arrive,
// each batch of up to ChunkBatch chunks (about 1 MiB) in its own short
// transaction (Upload.Append), then, in one transaction, either completes
// the blob or, when a complete blob with the same SHA-256 already exists,
// points the attachment at that one and deletes the chunks just written
// (Upload.Finish). Upload.Discard deletes an upload that did not finish; a
// crash leaves an incomplete blob that SweepAbandonedUploads deletes once it
// has been idle long enough. Every chunk write refreshes the blob's
// create_time, so "idle" is measured from the last chunk, and checks that the
// blob is still incomplete, so a swept upload cannot write orphan chunks.

// ChunkSize is the size of a stored chunk; a blob's last chunk may be
// shorter. A row of this size fits the MySQL driver's reusable 256 KiB
// packet buffer, so that neither writing nor reading a chunk allocates a new
// one: larger chunks made a download spend a third of its CPU time in the
// garbage collector.
const ChunkSize = 255 << 10

// ChunkBatch is how many chunks one transaction of an upload writes and one
// query of a download reads: about 1 MiB, the largest message of the API.
const ChunkBatch = 4

// Upload is one upload in progress. It buffers at most ChunkBatch chunks,
// and less than one after Settle.
type Upload struct {
	store  *Store
	blobID int64
	limit  int64
	seq    int32
	size   int64
	sha    hash.Hash
	buf    []byte
}

// BeginUpload starts an upload of at most limit bytes.
func (s *Store) BeginUpload(ctx context.Context, limit int64) (*Upload, error) {
	var blob AttachmentBlob
	if err := s.inTx(ctx, func(tx *gorm.DB) error {
		// A new row on every attempt: GORM wrote the id a failed attempt was
		// given into the one before, and SQLite may have given it out again.
		blob = AttachmentBlob{CreateTime: nowMicros()}
		return tx.Create(&blob).Error
	}); err != nil {
		return nil, err
	}
	return &Upload{store: s, blobID: blob.ID, limit: limit, sha: sha256.New()}, nil
}

// uploadBatch is the content of ChunkBatch chunks, what one transaction of
// an upload writes.
const uploadBatch = ChunkSize * ChunkBatch

// Append adds content. It fails with ErrLimit once the content would exceed
// the upload's limit; nothing of the content is kept then.
func (u *Upload) Append(ctx context.Context, p []byte) error {
	if u.size+int64(len(p)) > u.limit {
		return newError(ErrLimit, ReasonAttachmentTooLarge, "the attachment is larger than the limit of %d bytes", u.limit)
	}
	u.size += int64(len(p))
	u.sha.Write(p)
	for len(p) > 0 {
		if cap(u.buf) < uploadBatch { // none yet, or the small one Settle left
			u.buf = append(make([]byte, 0, uploadBatch), u.buf...)
		}
		n := min(len(p), uploadBatch-len(u.buf))
		u.buf, p = append(u.buf, p[:n]...), p[n:]
		if len(u.buf) == uploadBatch {
			if err := u.write(ctx, u.buf); err != nil {
				return err
			}
			u.buf = u.buf[:0]
		}
	}
	return nil
}

// Settle writes the whole chunks buffered and keeps only the start of the
// next one, in a buffer of its size: for an upload whose client is slow to
// send more, so that while it waits it holds less than a chunk.
func (u *Upload) Settle(ctx context.Context) error {
	whole := len(u.buf) - len(u.buf)%ChunkSize
	if whole > 0 {
		if err := u.write(ctx, u.buf[:whole]); err != nil {
			return err
		}
	}
	switch rest := u.buf[whole:]; {
	case len(rest) == 0:
		u.buf = nil
	case cap(rest) > len(rest):
		u.buf = append(make([]byte, 0, len(rest)), rest...)
	}
	return nil
}

// write stores data as the blob's next chunks, in one transaction.
func (u *Upload) write(ctx context.Context, data []byte) error {
	err := u.store.inTx(ctx, func(tx *gorm.DB) error {
		res := tx.Model(&AttachmentBlob{}).Where("id = ? AND complete = ?", u.blobID, false).Updates(map[string]any{
			"size_bytes":  gorm.Expr("size_bytes + ?", len(data)),
			"create_time": nowMicros(),
		})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return errUploadExpired
		}
		return insertChunks(tx, u.blobID, u.seq, data)
	})
	if err != nil {
		return err
	}
	u.seq += int32((len(data) + ChunkSize - 1) / ChunkSize)
	return nil
}

// insertChunks writes data as chunks of a blob numbered from seq on, with a
// prepared statement, whose parameters travel in the binary protocol: the
// interpolated statements the store uses elsewhere would escape the bytes
// into a query string, taking about three times their size in memory.
// It bypasses GORM's callbacks, so it makes its own span.
func insertChunks(tx *gorm.DB, blobID int64, seq int32, data []byte) (err error) {
	const query = "INSERT INTO attachment_chunks (blob_id, seq, data) VALUES (?, ?, ?)"
	ctx, end := startStatementSpan(tx, "INSERT", "attachment_chunks", query)
	defer func() { end(err) }()
	stmt, err := tx.Statement.ConnPool.PrepareContext(ctx, query)
	if err != nil {
		return err
	}
	defer stmt.Close()
	for chunk := range slices.Chunk(data, ChunkSize) {
		if _, err := stmt.ExecContext(ctx, blobID, seq, chunk); err != nil {
			return err
		}
		seq++
	}
	return nil
}

// errUploadExpired: the upload's blob was swept as abandoned.
var errUploadExpired = newError(ErrPrecondition, ReasonNotFound, "the upload was idle too long and was discarded: upload the file again")

// Close writes the content still buffered. After it Size and SHA256 are final.
func (u *Upload) Close(ctx context.Context) error {
	if len(u.buf) == 0 {
		return nil
	}
	if err := u.write(ctx, u.buf); err != nil {
		return err
	}
	u.buf = nil
	return nil
}

// Size is the number of bytes appended so far.
func (u *Upload) Size() int64 { return u.size }

// SHA256 is the lower-case hex SHA-256 of the bytes appended so far.
func (u *Upload) SHA256() string { return hex.EncodeToString(u.sha.Sum(nil)) }

// Finish stores the attachment a (file name and content type) with the
// closed upload's content, sharing an existing blob of the same content if
// there is one.
func (tx *Tx) FinishUpload(u *Upload, a Attachment) (Attachment, error) {
	a.ID, a.SizeBytes, a.Sha256, a.ReadOnly = 0, u.size, u.SHA256(), false
	a.UserID, a.CreateTime = tx.user(), nowMicros()
	err := tx.run(func(db *gorm.DB) error {
		var own AttachmentBlob
		if err := db.Clauses(lockingUpdate).Where("id = ? AND complete = ?", u.blobID, false).Limit(1).Find(&own).Error; err != nil {
			return err
		}
		if own.ID == 0 {
			return errUploadExpired
		}
		if own.SizeBytes != u.size {
			return errors.New("attachment upload: stored size differs from streamed size")
		}
		blobID, err := u.settleBlob(db, a.Sha256, a.CreateTime)
		if err != nil {
			return err
		}
		a.BlobID = blobID
		return db.Create(&a).Error
	})
	// The model is the attachment's metadata: its content is in the blob.
	return a, tx.record(err, changeOfAttachment(ChangeAttachmentCreated, a, false))
}

// settleBlob returns the blob the attachment points at: an existing complete
// blob with the same SHA-256 (the upload's own chunks are deleted), else the
// upload's blob, now complete.
func (u *Upload) settleBlob(tx *gorm.DB, sha string, now int64) (int64, error) {
	// Two attempts: a concurrent upload of the same content may complete its
	// blob between our look-up and our update; the unique index on sha256
	// then refuses ours and the second look-up finds theirs.
	for attempt := 0; ; attempt++ {
		var twin AttachmentBlob
		if err := tx.Clauses(lockingShare).Where("sha256 = ? AND complete = ?", sha, true).Limit(1).Find(&twin).Error; err != nil {
			return 0, err
		}
		if twin.ID != 0 {
			return twin.ID, deleteBlob(tx, u.blobID)
		}
		err := tx.Model(&AttachmentBlob{}).Where("id = ?", u.blobID).
			Updates(map[string]any{"sha256": sha, "complete": true, "create_time": now}).Error
		if attempt == 0 && errors.Is(classify(err), ErrAlreadyExists) {
			continue
		}
		return u.blobID, err
	}
}

// Discard deletes the upload's content unless Finish completed it or gave
// it away. It is safe to call after Finish and more than once.
func (u *Upload) Discard(ctx context.Context) error {
	return u.store.inTx(ctx, func(tx *gorm.DB) error { return deleteIncompleteBlob(tx, u.blobID, nil) })
}

// deleteIncompleteBlob deletes a blob and its chunks if it is incomplete
// (and, when idleSince is set, was last written before it).
func deleteIncompleteBlob(tx *gorm.DB, blobID int64, idleSince *int64) error {
	q := tx.Where("id = ? AND complete = ?", blobID, false)
	if idleSince != nil {
		q = q.Where("create_time < ?", *idleSince)
	}
	res := q.Delete(&AttachmentBlob{})
	if res.Error != nil || res.RowsAffected == 0 {
		return res.Error
	}
	return tx.Where("blob_id = ?", blobID).Delete(&AttachmentChunk{}).Error
}

// SweepAbandonedUploads deletes uploads that received no chunk for idle
// (left by a crashed server) and returns how many it deleted.
func (s *Store) SweepAbandonedUploads(ctx context.Context, idle time.Duration) (int, error) {
	cutoff := Micros(time.Now().Add(-idle))
	var ids []int64
	// Incomplete blobs have a NULL sha256: the unique index finds them.
	if err := s.db.WithContext(ctx).Model(&AttachmentBlob{}).
		Where("sha256 IS NULL AND complete = ? AND create_time < ?", false, cutoff).
		Limit(1000).Pluck("id", &ids).Error; err != nil {
		return 0, classify(err)
	}
	for _, id := range ids {
		if err := s.inTx(ctx, func(tx *gorm.DB) error { return deleteIncompleteBlob(tx, id, &cutoff) }); err != nil {
			return 0, err
		}
	}
	return len(ids), nil
}

// GetAttachment reads one attachment's metadata.
func (s *Store) GetAttachment(ctx context.Context, id int64) (Attachment, error) {
	var a Attachment
	err := s.read(ctx).Where("id = ?", id).Take(&a).Error
	return a, notFoundReason(err, ReasonAttachmentNotFound, "attachment %d", id)
}

// ListAttachments returns attachments in id order after page.AfterNumber.
func (s *Store) ListAttachments(ctx context.Context, page Page) ([]Attachment, bool, error) {
	return pageByNumber[Attachment](s.read(ctx), "id", page)
}

// DeleteAttachment deletes an attachment that nothing references, and its
// content when no other attachment shares it.
func (tx *Tx) DeleteAttachment(id int64) error {
	return tx.run(func(*gorm.DB) error {
		found, user, err := tx.deleteUnusedAttachment(id)
		switch {
		case err != nil:
			return err
		case !found:
			return notFoundReason(gorm.ErrRecordNotFound, ReasonAttachmentNotFound, "attachment %d", id)
		case user != "":
			return newError(ErrPrecondition, ReasonAttachmentInUse, "attachment %d is used by %s: remove it from there first", id, user)
		}
		return nil
	})
}

// AppendChunks appends to buf up to ChunkBatch chunks of a blob that follow
// sequence number after (-1 for the first) and returns buf, the last chunk's
// number, and ok false when there were none. Each call is one short query, so
// a download never holds a transaction open.
func (s *Store) AppendChunks(ctx context.Context, buf []byte, blobID int64, after int32) (data []byte, last int32, ok bool, err error) {
	rows, err := s.read(ctx).Raw("SELECT seq, data FROM attachment_chunks WHERE blob_id = ? AND seq > ? ORDER BY seq LIMIT ?",
		blobID, after, ChunkBatch).Rows()
	if err != nil {
		return nil, 0, false, classify(err)
	}
	defer rows.Close()
	data = buf
	for rows.Next() {
		// RawBytes points into the driver's buffer: copied once, into buf.
		var raw sql.RawBytes
		if err := rows.Scan(&last, &raw); err != nil {
			return nil, 0, false, classify(err)
		}
		data, ok = append(data, raw...), true
	}
	return data, last, ok, classify(rows.Err())
}
