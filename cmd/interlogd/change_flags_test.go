package main

import (
	"io"
	"testing"
	"time"
)

func TestChangeFeedFlags(t *testing.T) {
	cfg, err := parseConfig("serve", nil, io.Discard, envMap(nil))
	if err != nil || !cfg.changeFeed || cfg.changeRetention != 168*time.Hour || cfg.changeHeartbeat != 10*time.Second || cfg.maxWatchers != 1000 || cfg.dbFeedConns != 4 {
		t.Fatalf("defaults: feed %v, retention %v, heartbeat %v, %d watchers, %d feed conns, %v", cfg.changeFeed, cfg.changeRetention, cfg.changeHeartbeat, cfg.maxWatchers, cfg.dbFeedConns, err)
	}
	cfg, err = parseConfig("serve", []string{"--change-feed=false", "--change-retention", "24h", "--db-feed-conns", "2"}, io.Discard,
		envMap(map[string]string{"INTERLOG_MAX_WATCHERS": "5", "INTERLOG_CHANGE_HEARTBEAT": "2s"}))
	if err != nil || cfg.changeFeed || cfg.changeRetention != 24*time.Hour || cfg.changeHeartbeat != 2*time.Second || cfg.maxWatchers != 5 || cfg.dbFeedConns != 2 {
		t.Fatalf("set: feed %v, retention %v, heartbeat %v, %d watchers, %d feed conns, %v", cfg.changeFeed, cfg.changeRetention, cfg.changeHeartbeat, cfg.maxWatchers, cfg.dbFeedConns, err)
	}
	for _, args := range [][]string{{"--change-retention", "0s"}, {"--change-heartbeat", "-1s"}, {"--max-watchers", "0"}, {"--db-feed-conns", "0"}} {
		if _, err := parseConfig("serve", args, io.Discard, envMap(nil)); err == nil {
			t.Errorf("%v was accepted", args)
		}
	}
}
