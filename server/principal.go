package server

import "context"

type principalKey struct{}

// withPrincipal records who makes the call; writes store it as user_id.
func withPrincipal(ctx context.Context, name string) context.Context {
	return context.WithValue(ctx, principalKey{}, name)
}

// principalFrom returns the caller's principal name, or "" before auth ran.
func principalFrom(ctx context.Context) string {
	p, _ := ctx.Value(principalKey{}).(string)
	return p
}
