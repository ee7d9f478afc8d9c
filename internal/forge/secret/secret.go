package secret

import (
	"io"
	"strings"
	"sync"
)

// Mask replaces a secret in redacted text.
const Mask = "***"

// minLen is the shortest value treated as a secret: shorter ones would
// mask ordinary words.
const minLen = 6

// Set is a set of secrets. The zero value is empty and ready; it is safe
// for concurrent use.
type Set struct {
	mu     sync.RWMutex
	values []string
}

// Add remembers secrets; empty and very short values are ignored.
func (s *Set) Add(values ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, v := range values {
		if len(v) >= minLen {
			s.values = append(s.values, v)
		}
	}
}

// Redact returns text with every secret replaced by Mask.
func (s *Set) Redact(text string) string {
	if s == nil {
		return text
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, v := range s.values {
		text = strings.ReplaceAll(text, v, Mask)
	}
	return text
}

// Error returns err with secrets removed from its message; errors.Is and
// errors.As still see the original chain. nil stays nil.
func (s *Set) Error(err error) error {
	if err == nil {
		return nil
	}
	msg := s.Redact(err.Error())
	if msg == err.Error() {
		return err
	}
	return &redacted{msg: msg, err: err}
}

type redacted struct {
	msg string
	err error
}

func (e *redacted) Error() string { return e.msg }
func (e *redacted) Unwrap() error { return e.err }

// Writer returns a writer that redacts each write before passing it to w.
// A secret split across two writes is not caught; callers write whole
// lines.
func (s *Set) Writer(w io.Writer) io.Writer { return &writer{s: s, w: w} }

type writer struct {
	s *Set
	w io.Writer
}

func (w *writer) Write(p []byte) (int, error) {
	if _, err := io.WriteString(w.w, w.s.Redact(string(p))); err != nil {
		return 0, err
	}
	return len(p), nil
}
