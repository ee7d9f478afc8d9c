package warnonce

import (
	"bufio"
	"io"
	"os"
	"strings"
	"sync"
)

// Filter forwards lines to a writer, each distinct warning line ("#
// Warning:" or "Warning:", as kustomize prints deprecations) once.
type Filter struct {
	w    io.Writer
	mu   sync.Mutex
	seen map[string]bool
}

// New returns a filter writing to w.
func New(w io.Writer) *Filter { return &Filter{w: w} }

// Forward copies r to the writer line by line until r ends. Lines of
// any length pass whole; a carriage return before a newline is dropped.
func (o *Filter) Forward(r io.Reader) {
	br := bufio.NewReader(r)
	for {
		l, err := br.ReadString('\n')
		if l != "" {
			o.line(strings.TrimSuffix(strings.TrimSuffix(l, "\n"), "\r"))
		}
		if err != nil {
			return
		}
	}
}

func (o *Filter) line(l string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	t := strings.TrimPrefix(strings.TrimSpace(l), "# ")
	if strings.HasPrefix(t, "Warning:") {
		if o.seen[t] {
			return
		}
		if o.seen == nil {
			o.seen = map[string]bool{}
		}
		o.seen[t] = true
	}
	_, _ = io.WriteString(o.w, l+"\n")
}

// Stderr makes what libraries print to os.Stderr go through a Filter to
// the real standard error, which it returns for the program's own
// messages. wait closes the pipe and waits until everything is written;
// it must be called before exit. Called once, before any goroutine
// starts.
func Stderr() (real *os.File, wait func()) {
	real = os.Stderr
	r, w, err := os.Pipe()
	if err != nil {
		return real, func() {}
	}
	done := make(chan struct{})
	o := New(real)
	go func() {
		defer close(done)
		o.Forward(r)
	}()
	os.Stderr = w
	return real, func() {
		os.Stderr = real
		_ = w.Close()
		<-done
		_ = r.Close()
	}
}
