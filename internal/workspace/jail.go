package workspace

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"

	"github.com/gitops-promote/promote/internal/gitrepo"
)

// jailFS is the working tree as an fs.FS that follows a symbolic link
// only when it resolves inside the tree, and refuses one that does not
// with a *gitrepo.LinkError naming it. Each directory on a path is
// checked once (the result is kept), each file when it is read.
type jailFS struct {
	dir  string // absolute, with symbolic links resolved
	fsys fs.FS

	mu   sync.Mutex
	dirs map[string]checked
}

// checked is the result of checking a directory: the error refusing it,
// and its description when it is a directory and not a link (nil
// otherwise), which Stat returns.
type checked struct {
	err  error
	info fs.FileInfo
}

// openJail returns dir as a jailFS.
func openJail(dir string) (*jailFS, error) {
	abs, err := filepath.Abs(dir)
	if err == nil {
		abs, err = filepath.EvalSymlinks(abs)
	}
	if err != nil {
		return nil, fmt.Errorf("open working tree: %w", err)
	}
	return &jailFS{dir: abs, fsys: os.DirFS(abs), dirs: map[string]checked{}}, nil
}

var (
	_ fs.ReadFileFS = (*jailFS)(nil)
	_ fs.ReadDirFS  = (*jailFS)(nil)
	_ fs.StatFS     = (*jailFS)(nil)
	_ fs.ReadLinkFS = (*jailFS)(nil)
)

// Open implements fs.FS.
func (j *jailFS) Open(name string) (fs.File, error) {
	if err := j.check("open", name); err != nil {
		return nil, err
	}
	return j.fsys.Open(name)
}

// ReadFile implements fs.ReadFileFS.
func (j *jailFS) ReadFile(name string) ([]byte, error) {
	if err := j.check("read", name); err != nil {
		return nil, err
	}
	return fs.ReadFile(j.fsys, name)
}

// ReadDir implements fs.ReadDirFS.
func (j *jailFS) ReadDir(name string) ([]fs.DirEntry, error) {
	if err := j.check("readdir", name); err != nil {
		return nil, err
	}
	return fs.ReadDir(j.fsys, name)
}

// Stat implements fs.StatFS. An entry that is not a link is described by
// the lstat that checks it, without a second system call.
func (j *jailFS) Stat(name string) (fs.FileInfo, error) {
	if err := j.checkPath("stat", name); err != nil {
		return nil, err
	}
	c, ok := j.checkedDir(name)
	if !ok {
		info, err := j.lstatEntry(name)
		c = checked{err: err}
		if info != nil && info.Mode()&fs.ModeSymlink == 0 {
			c.info = info
			if info.IsDir() {
				j.keep(name, c) // the directory of the names below it
			}
		}
	}
	if c.err != nil {
		return nil, wrap("stat", name, c.err)
	}
	if c.info != nil {
		return c.info, nil
	}
	return fs.Stat(j.fsys, name)
}

// Lstat implements fs.ReadLinkFS: the link itself is described, so only
// the directories leading to it are checked.
func (j *jailFS) Lstat(name string) (fs.FileInfo, error) {
	if err := j.checkPath("lstat", name); err != nil {
		return nil, err
	}
	return fs.Lstat(j.fsys, name)
}

// ReadLink implements fs.ReadLinkFS.
func (j *jailFS) ReadLink(name string) (string, error) {
	if err := j.checkPath("readlink", name); err != nil {
		return "", err
	}
	return fs.ReadLink(j.fsys, name)
}

// check refuses name when it, or a directory on its path, is a link
// that resolves outside the tree.
func (j *jailFS) check(op, name string) error {
	if err := j.checkPath(op, name); err != nil {
		return err
	}
	if c, ok := j.checkedDir(name); ok {
		return wrap(op, name, c.err)
	}
	return wrap(op, name, j.entry(name))
}

// checkedDir returns the result of checking name when it was checked as
// a directory.
func (j *jailFS) checkedDir(name string) (checked, bool) {
	j.mu.Lock()
	defer j.mu.Unlock()
	c, ok := j.dirs[name]
	return c, ok
}

// keep records the result of checking the directory dir.
func (j *jailFS) keep(dir string, c checked) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.dirs[dir] = c
}

// checkPath checks the directories leading to name.
func (j *jailFS) checkPath(op, name string) error {
	if !fs.ValidPath(name) {
		return &fs.PathError{Op: op, Path: name, Err: fs.ErrInvalid}
	}
	return wrap(op, name, j.directory(path.Dir(name)))
}

func wrap(op, name string, err error) error {
	if err == nil {
		return nil
	}
	return &fs.PathError{Op: op, Path: name, Err: err}
}

// directory checks dir and its parents, once each.
func (j *jailFS) directory(dir string) error {
	if dir == "." {
		return nil
	}
	if c, ok := j.checkedDir(dir); ok {
		return c.err
	}
	var c checked
	if c.err = j.directory(path.Dir(dir)); c.err == nil {
		info, err := j.lstatEntry(dir)
		c.err = err
		if info != nil && info.IsDir() {
			c.info = info
		}
	}
	j.keep(dir, c)
	return c.err
}

// entry refuses p when it is a link that resolves outside the tree. A
// missing or dangling entry is left to the operation to report.
func (j *jailFS) entry(p string) error {
	_, err := j.lstatEntry(p)
	return err
}

// lstatEntry is entry that also returns p's lstat description (nil when
// p is "." or cannot be described).
func (j *jailFS) lstatEntry(p string) (fs.FileInfo, error) {
	if p == "." {
		return nil, nil
	}
	full := filepath.Join(j.dir, filepath.FromSlash(p))
	info, err := os.Lstat(full)
	if err != nil {
		return nil, nil
	}
	if info.Mode()&fs.ModeSymlink == 0 {
		return info, nil
	}
	target, _ := os.Readlink(full)
	real, err := filepath.EvalSymlinks(full)
	if err != nil {
		return info, nil
	}
	if real != j.dir && !strings.HasPrefix(real, j.dir+string(filepath.Separator)) {
		return nil, &gitrepo.LinkError{Link: p, Target: target}
	}
	return info, nil
}
