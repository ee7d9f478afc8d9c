package promote

import (
	"bytes"
	"fmt"
	"path"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	fdiff "github.com/go-git/go-git/v5/plumbing/format/diff"
	"github.com/go-git/go-git/v5/utils/diff"
	"github.com/sergi/go-diff/diffmatchpatch"
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
	fp := &filePatch{binary: isBinary(f.A) || isBinary(f.B)}
	if f.A != nil {
		fp.from = &patchFile{name: f.Name, hash: plumbing.ComputeHash(plumbing.BlobObject, f.A)}
	}
	if f.B != nil {
		fp.to = &patchFile{name: f.Name, hash: plumbing.ComputeHash(plumbing.BlobObject, f.B)}
	}
	if !fp.binary {
		for _, d := range diff.Do(string(f.A), string(f.B)) {
			fp.chunks = append(fp.chunks, chunk{text: d.Text, op: chunkOp(d.Type)})
		}
	}
	var b strings.Builder
	enc := fdiff.NewUnifiedEncoder(&b, fdiff.DefaultContextLines).SetSrcPrefix("a/" + src + "/").SetDstPrefix("b/" + dst + "/")
	if err := enc.Encode(patch{fp}); err != nil {
		return fmt.Sprintf("(no diff: %v)\n", err)
	}
	return b.String()
}

// isBinary reports what git reports: a NUL byte in the first 8000 bytes.
func isBinary(data []byte) bool {
	return bytes.IndexByte(data[:min(len(data), 8000)], 0) >= 0
}

func chunkOp(t diffmatchpatch.Operation) fdiff.Operation {
	switch t {
	case diffmatchpatch.DiffInsert:
		return fdiff.Add
	case diffmatchpatch.DiffDelete:
		return fdiff.Delete
	}
	return fdiff.Equal
}

// patch, filePatch, patchFile and chunk implement go-git's diff.Patch for
// one file, so that its unified encoder renders it.
type patch struct{ fp *filePatch }

// FilePatches implements fdiff.Patch.
func (p patch) FilePatches() []fdiff.FilePatch { return []fdiff.FilePatch{p.fp} }

// Message implements fdiff.Patch: there is none.
func (p patch) Message() string { return "" }

type filePatch struct {
	from, to *patchFile
	binary   bool
	chunks   []fdiff.Chunk
}

// IsBinary implements fdiff.FilePatch.
func (f *filePatch) IsBinary() bool { return f.binary }

// Files implements fdiff.FilePatch: nil interfaces for an absent side.
func (f *filePatch) Files() (fdiff.File, fdiff.File) {
	var from, to fdiff.File
	if f.from != nil {
		from = f.from
	}
	if f.to != nil {
		to = f.to
	}
	return from, to
}

// Chunks implements fdiff.FilePatch.
func (f *filePatch) Chunks() []fdiff.Chunk { return f.chunks }

type patchFile struct {
	name string
	hash plumbing.Hash
}

// Hash implements fdiff.File: the blob hash of the content.
func (f *patchFile) Hash() plumbing.Hash { return f.hash }

// Mode implements fdiff.File: trees read as fs.FS carry no Git mode.
func (f *patchFile) Mode() filemode.FileMode { return filemode.Regular }

// Path implements fdiff.File: the path relative to the environment
// directory (the encoder's prefixes name the directories).
func (f *patchFile) Path() string { return f.name }

type chunk struct {
	text string
	op   fdiff.Operation
}

// Content implements fdiff.Chunk.
func (c chunk) Content() string { return c.text }

// Type implements fdiff.Chunk.
func (c chunk) Type() fdiff.Operation { return c.op }
