package workspace

import (
	"fmt"
	"strconv"
	"time"
)

// ParseWindow reads history --since: a duration with d (days) and w
// (weeks) besides Go's units; "" is 0, the whole history.
func ParseWindow(s string) (time.Duration, error) {
	if s == "" {
		return 0, nil
	}
	unit := map[byte]time.Duration{'d': 24 * time.Hour, 'w': 7 * 24 * time.Hour}[s[len(s)-1]]
	if unit != 0 {
		n, err := strconv.Atoi(s[:len(s)-1])
		if err == nil && n > 0 {
			return time.Duration(n) * unit, nil
		}
	} else if d, err := time.ParseDuration(s); err == nil && d > 0 {
		return d, nil
	}
	return 0, fmt.Errorf("--since %q: expected a positive duration such as 30d, 2w or 72h", s)
}
