package buildinfo

import (
	"runtime/debug"
	"strings"
	"testing"
)

func TestFromBuild(t *testing.T) {
	vcs := &debug.BuildInfo{
		GoVersion: "go1.26.8",
		Main:      debug.Module{Path: "github.com/gitops-promote/promote", Version: "(devel)"},
		Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "0123456789abcdef0123"},
			{Key: "vcs.time", Value: "2026-11-30T10:00:00Z"},
			{Key: "vcs.modified", Value: "true"},
		},
	}
	installed := &debug.BuildInfo{
		GoVersion: "go1.26.8",
		Main:      debug.Module{Path: "github.com/gitops-promote/promote", Version: "v0.3.0-0.20261130100000-0123456789ab"},
	}
	tests := []struct {
		name                  string
		bi                    *debug.BuildInfo
		version, commit, date string
		want                  Info
		wantString            string
	}{
		{
			name:       "checkout build reads the vcs stamp",
			bi:         vcs,
			want:       Info{Version: "(devel)", Commit: "0123456789abcdef0123", Date: "2026-11-30T10:00:00Z", Modified: true, Go: "go1.26.8"},
			wantString: "promote (devel) (0123456789ab-dirty, 2026-11-30T10:00:00Z, go1.26.8 ",
		},
		{
			name:       "go install reports the pseudo-version",
			bi:         installed,
			want:       Info{Version: "v0.3.0-0.20261130100000-0123456789ab", Go: "go1.26.8"},
			wantString: "promote v0.3.0-0.20261130100000-0123456789ab (go1.26.8 ",
		},
		{
			name:    "release stamp wins",
			bi:      vcs,
			version: "v1.2.3", commit: "feedbeef", date: "2026-12-01T00:00:00Z",
			want:       Info{Version: "v1.2.3", Commit: "feedbeef", Date: "2026-12-01T00:00:00Z", Modified: true, Go: "go1.26.8"},
			wantString: "promote v1.2.3 (feedbeef-dirty, 2026-12-01T00:00:00Z, go1.26.8 ",
		},
		{
			name:    "a snapshot without a readable commit keeps the vcs stamp",
			bi:      vcs,
			version: "v0.0.0-SNAPSHOT-none", commit: "none", date: "0001-01-01T00:00:00Z",
			want:       Info{Version: "v0.0.0-SNAPSHOT-none", Commit: "0123456789abcdef0123", Date: "2026-11-30T10:00:00Z", Modified: true, Go: "go1.26.8"},
			wantString: "promote v0.0.0-SNAPSHOT-none (0123456789ab-dirty, 2026-11-30T10:00:00Z, go1.26.8 ",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := fromBuild(tt.bi, tt.version, tt.commit, tt.date)
			got.Platform = ""
			if got != tt.want {
				t.Errorf("fromBuild = %+v, want %+v", got, tt.want)
			}
			if s := fromBuild(tt.bi, tt.version, tt.commit, tt.date).String(); !strings.HasPrefix(s, tt.wantString) {
				t.Errorf("String() = %q, want prefix %q", s, tt.wantString)
			}
		})
	}
}
