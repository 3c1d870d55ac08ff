package store

import (
	"context"
	"errors"

	"gorm.io/gorm"
)

// RequestKey identifies a request id (AIP-155). Ids are scoped to the
// principal and the method: the same id from another principal or for
// another method is another request.
type RequestKey struct {
	Principal string
	Method    string
	RequestID string
}

// where selects the record of the key.
func (k RequestKey) where(q *gorm.DB) *gorm.DB {
	return q.Where("principal = ? AND method = ? AND request_id = ?", k.Principal, k.Method, k.RequestID)
}

// RequestRecord is what is kept of a request that carried a request id.
type RequestRecord struct {
	RequestHash string
	Response    []byte
}

// FindRequest returns the record of an earlier request with this key, or
// ok=false when there is none.
func (s *Store) FindRequest(ctx context.Context, key RequestKey) (rec RequestRecord, ok bool, err error) {
	var row IdempotencyKey
	err = key.where(s.read(ctx)).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return RequestRecord{}, false, nil
	}
	if err != nil {
		return RequestRecord{}, false, classify(err)
	}
	return RequestRecord{RequestHash: row.RequestHash, Response: row.Response}, true, nil
}

// ClaimRequest inserts the record of a request before its work is done, in
// the transaction of that work, so that the claim, the work and SaveResponse
// commit together. A concurrent request with the same key blocks on the claim until
// the first one ends, then gets ErrAlreadyExists and can replay its response.
func (tx *Tx) ClaimRequest(key RequestKey, requestHash string) error {
	return tx.run(func(db *gorm.DB) error {
		return db.Create(&IdempotencyKey{
			Principal: key.Principal, Method: key.Method, RequestID: key.RequestID, RequestHash: requestHash,
			Response: []byte{}, CreateTime: nowMicros(),
		}).Error
	})
}

// SaveResponse stores the response of a claimed request.
func (tx *Tx) SaveResponse(key RequestKey, response []byte) error {
	return tx.run(func(db *gorm.DB) error {
		return key.where(db.Model(&IdempotencyKey{})).Update("response", response).Error
	})
}

// PurgeRequests deletes request records older than the given time, in
// batches, and returns how many it deleted.
func (s *Store) PurgeRequests(ctx context.Context, olderThanMicros int64) (int64, error) {
	var total int64
	for {
		var keys []IdempotencyKey
		if err := s.db.WithContext(ctx).Select("principal", "method", "request_id").
			Where("create_time < ?", olderThanMicros).Limit(500).Find(&keys).Error; err != nil {
			return total, classify(err)
		}
		if len(keys) == 0 {
			return total, nil
		}
		for _, k := range keys {
			key := RequestKey{Principal: k.Principal, Method: k.Method, RequestID: k.RequestID}
			res := key.where(s.db.WithContext(ctx)).Delete(&IdempotencyKey{})
			if res.Error != nil {
				return total, classify(res.Error)
			}
			total += res.RowsAffected
		}
	}
}
