package progress

import (
	"strings"
	"testing"
	"time"
)

func TestCounterWaitsThenRewritesTheLine(t *testing.T) {
	clock := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	now := func() time.Time { return clock }
	var out strings.Builder
	c := New(&out, "rendering", now)
	c.Report(100, 10000, "apps")
	if out.Len() != 0 {
		t.Fatalf("printed before a second passed: %q", out.String())
	}
	clock = clock.Add(1500 * time.Millisecond)
	c.Report(4120, 10000, "apps")
	c.Report(10000, 10000, "apps")
	if want := "\rrendering 4,120/10,000 apps\rrendering 10,000/10,000 apps\n"; out.String() != want {
		t.Errorf("got %q, want %q", out.String(), want)
	}
}

func TestQuickWorkPrintsNothing(t *testing.T) {
	var out strings.Builder
	c := New(&out, "rendering", nil)
	c.Report(3, 3, "apps")
	if out.Len() != 0 {
		t.Errorf("printed %q for work done at once", out.String())
	}
}

func TestThousands(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 4120: "4,120", 1234567: "1,234,567", -1200: "-1,200"} {
		if got := Thousands(n); got != want {
			t.Errorf("Thousands(%d) = %q, want %q", n, got, want)
		}
	}
}
