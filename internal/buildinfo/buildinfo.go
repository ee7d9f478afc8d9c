package buildinfo

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
)

// Stamped by release builds:
//
//	-ldflags "-X github.com/gitops-promote/promote/internal/buildinfo.version=v1.2.3
//	          -X github.com/gitops-promote/promote/internal/buildinfo.commit=abc123
//	          -X github.com/gitops-promote/promote/internal/buildinfo.date=2026-11-30T10:00:00Z"
var version, commit, date string

// Info describes one build of promote.
type Info struct {
	// Version is the release tag, the module's pseudo-version, or
	// "(devel)" for a build from a checkout.
	Version string `json:"version"`
	// Commit is the revision the binary was built from, when known.
	Commit string `json:"commit,omitempty"`
	// Date is the commit's (or the release's) time in RFC 3339, when known.
	Date string `json:"date,omitempty"`
	// Modified is true when the checkout had uncommitted changes.
	Modified bool `json:"modified,omitempty"`
	// Go is the Go version the binary was built with.
	Go string `json:"go"`
	// Platform is GOOS/GOARCH.
	Platform string `json:"platform"`
}

// Read returns the running binary's build information.
func Read() Info {
	bi, _ := debug.ReadBuildInfo()
	return fromBuild(bi, version, commit, date)
}

// fromBuild merges the stamped values over what the Go toolchain
// recorded; stamped values win.
func fromBuild(bi *debug.BuildInfo, stampedVersion, stampedCommit, stampedDate string) Info {
	info := Info{Version: "(devel)", Go: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	if bi != nil {
		if bi.GoVersion != "" {
			info.Go = bi.GoVersion
		}
		if v := bi.Main.Version; v != "" {
			info.Version = v
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				info.Commit = s.Value
			case "vcs.time":
				info.Date = s.Value
			case "vcs.modified":
				info.Modified = s.Value == "true"
			}
		}
	}
	if stampedVersion != "" {
		info.Version = stampedVersion
	}
	if known(stampedCommit) {
		info.Commit = stampedCommit
	}
	if known(stampedDate) {
		info.Date = stampedDate
	}
	return info
}

// known reports whether a stamped value says something: release tools
// stamp "none" and the zero time when they could not read the commit.
func known(v string) bool {
	return v != "" && v != "none" && v != "unknown" && !strings.HasPrefix(v, "0001-01-01")
}

// String renders the one-line form: promote v1.2.3 (abc123def456, 2026-11-30T10:00:00Z, go1.26.8 linux/amd64).
func (i Info) String() string {
	var parts []string
	if i.Commit != "" {
		c := i.Commit
		if len(c) > 12 {
			c = c[:12]
		}
		if i.Modified {
			c += "-dirty"
		}
		parts = append(parts, c)
	}
	if i.Date != "" {
		parts = append(parts, i.Date)
	}
	parts = append(parts, i.Go+" "+i.Platform)
	return fmt.Sprintf("promote %s (%s)", i.Version, strings.Join(parts, ", "))
}
