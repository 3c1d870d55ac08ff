package server

import (
	"context"
	"crypto/x509"
	"strings"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/peer"

	apiv1 "github.com/interlog/interlog/gen/interlog/v1"
)

// anonymous is the principal of every caller when no token file is configured
// and the caller has no client certificate.
const anonymous = "anonymous"

// authenticator decides who makes a call and whether their role allows it.
// With no token file every caller is admin: interlogd then only listens on
// loopback unless told --insecure (SPEC §5).
type authenticator struct {
	tokens *TokenFile // nil: no authentication
}

func (a *authenticator) unary(ctx context.Context, req any, info *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
	ctx, err := a.authorize(ctx, info.FullMethod)
	if err != nil {
		return nil, err
	}
	return h(ctx, req)
}

func (a *authenticator) stream(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, h grpc.StreamHandler) error {
	ctx, err := a.authorize(ss.Context(), info.FullMethod)
	if err != nil {
		return err
	}
	return h(srv, &contextStream{ServerStream: ss, ctx: ctx})
}

// authorize identifies the caller, checks its role against methodRoles and
// returns a context that records the principal for logs and for the writes
// the call makes (actorOf).
func (a *authenticator) authorize(ctx context.Context, fullMethod string) (context.Context, error) {
	if isPublic(fullMethod) {
		return ctx, nil
	}
	principal, role, err := a.identify(ctx)
	if err != nil {
		return nil, err
	}
	ctx = withPrincipal(ctx, principal)
	need, known := methodRoles[fullMethod]
	if !known {
		return nil, withDetails(codes.PermissionDenied, fullMethod+" has no role assigned; nobody may call it",
			apiv1.ErrorReason_ERROR_REASON_ROLE_INSUFFICIENT)
	}
	if role < need {
		return nil, withDetails(codes.PermissionDenied,
			"principal "+principal+" has role "+role.String()+"; "+methodName(fullMethod)+" needs "+need.String(),
			apiv1.ErrorReason_ERROR_REASON_ROLE_INSUFFICIENT)
	}
	return ctx, nil
}

// identify finds the caller: a bearer token if one is sent, else a verified
// client certificate, each looked up in the token file.
func (a *authenticator) identify(ctx context.Context) (string, Role, error) {
	cn, hasCert := certSubject(ctx)
	if a.tokens == nil {
		if hasCert {
			return cn, RoleAdmin, nil
		}
		return anonymous, RoleAdmin, nil
	}
	token, hasToken, err := bearerToken(ctx)
	switch {
	case err != nil:
		return "", RoleNone, err
	case hasToken:
		if p, role, ok := a.tokens.lookupToken(token); ok {
			return p, role, nil
		}
		return "", RoleNone, withDetails(codes.Unauthenticated, "the bearer token is not valid",
			apiv1.ErrorReason_ERROR_REASON_CREDENTIALS_INVALID)
	case hasCert:
		// TLS has proven who the caller is; its role, if any, is in the token file.
		role, _ := a.tokens.lookupCert(cn)
		return cn, role, nil
	}
	return "", RoleNone, withDetails(codes.Unauthenticated,
		"credentials missing: send the header \"authorization: Bearer <token>\"",
		apiv1.ErrorReason_ERROR_REASON_CREDENTIALS_MISSING)
}

// bearerToken reads "authorization: Bearer <token>". A header in another
// form is invalid credentials, not missing ones.
func bearerToken(ctx context.Context) (token string, ok bool, err error) {
	md, _ := metadata.FromIncomingContext(ctx)
	values := md.Get("authorization")
	if len(values) == 0 {
		return "", false, nil
	}
	scheme, token, found := strings.Cut(strings.TrimSpace(values[0]), " ")
	token = strings.TrimSpace(token)
	if len(values) > 1 || !found || !strings.EqualFold(scheme, "bearer") || token == "" {
		return "", false, withDetails(codes.Unauthenticated, "the authorization header must be \"Bearer <token>\"",
			apiv1.ErrorReason_ERROR_REASON_CREDENTIALS_INVALID)
	}
	return token, true, nil
}

// certSubject returns the common name of the client certificate that TLS
// verified against the configured CA, if any.
func certSubject(ctx context.Context) (string, bool) {
	p, ok := peer.FromContext(ctx)
	if !ok {
		return "", false
	}
	info, ok := p.AuthInfo.(credentials.TLSInfo)
	if !ok || len(info.State.VerifiedChains) == 0 || len(info.State.VerifiedChains[0]) == 0 {
		return "", false
	}
	return leafCN(info.State.VerifiedChains[0][0])
}

func leafCN(cert *x509.Certificate) (string, bool) {
	cn := cert.Subject.CommonName
	return cn, checkName("certificate subject", cn, true) == nil
}

// methodName is the method part of "/pkg.Service/Method".
func methodName(fullMethod string) string {
	return fullMethod[strings.LastIndex(fullMethod, "/")+1:]
}
