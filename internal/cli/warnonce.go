package cli

import (
	"bufio"
	"io"
	"os"
	"strings"
	"sync"
)

// warnOnce forwards lines to w, each distinct warning line ("# Warning:"
// or "Warning:", as kustomize prints deprecations) once: kustomize warns
// on every build, and a run builds each environment several times.
type warnOnce struct {
	w    io.Writer
	mu   sync.Mutex
	seen map[string]bool
}

// forward copies r to the writer line by line until r ends.
func (o *warnOnce) forward(r io.Reader) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		o.line(sc.Text())
	}
	_, _ = io.Copy(o.w, r) // whatever a too-long line left
}

func (o *warnOnce) line(l string) {
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

// dedupeStderr makes what libraries print to os.Stderr (kustomize's
// deprecation warnings) go through a warnOnce to the real standard error,
// which it returns for the command's own messages. wait closes the pipe
// and waits until everything is written; it must be called before exit.
// Called once, before any goroutine starts.
func dedupeStderr() (real *os.File, wait func()) {
	real = os.Stderr
	r, w, err := os.Pipe()
	if err != nil {
		return real, func() {}
	}
	done := make(chan struct{})
	o := &warnOnce{w: real}
	go func() {
		defer close(done)
		o.forward(r)
	}()
	os.Stderr = w
	return real, func() {
		os.Stderr = real
		_ = w.Close()
		<-done
		_ = r.Close()
	}
}
