package kustomize

import (
	"crypto/sha1" //nolint:gosec // git's object hash, to compare with tree entries
	"encoding/hex"
	"errors"
	"io/fs"
	"path"
	"strconv"
	"sync"

	"github.com/go-git/go-git/v5/plumbing"
)

// observation is one thing a build learnt from its tree: whether a path
// exists and is a directory (stat), the content of a file (read, as its
// git blob hash) or the names in a directory (readdir). A build's output
// depends on nothing else, so a tree on which every observation holds
// again builds the same.
type observation struct {
	Op   byte   `json:"o"`
	Path string `json:"p"`
	Sum  string `json:"s"`
}

// Observation kinds and the sums of a missing path and a directory.
const (
	opStat    byte = 's'
	opRead    byte = 'r'
	opReadDir byte = 'd'

	sumMissing = "-"
	sumDir     = "d"
	sumFile    = "f"
)

// recordFS is an fs.FS that records every observation made through it.
// An error other than a missing path (a Git object that cannot be read,
// a symbolic link leaving the tree) taints it: such a build may not be
// reused.
type recordFS struct {
	fsys fs.FS

	mu      sync.Mutex
	obs     []observation
	seen    map[[2]string]bool
	tainted bool
}

var (
	_ fs.ReadDirFS  = (*recordFS)(nil)
	_ fs.ReadFileFS = (*recordFS)(nil)
	_ fs.StatFS     = (*recordFS)(nil)
)

func newRecordFS(fsys fs.FS) *recordFS {
	return &recordFS{fsys: fsys, seen: map[[2]string]bool{}}
}

func (r *recordFS) add(op byte, name, sum string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	k := [2]string{string(op), name}
	if !r.seen[k] {
		r.seen[k] = true
		r.obs = append(r.obs, observation{Op: op, Path: name, Sum: sum})
	}
}

func (r *recordFS) taint() {
	r.mu.Lock()
	r.tainted = true
	r.mu.Unlock()
}

// observations returns what was recorded, without what the rest implies
// (see implied), and false when the build read something it could not
// observe reliably.
func (r *recordFS) observations() ([]observation, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return implied(r.obs), !r.tainted
}

// implied drops the stats that the other observations imply: a file that
// was read exists and is a file, and a directory that was listed, or
// that holds a path found, exists and is a directory. Fewer observations
// are kept, and checked, for the same build.
func implied(obs []observation) []observation {
	files, dirs := map[string]bool{}, map[string]bool{}
	for _, o := range obs {
		if o.Sum == sumMissing || o.Op == opStat && o.Sum != sumFile && o.Sum != sumDir {
			continue
		}
		switch o.Op {
		case opRead:
			files[o.Path] = true
		case opReadDir:
			dirs[o.Path] = true
		}
		for d := path.Dir(o.Path); d != "." && !dirs[d]; d = path.Dir(d) {
			dirs[d] = true
		}
		if o.Path != "." {
			dirs["."] = true
		}
	}
	out := make([]observation, 0, len(obs))
	for _, o := range obs {
		if o.Op == opStat && (o.Sum == sumFile && files[o.Path] || o.Sum == sumDir && dirs[o.Path]) {
			continue
		}
		out = append(out, o)
	}
	return out
}

// missing reports whether err says that a path does not exist (or is
// not a valid path), which is as much part of a tree as its files.
func missing(err error) bool { return isNotExist(err) || errors.Is(err, fs.ErrInvalid) }

// Open is only used for what the other methods do not cover; a file
// opened this way is not observed, so the build is not reused.
func (r *recordFS) Open(name string) (fs.File, error) {
	f, err := r.fsys.Open(name)
	if err == nil {
		if info, serr := f.Stat(); serr != nil || !info.IsDir() {
			r.taint()
		}
	} else if !missing(err) {
		r.taint()
	}
	return f, err
}

// Stat implements fs.StatFS.
func (r *recordFS) Stat(name string) (fs.FileInfo, error) {
	info, err := fs.Stat(r.fsys, name)
	r.add(opStat, name, statSum(info, err, r.taint))
	return info, err
}

// ReadFile implements fs.ReadFileFS.
func (r *recordFS) ReadFile(name string) ([]byte, error) {
	data, err := fs.ReadFile(r.fsys, name)
	switch {
	case err == nil:
		r.add(opRead, name, blobSum(data))
	case missing(err):
		r.add(opRead, name, sumMissing)
	default:
		r.taint()
	}
	return data, err
}

// ReadDir implements fs.ReadDirFS.
func (r *recordFS) ReadDir(name string) ([]fs.DirEntry, error) {
	entries, err := fs.ReadDir(r.fsys, name)
	switch {
	case err == nil:
		r.add(opReadDir, name, dirSum(entries))
	case missing(err):
		r.add(opReadDir, name, sumMissing)
	default:
		r.taint()
	}
	return entries, err
}

// statSum is the sum of a stat: missing, a directory or a file. Other
// errors call taint and return "".
func statSum(info fs.FileInfo, err error, taint func()) string {
	switch {
	case err == nil && info.IsDir():
		return sumDir
	case err == nil:
		return sumFile
	case missing(err):
		return sumMissing
	}
	taint()
	return ""
}

// blobSum is the git blob hash of data, as a Git tree names the file.
func blobSum(data []byte) string {
	h := sha1.New() //nolint:gosec // git's object hash
	h.Write([]byte("blob " + strconv.Itoa(len(data)) + "\x00"))
	h.Write(data)
	return hex.EncodeToString(h.Sum(nil))
}

// dirSum hashes the names in a directory and whether each is one.
func dirSum(entries []fs.DirEntry) string {
	h := sha1.New() //nolint:gosec // not a security boundary: a listing's fingerprint
	for _, e := range entries {
		h.Write([]byte(e.Name()))
		if e.IsDir() {
			h.Write([]byte("/"))
		}
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// objectHasher is a tree that knows the git object hash of each entry
// without reading it (gitrepo's TreeFS, and an Overlay over one): it
// returns the hash ("" when it has none, for a directory), whether the
// entry is a directory, and an error for a missing one.
type objectHasher interface {
	ObjectHash(name string) (hash string, dir bool, err error)
}

// errNoHash says that a tree cannot tell an entry's hash.
var errNoHash = errors.New("no object hash")

// holds reports whether o still holds on fsys. A file in a Git tree is
// compared by the blob hash its tree entry names, without reading it.
func (o observation) holds(fsys fs.FS) bool {
	if h, ok := fsys.(objectHasher); ok && o.Op != opReadDir {
		if held, ok := o.holdsByHash(h); ok {
			return held
		}
	}
	switch o.Op {
	case opStat:
		info, err := fs.Stat(fsys, o.Path)
		ok := true
		sum := statSum(info, err, func() { ok = false })
		return ok && sum == o.Sum
	case opRead:
		if info, err := fs.Stat(fsys, o.Path); err == nil && !info.IsDir() {
			if h, ok := info.Sys().(plumbing.Hash); ok {
				return h.String() == o.Sum
			}
		}
		data, err := fs.ReadFile(fsys, o.Path)
		switch {
		case err == nil:
			return blobSum(data) == o.Sum
		case missing(err):
			return o.Sum == sumMissing
		}
		return false
	case opReadDir:
		entries, err := fs.ReadDir(fsys, o.Path)
		switch {
		case err == nil:
			return dirSum(entries) == o.Sum
		case missing(err):
			return o.Sum == sumMissing
		}
	}
	return false
}

// holdsByHash checks a stat or a read by the tree's object hashes; ok is
// false when the tree cannot tell (the caller then looks the usual way).
func (o observation) holdsByHash(h objectHasher) (held, ok bool) {
	hash, dir, err := h.ObjectHash(o.Path)
	switch {
	case errors.Is(err, errNoHash):
		return false, false
	case err != nil && missing(err):
		return o.Sum == sumMissing, true
	case err != nil:
		return false, true
	case o.Op == opStat && dir:
		return o.Sum == sumDir, true
	case o.Op == opStat:
		return o.Sum == sumFile, true
	case dir:
		return false, false
	}
	return hash == o.Sum, true
}
