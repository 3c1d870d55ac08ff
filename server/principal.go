package server

import (
	"context"
	"sync"
)

type principalKey struct{}

// withPrincipal records who makes the call; writes store it as user_id. It
// also fills the call's logNotes, so that the access log line, written by an
// interceptor that runs before authentication, names the principal.
func withPrincipal(ctx context.Context, name string) context.Context {
	if n, ok := ctx.Value(logNotesKey{}).(*logNotes); ok {
		n.setPrincipal(name)
	}
	tracePrincipal(ctx, name)
	return context.WithValue(ctx, principalKey{}, name)
}

// principalFrom returns the caller's principal name, or "" before auth ran.
// Given the context of an interceptor that runs before auth, it returns what
// auth found once it has run.
func principalFrom(ctx context.Context) string {
	if p, ok := ctx.Value(principalKey{}).(string); ok {
		return p
	}
	if n, ok := ctx.Value(logNotesKey{}).(*logNotes); ok {
		return n.getPrincipal()
	}
	return ""
}

type logNotesKey struct{}

// logNotes is a call's mutable record of what inner interceptors learn that
// outer ones log: contexts only flow inwards.
type logNotes struct {
	mu        sync.Mutex
	principal string
}

func withLogNotes(ctx context.Context) context.Context {
	return context.WithValue(ctx, logNotesKey{}, &logNotes{})
}

func (n *logNotes) setPrincipal(p string) {
	n.mu.Lock()
	n.principal = p
	n.mu.Unlock()
}

func (n *logNotes) getPrincipal() string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.principal
}
