package store

import (
	"context"
	"errors"

	"gorm.io/gorm"
)

// RequestRecord is what is kept of a request that carried a request id.
type RequestRecord struct {
	RequestHash string
	Response    []byte
}

// FindRequest returns the record of an earlier request with this id, or
// ok=false when there is none.
func (s *Store) FindRequest(ctx context.Context, method, requestID string) (rec RequestRecord, ok bool, err error) {
	var row IdempotencyKey
	err = s.read(ctx).Where("method = ? AND request_id = ?", method, requestID).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return RequestRecord{}, false, nil
	}
	if err != nil {
		return RequestRecord{}, false, classify(err)
	}
	return RequestRecord{RequestHash: row.RequestHash, Response: row.Response}, true, nil
}

// ClaimRequest inserts the record of a request before its work is done; it
// must run inside RunInTx, so that the claim, the work and SaveResponse commit
// together. A concurrent request with the same id blocks on the claim until
// the first one ends, then gets ErrAlreadyExists and can replay its response.
func (s *Store) ClaimRequest(ctx context.Context, method, requestID, requestHash string) error {
	return s.inTx(ctx, func(tx *gorm.DB) error {
		return tx.Create(&IdempotencyKey{
			Method: method, RequestID: requestID, RequestHash: requestHash,
			Response: []byte{}, CreateTime: nowMicros(),
		}).Error
	})
}

// SaveResponse stores the response of a claimed request.
func (s *Store) SaveResponse(ctx context.Context, method, requestID string, response []byte) error {
	return s.inTx(ctx, func(tx *gorm.DB) error {
		return tx.Model(&IdempotencyKey{}).Where("method = ? AND request_id = ?", method, requestID).
			Update("response", response).Error
	})
}

// PurgeRequests deletes request records older than the given time, in
// batches, and returns how many it deleted.
func (s *Store) PurgeRequests(ctx context.Context, olderThanMicros int64) (int64, error) {
	var total int64
	for {
		var keys []IdempotencyKey
		if err := s.db.WithContext(ctx).Select("method", "request_id").
			Where("create_time < ?", olderThanMicros).Limit(500).Find(&keys).Error; err != nil {
			return total, classify(err)
		}
		if len(keys) == 0 {
			return total, nil
		}
		for _, k := range keys {
			res := s.db.WithContext(ctx).Where("method = ? AND request_id = ?", k.Method, k.RequestID).Delete(&IdempotencyKey{})
			if res.Error != nil {
				return total, classify(res.Error)
			}
			total += res.RowsAffected
		}
	}
}
