package main

import (
	"io"
	"testing"
	"time"
)

func TestChangeFeedFlags(t *testing.T) {
	cfg, err := parseConfig("serve", nil, io.Discard, envMap(nil))
	if err != nil || !cfg.changeFeed || cfg.changeRetention != 168*time.Hour || cfg.changeHeartbeat != 10*time.Second || cfg.maxWatchers != 1000 {
		t.Fatalf("defaults: feed %v, retention %v, heartbeat %v, %d watchers, %v", cfg.changeFeed, cfg.changeRetention, cfg.changeHeartbeat, cfg.maxWatchers, err)
	}
	cfg, err = parseConfig("serve", []string{"--change-feed=false", "--change-retention", "24h"}, io.Discard,
		envMap(map[string]string{"INTERLOG_MAX_WATCHERS": "5", "INTERLOG_CHANGE_HEARTBEAT": "2s"}))
	if err != nil || cfg.changeFeed || cfg.changeRetention != 24*time.Hour || cfg.changeHeartbeat != 2*time.Second || cfg.maxWatchers != 5 {
		t.Fatalf("set: feed %v, retention %v, heartbeat %v, %d watchers, %v", cfg.changeFeed, cfg.changeRetention, cfg.changeHeartbeat, cfg.maxWatchers, err)
	}
	for _, args := range [][]string{{"--change-retention", "0s"}, {"--change-heartbeat", "-1s"}, {"--max-watchers", "0"}} {
		if _, err := parseConfig("serve", args, io.Discard, envMap(nil)); err == nil {
			t.Errorf("%v was accepted", args)
		}
	}
}
