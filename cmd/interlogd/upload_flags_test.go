package main

import (
	"io"
	"testing"
	"time"
)

func TestUploadLimitFlags(t *testing.T) {
	cfg, err := parseConfig("serve", nil, io.Discard, envMap(nil))
	if err != nil || cfg.maxConcurrentUploads != 64 || cfg.uploadIdleTimeout != 30*time.Second {
		t.Fatalf("defaults: %d uploads, idle %v, %v", cfg.maxConcurrentUploads, cfg.uploadIdleTimeout, err)
	}
	cfg, err = parseConfig("serve", []string{"--upload-idle-timeout", "3s"}, io.Discard, envMap(map[string]string{"INTERLOG_MAX_CONCURRENT_UPLOADS": "5"}))
	if err != nil || cfg.maxConcurrentUploads != 5 || cfg.uploadIdleTimeout != 3*time.Second {
		t.Fatalf("set: %d uploads, idle %v, %v", cfg.maxConcurrentUploads, cfg.uploadIdleTimeout, err)
	}
	for _, args := range [][]string{{"--max-concurrent-uploads", "0"}, {"--upload-idle-timeout", "0s"}} {
		if _, err := parseConfig("serve", args, io.Discard, envMap(nil)); err == nil {
			t.Errorf("%v was accepted", args)
		}
	}
}
