package server

import (
	"context"
	"errors"
	"log/slog"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	apiv1 "github.com/interlog/interlog/gen/interlog/v1"
	"github.com/interlog/interlog/store"
)

// hubCapacity is how many of the newest changes the hub keeps in memory: a
// watcher that falls further behind reads from the database.
const hubCapacity = 4096

// hubRetry is how long the hub waits after a failed read, and how often it
// looks at the published high water anyway.
const hubRetry = time.Second

// changeHub reads the newly sequenced changes once for every watcher of this
// process: one reader follows the published high water and keeps the newest
// changes, unfiltered, in sequence order; a watcher that has sent everything
// up to a sequence the hub holds takes the rest from it and filters them in
// memory (store.ChangeFilter.Matches) instead of running a query per
// wake-up. A watcher behind the hub's window reads from the database.
//
// Exactly once: the hub holds every change in (from, to] (it reads them
// unfiltered, page after page, each after the last it holds), so a watcher
// whose position p lies in [from, to] gets exactly the changes after p up to
// to, and then stands at to.
type changeHub struct {
	store    *store.Store
	log      *slog.Logger
	watchers atomic.Int64 // watchers following the hub; none: the hub reads nothing

	mu      sync.Mutex
	from    int64         // every change after from and up to to is in changes
	to      int64         //
	changes []hubChange   // in sequence order
	grew    chan struct{} // closed when to grows or the window moves
}

func newChangeHub(st *store.Store, log *slog.Logger) *changeHub {
	return &changeHub{store: st, log: log, grew: make(chan struct{})}
}

// run follows the published high water until ctx ends.
func (h *changeHub) run(ctx context.Context) {
	for {
		high, grew := h.store.PublishedHighWater()
		if err := h.readUpTo(ctx, high); err != nil && ctx.Err() == nil {
			h.log.Warn("change feed fan-out: reading changes failed; watchers read from the database meanwhile", "error", err.Error())
			h.restartAt(high)
			grew = nil // retry after a pause, not at once
		}
		select {
		case <-ctx.Done():
			return
		case <-grew:
		case <-time.After(hubRetry):
		}
	}
}

// readUpTo reads the changes after the hub's last up to high into the hub, a
// page at a time; with no watcher it reads nothing and starts over at high.
func (h *changeHub) readUpTo(ctx context.Context, high int64) error {
	for {
		h.mu.Lock()
		after := h.to
		h.mu.Unlock()
		if after >= high {
			return nil
		}
		if h.watchers.Load() == 0 {
			h.restartAt(high)
			return nil
		}
		rows, err := h.store.ListChanges(ctx, after, high, store.ChangeFilter{}, watchPage)
		if err != nil {
			return err
		}
		upTo := high
		if len(rows) == watchPage {
			upTo = rows[len(rows)-1].Sequence
		}
		if err := h.add(rows, upTo); err != nil {
			return err
		}
	}
}

// hubChange is a change the hub holds: as stored, for the filters, and its
// API message, converted once for every watcher (a message is safe to
// marshal from several streams at once).
type hubChange struct {
	store.StoredChange
	message *apiv1.WatchChangesResponse
}

// add appends the changes read up to upTo and trims the window to
// hubCapacity.
func (h *changeHub) add(rows []store.StoredChange, upTo int64) error {
	converted := make([]hubChange, len(rows))
	for i, c := range rows {
		msg, err := changeMessage(c)
		if err != nil {
			return err
		}
		converted[i] = hubChange{StoredChange: c, message: msg}
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.changes = append(h.changes, converted...)
	if drop := len(h.changes) - hubCapacity; drop > 0 {
		h.from = h.changes[drop-1].Sequence
		// A new array, so that the dropped changes can be freed.
		h.changes = append([]hubChange(nil), h.changes[drop:]...)
	}
	h.to = upTo
	h.wake()
	return nil
}

// restartAt empties the window and places it at high.
func (h *changeHub) restartAt(high int64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.from, h.to, h.changes = high, high, nil
	h.wake()
}

func (h *changeHub) wake() {
	close(h.grew)
	h.grew = make(chan struct{})
}

// errBehindHub: a watcher's position is older than the hub's window.
var errBehindHub = errors.New("before the fan-out's window")

// after returns the changes after the sequence after up to the hub's last,
// and that last; when the hub has not reached after yet, none and a channel
// closed when it moves. It fails with errBehindHub when changes after after
// have left the window (or were never in it).
func (h *changeHub) after(after int64) (changes []hubChange, upTo int64, moved <-chan struct{}, err error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if after < h.from {
		return nil, 0, nil, errBehindHub
	}
	if after >= h.to {
		return nil, after, h.grew, nil
	}
	i := sort.Search(len(h.changes), func(i int) bool { return h.changes[i].Sequence > after })
	return h.changes[i:], h.to, nil, nil
}

// follow counts a watcher that follows the hub until the returned function
// is called.
func (h *changeHub) follow() (stop func()) {
	h.watchers.Add(1)
	return func() { h.watchers.Add(-1) }
}
