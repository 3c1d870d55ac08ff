package server

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"

	_ "github.com/interlog/interlog/gen/interlog/v1" // registers the API's descriptors
)

// TestRoleTableCoversTheAPI fails when an RPC is added without a role (or a
// role is left behind for an RPC that is gone).
func TestRoleTableCoversTheAPI(t *testing.T) {
	api := map[string]bool{}
	protoregistry.GlobalFiles.RangeFilesByPackage("interlog.v1", func(fd protoreflect.FileDescriptor) bool {
		for i := range fd.Services().Len() {
			sd := fd.Services().Get(i)
			for j := range sd.Methods().Len() {
				api["/"+string(sd.FullName())+"/"+string(sd.Methods().Get(j).Name())] = true
			}
		}
		return true
	})
	if len(api) < 60 {
		t.Fatalf("found only %d methods in interlog.v1: are the descriptors registered?", len(api))
	}
	for m := range api {
		if r, ok := methodRoles[m]; !ok || r == RoleNone {
			t.Errorf("%s has no role in methodRoles", m)
		}
	}
	for m := range methodRoles {
		if !api[m] {
			t.Errorf("methodRoles names %s, which is not in the API", m)
		}
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestTokenFile(t *testing.T) {
	tokA, lineA, err := NewToken("alice", RoleEditor)
	if err != nil {
		t.Fatal(err)
	}
	tokB, lineB, _ := NewToken("bob", RoleViewer)
	path := filepath.Join(t.TempDir(), "tokens")
	writeFile(t, path, "# people\n\n"+lineA+"\n  cert:Billing Service admin \n")
	f, err := LoadTokenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if p, r, ok := f.lookupToken(tokA); !ok || p != "alice" || r != RoleEditor {
		t.Fatalf("lookup alice's token: %q %v %v", p, r, ok)
	}
	if _, _, ok := f.lookupToken(tokB); ok {
		t.Fatal("bob's token is not in the file but was accepted")
	}
	if r, ok := f.lookupCert("Billing Service"); !ok || r != RoleAdmin {
		t.Fatalf("lookup cert: %v %v", r, ok)
	}

	// Reload replaces the credentials: alice's token stops working, bob's starts.
	writeFile(t, path, lineB+"\n")
	if err := f.Reload(); err != nil {
		t.Fatal(err)
	}
	if _, _, ok := f.lookupToken(tokA); ok {
		t.Fatal("alice's token still accepted after reload")
	}
	if p, r, ok := f.lookupToken(tokB); !ok || p != "bob" || r != RoleViewer {
		t.Fatalf("lookup bob's token after reload: %q %v %v", p, r, ok)
	}
	if _, ok := f.lookupCert("Billing Service"); ok {
		t.Fatal("certificate still accepted after reload")
	}

	// A broken file is refused and the credentials loaded before stay.
	writeFile(t, path, lineB+"\nnot a line\n")
	if err := f.Reload(); err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Fatalf("reload of a broken file: %v, want an error naming line 2", err)
	}
	if _, _, ok := f.lookupToken(tokB); !ok {
		t.Fatal("a failed reload dropped the credentials in force")
	}
}

func TestTokenFileRejects(t *testing.T) {
	hash := strings.Repeat("ab", 32)
	for name, content := range map[string]string{
		"two fields":      hash + " alice\n",
		"short hash":      "abcd alice viewer\n",
		"not hex":         strings.Repeat("zz", 32) + " alice viewer\n",
		"unknown role":    hash + " alice owner\n",
		"duplicate hash":  hash + " alice viewer\n" + hash + " bob admin\n",
		"long principal":  hash + " " + strings.Repeat("p", 101) + " viewer\n",
		"cert no role":    "cert:svc\n",
		"cert bad role":   "cert:svc root\n",
		"cert twice":      "cert:svc viewer\ncert:svc admin\n",
		"cert control ch": "cert:a\x01b viewer\n",
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := parseTokenFile(strings.NewReader(content)); err == nil {
				t.Fatalf("accepted %q", content)
			}
		})
	}
}

func TestNewTokenRejects(t *testing.T) {
	if _, _, err := NewToken("has space", RoleViewer); err == nil {
		t.Fatal("accepted a principal with a space")
	}
	if _, _, err := NewToken("alice", RoleNone); err == nil {
		t.Fatal("accepted a token without a role")
	}
}
