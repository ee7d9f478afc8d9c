package promote

import (
	"path"

	"github.com/gitops-promote/promote/internal/textdiff"
)

// Drift states of a file.
const (
	DriftModified   = "modified"
	DriftSourceOnly = "source-only"
	DriftTargetOnly = "target-only"
)

// Drift compares two environments: what a promotion would change (the
// plan), then every other file that differs between their directories
// and would still differ after the promotion (configuration drift that
// promotion does not fix).
type Drift struct {
	From  string      `json:"from"`
	To    string      `json:"to"`
	Plan  *Plan       `json:"plan"`
	Files []DriftFile `json:"files"`
}

// DriftFile is a file that differs between the source's and the target's
// directories once the plan is applied.
type DriftFile struct {
	App string `json:"app,omitempty"`
	// Name is the path relative to the environment directories.
	Name string `json:"name"`
	// State is modified, source-only or target-only.
	State string `json:"state"`
	// Source and Target are the file's paths, empty on the side that does
	// not have it.
	Source string `json:"source,omitempty"`
	Target string `json:"target,omitempty"`
	// Patch is a unified diff from the source's file to the target's
	// (the target as it would be after the promotion), when asked for.
	Patch string `json:"patch,omitempty"`
}

// NewDrift plans the promotion req describes and lists the files that
// would still differ after it. With patch set each file carries a unified
// diff. It only reads trees.
func NewDrift(cfg *Config, req Request, trees Trees, patch bool) (*Drift, error) {
	p, err := NewPlan(cfg, req, trees)
	if err != nil {
		return nil, err
	}
	if err := CheckRenders(p, trees); err != nil {
		return nil, err
	}
	if trees, err = trees.For(p.From, p.To); err != nil {
		return nil, err
	}
	after, err := applied(p, trees)
	if err != nil {
		return nil, err
	}
	d := &Drift{From: p.From, To: p.To, Plan: p, Files: []DriftFile{}}
	to, _ := cfg.Env(p.To)
	for i := 0; i+1 < len(p.Dirs); i += 2 {
		src, dst := p.Dirs[i], p.Dirs[i+1]
		app, _ := cfg.AppOfDir(to, dst)
		differ, err := differingFiles(trees.Source, src, after, dst)
		if err != nil {
			return nil, err
		}
		for _, f := range differ {
			d.Files = append(d.Files, driftFile(app, src, dst, f, patch))
		}
	}
	return d, nil
}

func driftFile(app, src, dst string, f fileDiff, withPatch bool) DriftFile {
	df := DriftFile{App: app, Name: f.Name, State: DriftModified, Source: path.Join(src, f.Name), Target: path.Join(dst, f.Name)}
	switch {
	case f.A == nil:
		df.State, df.Source = DriftTargetOnly, ""
	case f.B == nil:
		df.State, df.Target = DriftSourceOnly, ""
	}
	if withPatch {
		df.Patch = unifiedDiff(src, dst, f)
	}
	return df
}

// unifiedDiff renders a git-style unified diff, with three lines of
// context, from the file under src to the file under dst.
func unifiedDiff(src, dst string, f fileDiff) string {
	return textdiff.Unified("a/"+src+"/", "b/"+dst+"/", f.Name, f.A, f.B)
}
