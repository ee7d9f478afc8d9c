package workspace

import (
	"strings"
	"testing"
	"time"
)

func TestParseWindow(t *testing.T) {
	for in, want := range map[string]time.Duration{"30d": 30 * 24 * time.Hour, "2w": 14 * 24 * time.Hour, "72h": 72 * time.Hour, "90m": 90 * time.Minute} {
		if got, err := ParseWindow(in); err != nil || got != want {
			t.Errorf("ParseWindow(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"-1d", "0d", "d", "soon", "-5h"} {
		if _, err := ParseWindow(bad); err == nil || !strings.Contains(err.Error(), "30d, 2w or 72h") {
			t.Errorf("ParseWindow(%q): %v", bad, err)
		}
	}
}
