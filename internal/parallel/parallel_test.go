package parallel

import (
	"fmt"
	"runtime"
	"sync/atomic"
	"testing"
)

func TestForEachReportsLowestFailingIndex(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
	var calls atomic.Int64
	seen := make([]bool, 100)
	err := ForEach(100, func(i int) error {
		calls.Add(1)
		seen[i] = true
		if i == 7 || i == 63 {
			return fmt.Errorf("failed at %d", i)
		}
		return nil
	})
	if err == nil || err.Error() != "failed at 7" {
		t.Errorf("error %v, want the one at index 7", err)
	}
	if calls.Load() != 100 {
		t.Errorf("%d calls, want 100", calls.Load())
	}
	for i, ok := range seen {
		if !ok {
			t.Fatalf("index %d not visited", i)
		}
	}
}
