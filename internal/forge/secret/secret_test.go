package secret

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestRedact(t *testing.T) {
	var s Set
	s.Add("ghp_abcdef123", "", "abc")
	sentinel := errors.New("sentinel")
	err := s.Error(fmt.Errorf("push with ghp_abcdef123 failed: %w", sentinel))
	if strings.Contains(err.Error(), "ghp_abcdef123") || !strings.Contains(err.Error(), Mask) {
		t.Errorf("error not redacted: %v", err)
	}
	if !errors.Is(err, sentinel) {
		t.Errorf("redaction lost the error chain")
	}
	if got := s.Redact("abc stays: short values are not secrets"); got != "abc stays: short values are not secrets" {
		t.Errorf("short value masked: %q", got)
	}
	var b strings.Builder
	fmt.Fprintf(s.Writer(&b), "remote: token ghp_abcdef123\n")
	if strings.Contains(b.String(), "ghp_abcdef123") {
		t.Errorf("writer not redacted: %q", b.String())
	}
	if s.Error(nil) != nil {
		t.Errorf("nil error became non-nil")
	}
}
