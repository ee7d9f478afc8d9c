package textdiff

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	fdiff "github.com/go-git/go-git/v5/plumbing/format/diff"
	"github.com/go-git/go-git/v5/utils/diff"
	"github.com/sergi/go-diff/diffmatchpatch"
)

// Unified renders a git-style unified diff of one file, with three lines
// of context, from a (nil: the file is new) to b (nil: it was removed);
// srcPrefix and dstPrefix come before name in the headers ("a/", "b/").
func Unified(srcPrefix, dstPrefix, name string, a, b []byte) string {
	fp := &filePatch{binary: isBinary(a) || isBinary(b)}
	if a != nil {
		fp.from = &patchFile{name: name, hash: plumbing.ComputeHash(plumbing.BlobObject, a)}
	}
	if b != nil {
		fp.to = &patchFile{name: name, hash: plumbing.ComputeHash(plumbing.BlobObject, b)}
	}
	if !fp.binary {
		fp.chunks = chunks(string(a), string(b))
	}
	var sb strings.Builder
	enc := fdiff.NewUnifiedEncoder(&sb, fdiff.DefaultContextLines).SetSrcPrefix(srcPrefix).SetDstPrefix(dstPrefix)
	if err := enc.Encode(patch{fp}); err != nil {
		return fmt.Sprintf("(no diff: %v)\n", err)
	}
	return sb.String()
}

// Hunks is the unified diff of two texts without file headers: only
// the hunks, with context lines of context. Both texts are read as
// ending with a newline.
func Hunks(a, b string, context int) string {
	a, b = terminated(a), terminated(b)
	if a == b {
		return ""
	}
	fp := &filePatch{from: &patchFile{name: "a"}, to: &patchFile{name: "b"}, chunks: chunks(a, b)}
	var sb strings.Builder
	if err := fdiff.NewUnifiedEncoder(&sb, context).Encode(patch{fp}); err != nil {
		return ""
	}
	out := sb.String()
	i := strings.Index(out, "\n@@ ")
	if i < 0 {
		return ""
	}
	lines := strings.SplitAfter(out[i+1:], "\n")
	for n, l := range lines {
		// A hunk header without git's section heading: content lines
		// start with a space, + or -.
		if rest, ok := strings.CutPrefix(l, "@@ "); ok {
			if end := strings.Index(rest, " @@"); end >= 0 {
				lines[n] = "@@ " + rest[:end] + " @@\n"
			}
		}
	}
	return strings.Join(lines, "")
}

// terminated ends a non-empty text with a newline.
func terminated(s string) string {
	if s != "" && !strings.HasSuffix(s, "\n") {
		return s + "\n"
	}
	return s
}

// chunks diffs two texts line by line.
func chunks(a, b string) []fdiff.Chunk {
	var out []fdiff.Chunk
	for _, d := range diff.Do(a, b) {
		out = append(out, chunk{text: d.Text, op: chunkOp(d.Type)})
	}
	return out
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
