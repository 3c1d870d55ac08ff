package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"google.golang.org/protobuf/encoding/protojson"

	apiv1 "github.com/interlog/interlog/gen/interlog/v1"
	"github.com/interlog/interlog/internal/testdb"
	ts "github.com/interlog/interlog/internal/testserver"
)

func TestMain(m *testing.M) {
	code := m.Run()
	testdb.Shutdown()
	os.Exit(code)
}

func TestUploadThenDownload(t *testing.T) {
	env := ts.Start(t, "sqlite", ts.Options{})
	dir := t.TempDir()
	in := filepath.Join(dir, "report.pdf")
	data := bytes.Repeat([]byte("interlog "), 300_000) // 2.7 MB: three chunks
	if err := os.WriteFile(in, data, 0o600); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	ctx := context.Background()
	if err := run(ctx, []string{"upload", "-plaintext", "-addr", env.Addr, in}, &stdout, &stderr); err != nil {
		t.Fatalf("upload: %v (%s)", err, stderr.String())
	}
	var a apiv1.Attachment
	if err := protojson.Unmarshal(stdout.Bytes(), &a); err != nil {
		t.Fatalf("upload printed %s: %v", stdout.String(), err)
	}
	if a.GetName() != "attachments/1" || a.GetFileName() != "report.pdf" || a.GetContentType() != "application/pdf" || a.GetSizeBytes() != int64(len(data)) {
		t.Fatalf("uploaded %v", &a)
	}
	out := filepath.Join(dir, "copy.pdf")
	if err := run(ctx, []string{"download", "-plaintext", "-addr", env.Addr, "-o", out, "attachments/1"}, &stdout, &stderr); err != nil {
		t.Fatalf("download: %v", err)
	}
	got, err := os.ReadFile(out)
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("downloaded %d bytes (%v), want the %d uploaded", len(got), err, len(data))
	}
	// A failed download leaves no file behind.
	missing := filepath.Join(dir, "missing.pdf")
	if err := run(ctx, []string{"download", "-plaintext", "-addr", env.Addr, "-o", missing, "attachments/2"}, &stdout, &stderr); err == nil {
		t.Fatal("download of a missing attachment succeeded")
	}
	if _, err := os.Stat(missing); !os.IsNotExist(err) {
		t.Fatalf("a failed download left %s (%v)", missing, err)
	}
}
