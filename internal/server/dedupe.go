package server

import (
	"sync"
	"time"
)

// maxRemembered caps the delivery ids kept, whatever the window.
const maxRemembered = 100_000

// dedupe remembers delivery ids for a window, so that a redelivered
// event is answered without doing its work twice.
type dedupe struct {
	window time.Duration
	now    func() time.Time

	mu    sync.Mutex
	seen  map[string]time.Time
	order []seenID
}

type seenID struct {
	id string
	at time.Time
}

func newDedupe(window time.Duration, now func() time.Time) *dedupe {
	return &dedupe{window: window, now: now, seen: map[string]time.Time{}}
}

// first records id and reports whether it was not seen within the
// window.
func (d *dedupe) first(id string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	now := d.now()
	d.expire(now)
	if _, ok := d.seen[id]; ok {
		return false
	}
	d.seen[id] = now
	d.order = append(d.order, seenID{id, now})
	return true
}

// forget drops id, so that a delivery that could not be queued may be
// sent again.
func (d *dedupe) forget(id string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	delete(d.seen, id)
}

// expire drops ids older than the window, and the oldest beyond the cap.
func (d *dedupe) expire(now time.Time) {
	n := 0
	for n < len(d.order) && (now.Sub(d.order[n].at) >= d.window || len(d.order)-n > maxRemembered) {
		if at, ok := d.seen[d.order[n].id]; ok && at.Equal(d.order[n].at) {
			delete(d.seen, d.order[n].id)
		}
		n++
	}
	d.order = d.order[n:]
}
