package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"

	"google.golang.org/grpc"
	"google.golang.org/protobuf/proto"

	apiv1 "github.com/interlog/interlog/gen/interlog/v1"
	"github.com/interlog/interlog/store"
)

// writeStore is what the write helpers need of the store.
type writeStore interface {
	RunInTx(ctx context.Context, actor store.Actor, fn func(tx *store.Tx) error) error
	FindRequest(ctx context.Context, key store.RequestKey) (store.RequestRecord, bool, error)
}

// requestWithID is a request that can carry a request id (AIP-155).
type requestWithID interface{ GetRequestId() string }

// write runs a mutating call's work in one transaction on behalf of the
// caller (actorOf) and implements AIP-155 for a request with a request_id:
// the first response is stored in the same transaction as the work, and a
// retry with the same id and the same request gets it back. Ids are scoped
// to the principal and the method (store.RequestKey): the same id from
// another principal or for another method is a new request. Every mutating
// unary method goes through write, or writeBatched when its work commits in
// several transactions. fn is retried on conflicts: it must not have effects
// outside the transaction.
func write[R proto.Message](ctx context.Context, st writeStore, req proto.Message, fn func(tx *store.Tx) (R, error)) (R, error) {
	return writeOnce(ctx, st, requestIDOf(req), func() string { return requestHash(req) }, fn)
}

// writeOnce is write for a request whose id and content hash are given:
// UploadAttachment's content is not in one message. The hash is computed
// only when there is an id.
func writeOnce[R proto.Message](ctx context.Context, st writeStore, requestID string, hash func() string, fn func(tx *store.Tx) (R, error)) (R, error) {
	actor := actorOf(ctx, requestID)
	if requestID == "" {
		var resp R
		err := st.RunInTx(ctx, actor, func(tx *store.Tx) (err error) {
			resp, err = fn(tx)
			return err
		})
		return resp, err
	}
	key, h := requestKey(ctx, actor), hash()
	if resp, found, err := replay[R](ctx, st, key, h); found || err != nil {
		return resp, err
	}
	var resp R
	claimed := false
	err := st.RunInTx(ctx, actor, func(tx *store.Tx) error {
		claimed = false
		if err := tx.ClaimRequest(key, h); err != nil {
			return err
		}
		claimed = true
		r, err := fn(tx)
		if err != nil {
			return err
		}
		b, err := proto.Marshal(r)
		if err != nil {
			return err
		}
		resp = r
		return tx.SaveResponse(key, b)
	})
	if !claimed && errors.Is(err, store.ErrAlreadyExists) {
		// A concurrent request with the same id committed first.
		if first, found, rerr := replay[R](ctx, st, key, h); found || rerr != nil {
			return first, rerr
		}
	}
	return resp, err
}

// writeBatched is write for the methods whose work commits in several
// transactions (bulk deletes that must not hold locks for long), so that it
// cannot run inside the request's transaction: fn does its work with the
// actor, and the response is recorded once the work is done. A retry after
// a failure continues the work (each batch that committed stays done). Two
// calls with the same request id running at the same time may both work;
// that is safe because batched methods are idempotent in effect (deleting
// what is already deleted does nothing), and both callers get the response
// recorded first.
func writeBatched[R proto.Message](ctx context.Context, st writeStore, req proto.Message, fn func(actor store.Actor) (R, error)) (R, error) {
	requestID := requestIDOf(req)
	actor := actorOf(ctx, requestID)
	if requestID == "" {
		return fn(actor)
	}
	key, h := requestKey(ctx, actor), requestHash(req)
	if resp, found, err := replay[R](ctx, st, key, h); found || err != nil {
		return resp, err
	}
	resp, err := fn(actor)
	if err != nil {
		return resp, err
	}
	b, err := proto.Marshal(resp)
	if err != nil {
		return resp, err
	}
	err = st.RunInTx(ctx, actor, func(tx *store.Tx) error {
		if err := tx.ClaimRequest(key, h); err != nil {
			return err
		}
		return tx.SaveResponse(key, b)
	})
	if errors.Is(err, store.ErrAlreadyExists) {
		if first, found, rerr := replay[R](ctx, st, key, h); found || rerr != nil {
			return first, rerr
		}
	}
	return resp, err
}

// actorOf is the caller (auth has run) making a write with this request id.
func actorOf(ctx context.Context, requestID string) store.Actor {
	return store.Actor{Principal: principalFrom(ctx), RequestID: requestID}
}

// requestKey scopes the actor's request id to the gRPC method called.
func requestKey(ctx context.Context, actor store.Actor) store.RequestKey {
	method, _ := grpc.Method(ctx)
	return store.RequestKey{Principal: actor.Principal, Method: method, RequestID: actor.RequestID}
}

// replay returns the stored response of an earlier request with this key.
func replay[R proto.Message](ctx context.Context, st writeStore, key store.RequestKey, hash string) (R, bool, error) {
	var resp R
	rec, found, err := st.FindRequest(ctx, key)
	if err != nil || !found {
		return resp, false, err
	}
	if rec.RequestHash != hash {
		return resp, true, invalidArgumentBecause(apiv1.ErrorReason_ERROR_REASON_REQUEST_ID_REUSED, fieldViolation{
			Field: "request_id", Description: "was already used with a different request: use a new request id for a new request",
		})
	}
	resp = resp.ProtoReflect().Type().New().Interface().(R)
	return resp, true, proto.Unmarshal(rec.Response, resp)
}

// requestIDOf reads the request's request_id, if it has one.
func requestIDOf(req proto.Message) string {
	if r, ok := req.(requestWithID); ok {
		return r.GetRequestId()
	}
	return ""
}

// requestHash identifies a request's content apart from its request id.
func requestHash(msg proto.Message) string {
	c := proto.Clone(msg)
	m := c.ProtoReflect()
	m.Clear(m.Descriptor().Fields().ByName("request_id"))
	b, _ := proto.MarshalOptions{Deterministic: true}.Marshal(c)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
