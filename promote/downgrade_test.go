package promote

import "testing"

func TestIsDowngrade(t *testing.T) {
	for _, tt := range []struct {
		from, to string
		want     bool
	}{
		{"3.0", "2.0", true},
		{"v1.4.2", "v1.4.1", true},
		{"1.4.2@sha256:aa", "1.4.10@sha256:bb", false},
		{"1.5.0-rc.1", "1.5.0", false},
		{"1.5.0", "1.5.0-rc.1", true},
		{"2024.06.1", "2024.05.3", false}, // not semver: never marked
		{"main", "dev", false},
		{">=1.0.0", ">=1.0.0-alpha", false},
		{"", "1.0", false},
	} {
		if got := isDowngrade(tt.from, tt.to); got != tt.want {
			t.Errorf("isDowngrade(%q, %q) = %v, want %v", tt.from, tt.to, got, tt.want)
		}
	}
}
