package kustomize

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"

	"sigs.k8s.io/kustomize/kyaml/filesys"

	"github.com/gitops-promote/promote/internal/fileerr"
	"github.com/gitops-promote/promote/internal/safeyaml"
)

// errReadOnly is returned by every write of a TreeFileSystem.
var errReadOnly = errors.New("read-only tree: promote renders without writing")

// TreeFileSystem is a read-only kustomize filesys.FileSystem over an
// io/fs.FS (a git tree or a directory). The tree's root is the absolute
// path "/"; relative paths are resolved against it, so krusty can build
// "environments/prod" straight from a commit. Symbolic links are not
// followed (an io/fs.FS has none to offer).
type TreeFileSystem struct {
	fsys fs.FS
	// rewrite, when set, may replace the content of a file as it is read
	// (Render uses it to drop remote bases from kustomizations).
	rewrite func(name string, data []byte) ([]byte, error)

	mu      sync.Mutex
	read    int   // bytes read so far, against MaxRenderBytes
	refused error // the first file refused by admit
}

// MaxRenderBytes is the most a TreeFileSystem reads for one render, in
// total: with the limits on each file (safeyaml.Default), it bounds the
// memory kustomize can use on a repository's input.
const MaxRenderBytes = 64 << 20

var _ filesys.FileSystem = (*TreeFileSystem)(nil)

// NewTreeFileSystem returns a read-only kustomize file system over fsys.
func NewTreeFileSystem(fsys fs.FS) *TreeFileSystem { return &TreeFileSystem{fsys: fsys} }

// rel maps a kustomize path (absolute under "/" or relative to it) to an
// io/fs name.
func rel(p string) string {
	p = filepath.ToSlash(p)
	p = strings.TrimPrefix(path.Clean("/"+p), "/")
	if p == "" {
		return "."
	}
	return p
}

// abs maps an io/fs name to the path kustomize sees.
func abs(name string) string {
	if name == "." {
		return "/"
	}
	return "/" + name
}

// Create is not supported: the tree is read-only.
func (t *TreeFileSystem) Create(p string) (filesys.File, error) {
	return nil, &fs.PathError{Op: "create", Path: rel(p), Err: errReadOnly}
}

// Mkdir is not supported: the tree is read-only.
func (t *TreeFileSystem) Mkdir(p string) error {
	return &fs.PathError{Op: "mkdir", Path: rel(p), Err: errReadOnly}
}

// MkdirAll is not supported: the tree is read-only.
func (t *TreeFileSystem) MkdirAll(p string) error {
	return &fs.PathError{Op: "mkdir", Path: rel(p), Err: errReadOnly}
}

// RemoveAll is not supported: the tree is read-only.
func (t *TreeFileSystem) RemoveAll(p string) error {
	return &fs.PathError{Op: "remove", Path: rel(p), Err: errReadOnly}
}

// WriteFile is not supported: the tree is read-only.
func (t *TreeFileSystem) WriteFile(p string, _ []byte) error {
	return &fs.PathError{Op: "write", Path: rel(p), Err: errReadOnly}
}

// Open opens the named file for reading.
func (t *TreeFileSystem) Open(p string) (filesys.File, error) {
	name := rel(p)
	info, err := t.stat(name)
	if err != nil {
		return nil, err
	}
	if info.IsDir() {
		return &treeFile{info: info}, nil
	}
	data, err := t.ReadFile(p)
	if err != nil {
		return nil, err
	}
	return &treeFile{info: info, data: data}, nil
}

// IsDir reports whether p is a directory.
func (t *TreeFileSystem) IsDir(p string) bool {
	info, err := t.stat(rel(p))
	return err == nil && info.IsDir()
}

// ReadDir lists the names in directory p, sorted.
func (t *TreeFileSystem) ReadDir(p string) ([]string, error) {
	entries, err := fs.ReadDir(t.fsys, rel(p))
	if err != nil {
		return nil, err
	}
	out := make([]string, len(entries))
	for i, e := range entries {
		out[i] = e.Name()
	}
	return out, nil
}

// CleanedAbs splits p into an existing directory and a file name (empty
// when p is a directory).
func (t *TreeFileSystem) CleanedAbs(p string) (filesys.ConfirmedDir, string, error) {
	name := rel(p)
	info, err := t.stat(name)
	if err != nil {
		return "", "", fmt.Errorf("%s: %w", name, fs.ErrNotExist)
	}
	if info.IsDir() {
		return filesys.ConfirmedDir(abs(name)), "", nil
	}
	return filesys.ConfirmedDir(abs(path.Dir(name))), path.Base(name), nil
}

// Exists reports whether p exists.
func (t *TreeFileSystem) Exists(p string) bool {
	_, err := t.stat(rel(p))
	return err == nil
}

// Glob returns the files matching pattern (absolute, as kustomize passes
// them), sorted, without hidden files unless the pattern names them.
func (t *TreeFileSystem) Glob(pattern string) ([]string, error) {
	names, err := fs.Glob(t.fsys, rel(pattern))
	if err != nil {
		return nil, err
	}
	var out []string
	for _, n := range names {
		if info, err := t.stat(n); err == nil && !info.IsDir() {
			out = append(out, abs(n))
		}
	}
	if !filesys.IsHiddenFilePath(pattern) {
		out = filesys.RemoveHiddenFiles(out)
	}
	return out, nil
}

// ReadFile returns the content of the file at p.
func (t *TreeFileSystem) ReadFile(p string) ([]byte, error) {
	name := rel(p)
	data, err := fs.ReadFile(t.fsys, name)
	if err != nil {
		return nil, err
	}
	if err := t.admit(name, data); err != nil {
		return nil, err
	}
	if t.rewrite != nil {
		return t.rewrite(name, data)
	}
	return data, nil
}

// admit counts data against the render's budget and refuses a file that
// is over safeyaml's limits (an alias bomb, say) before kustomize parses
// it.
func (t *TreeFileSystem) admit(name string, data []byte) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.read += len(data)
	var err error
	if t.read > MaxRenderBytes {
		err = &fileerr.Error{File: name, Msg: fmt.Sprintf("rendering reads more than %d bytes: refused", MaxRenderBytes)}
	} else {
		err = safeyaml.Check(name, data)
	}
	if err != nil && t.refused == nil {
		t.refused = err
	}
	return err
}

// stat is fs.Stat, remembering as refused an error other than a missing
// file (a symbolic link leaving the repository, say): kustomize would
// only see that the file does not exist.
func (t *TreeFileSystem) stat(name string) (fs.FileInfo, error) {
	info, err := fs.Stat(t.fsys, name)
	if err != nil && !isNotExist(err) && !errors.Is(err, fs.ErrInvalid) {
		t.mu.Lock()
		if t.refused == nil {
			t.refused = err
		}
		t.mu.Unlock()
	}
	return info, err
}

// Refused returns the first file the render refused to read (over a
// limit), nil when none was.
func (t *TreeFileSystem) Refused() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.refused
}

// Walk walks the tree under p in lexical order.
func (t *TreeFileSystem) Walk(p string, walkFn filepath.WalkFunc) error {
	return fs.WalkDir(t.fsys, rel(p), func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return walkFn(abs(name), nil, err)
		}
		info, err := d.Info()
		return walkFn(abs(name), info, err)
	})
}

// treeFile is an open file of a TreeFileSystem.
type treeFile struct {
	info os.FileInfo
	data []byte
	off  int
}

func (f *treeFile) Read(b []byte) (int, error) {
	if f.info.IsDir() {
		return 0, &fs.PathError{Op: "read", Path: f.info.Name(), Err: errors.New("is a directory")}
	}
	if f.off >= len(f.data) {
		return 0, io.EOF
	}
	n := copy(b, f.data[f.off:])
	f.off += n
	return n, nil
}

func (f *treeFile) Write([]byte) (int, error) {
	return 0, &fs.PathError{Op: "write", Path: f.info.Name(), Err: errReadOnly}
}

func (f *treeFile) Close() error { return nil }

func (f *treeFile) Stat() (os.FileInfo, error) { return f.info, nil }
