package server

import (
	"bufio"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"unicode"
)

// TokenFile holds the credentials of a token file. It is safe for concurrent
// use; Reload re-reads the file (interlogd calls it on SIGHUP).
//
// The file is text, one credential a line; blank lines and lines starting
// with # are ignored:
//
//	<sha256-hex-of-token> <principal> <role>    a bearer token
//	cert:<certificate subject CN> <role>        a client certificate (mTLS)
//
// A role is viewer, editor or admin. A principal is 1..100 characters without
// spaces; a CN runs from "cert:" to the last space of the line.
type TokenFile struct {
	path string

	mu    sync.RWMutex
	creds *credentialSet
}

// credentialSet is the parsed content of a token file.
type credentialSet struct {
	tokens []tokenEntry
	certs  map[string]Role // certificate CN -> role
}

type tokenEntry struct {
	hash      []byte // SHA-256 of the token
	principal string
	role      Role
}

// maxPrincipalLen is the width of the user_id columns.
const maxPrincipalLen = 100

// LoadTokenFile reads a token file.
func LoadTokenFile(path string) (*TokenFile, error) {
	f := &TokenFile{path: path}
	if err := f.Reload(); err != nil {
		return nil, err
	}
	return f, nil
}

// Reload re-reads the file. On error the credentials loaded before stay in
// force, so a typo in the file does not lock everyone out.
func (f *TokenFile) Reload() error {
	file, err := os.Open(f.path)
	if err != nil {
		return fmt.Errorf("token file: %w", err)
	}
	defer file.Close()
	creds, err := parseTokenFile(file)
	if err != nil {
		return fmt.Errorf("token file %s: %w", f.path, err)
	}
	f.mu.Lock()
	f.creds = creds
	f.mu.Unlock()
	return nil
}

// Path is the file's path.
func (f *TokenFile) Path() string { return f.path }

// Counts reports how many tokens and certificate subjects are loaded.
func (f *TokenFile) Counts() (tokens, certs int) {
	c := f.current()
	return len(c.tokens), len(c.certs)
}

func (f *TokenFile) current() *credentialSet {
	f.mu.RLock()
	defer f.mu.RUnlock()
	return f.creds
}

// lookupToken finds the principal of a bearer token. Every entry is compared,
// in constant time, so the time taken says nothing about which hash is close.
func (f *TokenFile) lookupToken(token string) (principal string, role Role, ok bool) {
	sum := sha256.Sum256([]byte(token))
	for _, e := range f.current().tokens {
		if subtle.ConstantTimeCompare(sum[:], e.hash) == 1 {
			principal, role, ok = e.principal, e.role, true
		}
	}
	return principal, role, ok
}

// lookupCert finds the role of a client certificate's subject.
func (f *TokenFile) lookupCert(cn string) (Role, bool) {
	r, ok := f.current().certs[cn]
	return r, ok
}

func parseTokenFile(r io.Reader) (*credentialSet, error) {
	creds := &credentialSet{certs: map[string]Role{}}
	seen := map[string]bool{}
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if err := creds.addLine(line, seen); err != nil {
			return nil, fmt.Errorf("line %d: %w", n, err)
		}
	}
	return creds, sc.Err()
}

func (c *credentialSet) addLine(line string, seen map[string]bool) error {
	if rest, ok := strings.CutPrefix(line, "cert:"); ok {
		return c.addCert(rest)
	}
	fields := strings.Fields(line)
	if len(fields) != 3 {
		return fmt.Errorf("want <sha256-hex> <principal> <role> or cert:<CN> <role>")
	}
	hash, err := hex.DecodeString(fields[0])
	if err != nil || len(hash) != sha256.Size {
		return fmt.Errorf("%q is not a SHA-256 in hex (64 characters); `interlogd token` prints a line", fields[0])
	}
	if seen[string(hash)] {
		return fmt.Errorf("the same token hash is listed twice")
	}
	seen[string(hash)] = true
	if err := checkPrincipal(fields[1]); err != nil {
		return err
	}
	role, err := ParseRole(fields[2])
	if err != nil {
		return err
	}
	c.tokens = append(c.tokens, tokenEntry{hash: hash, principal: fields[1], role: role})
	return nil
}

func (c *credentialSet) addCert(rest string) error {
	i := strings.LastIndexFunc(rest, unicode.IsSpace)
	if i < 0 {
		return fmt.Errorf("want cert:<CN> <role>")
	}
	cn, roleName := strings.TrimSpace(rest[:i]), rest[i+1:]
	if err := checkName("certificate subject", cn, true); err != nil {
		return err
	}
	role, err := ParseRole(roleName)
	if err != nil {
		return err
	}
	if _, dup := c.certs[cn]; dup {
		return fmt.Errorf("certificate subject %q is listed twice", cn)
	}
	c.certs[cn] = role
	return nil
}

// checkPrincipal accepts token principals: names that fit user_id, without
// spaces so that a token line splits into fields.
func checkPrincipal(p string) error { return checkName("principal", p, false) }

// checkName accepts names that fit user_id and read well in logs.
func checkName(what, name string, spaces bool) error {
	if name == "" || len(name) > maxPrincipalLen {
		return fmt.Errorf("%s %q: want 1..%d characters", what, name, maxPrincipalLen)
	}
	for _, r := range name {
		if (r != ' ' || !spaces) && (unicode.IsSpace(r) || !unicode.IsPrint(r)) {
			return fmt.Errorf("%s %q: no control characters or spaces", what, name)
		}
	}
	return nil
}

// NewToken makes a random bearer token (256 bits) and the line that grants it
// to principal with role in a token file. Only the token's hash is in the
// line: the token itself is shown once and stored nowhere.
func NewToken(principal string, role Role) (token, line string, err error) {
	if err := checkPrincipal(principal); err != nil {
		return "", "", err
	}
	if role == RoleNone {
		return "", "", fmt.Errorf("a token needs a role: viewer, editor or admin")
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", "", err
	}
	token = base64.RawURLEncoding.EncodeToString(b)
	sum := sha256.Sum256([]byte(token))
	return token, hex.EncodeToString(sum[:]) + " " + principal + " " + role.String(), nil
}
