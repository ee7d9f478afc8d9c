package progress

import (
	"fmt"
	"io"
	"strconv"
	"sync"
	"time"
)

// Delay is how long work runs before its progress is shown.
const Delay = time.Second

// Counter prints "<verb> done/total <unit>" to a terminal, rewriting the
// line in place, once Delay has passed since it was made, and ends the
// line when the work is done. Its Report method may be called from
// several goroutines.
type Counter struct {
	w     io.Writer
	verb  string
	start time.Time
	now   func() time.Time

	mu    sync.Mutex
	shown bool
}

// New returns a counter writing to w ("rendering"). now is the clock
// (nil: time.Now).
func New(w io.Writer, verb string, now func() time.Time) *Counter {
	if now == nil {
		now = time.Now
	}
	return &Counter{w: w, verb: verb, start: now(), now: now}
}

// Report says done of total items ("apps") are finished.
func (c *Counter) Report(done, total int, unit string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.shown && c.now().Sub(c.start) < Delay {
		return
	}
	c.shown = true
	fmt.Fprintf(c.w, "\r%s %s/%s %s", c.verb, Thousands(done), Thousands(total), unit)
	if done >= total {
		fmt.Fprintln(c.w)
	}
}

// Thousands writes n with a comma between groups of three digits.
func Thousands(n int) string {
	s := strconv.Itoa(n)
	neg := n < 0
	if neg {
		s = s[1:]
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	if neg {
		return "-" + s
	}
	return s
}
