package workspace

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"strings"

	"github.com/gitops-promote/promote/internal/gitrepo"
)

// jailFS is the working tree as an fs.FS that follows symbolic links only
// while they stay inside it (os.Root), naming the link that does not.
type jailFS struct {
	root *os.Root
	fsys fs.FS
}

// openJail opens dir as a jailFS.
func openJail(dir string) (*jailFS, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("open working tree: %w", err)
	}
	return &jailFS{root: root, fsys: root.FS()}, nil
}

var (
	_ fs.ReadFileFS = (*jailFS)(nil)
	_ fs.ReadDirFS  = (*jailFS)(nil)
	_ fs.StatFS     = (*jailFS)(nil)
	_ fs.ReadLinkFS = (*jailFS)(nil)
)

// Open implements fs.FS.
func (j *jailFS) Open(name string) (fs.File, error) {
	f, err := j.fsys.Open(name)
	return f, j.fix(name, err)
}

// ReadFile implements fs.ReadFileFS.
func (j *jailFS) ReadFile(name string) ([]byte, error) {
	b, err := fs.ReadFile(j.fsys, name)
	return b, j.fix(name, err)
}

// ReadDir implements fs.ReadDirFS.
func (j *jailFS) ReadDir(name string) ([]fs.DirEntry, error) {
	es, err := fs.ReadDir(j.fsys, name)
	return es, j.fix(name, err)
}

// Stat implements fs.StatFS.
func (j *jailFS) Stat(name string) (fs.FileInfo, error) {
	info, err := fs.Stat(j.fsys, name)
	return info, j.fix(name, err)
}

// Lstat implements fs.ReadLinkFS.
func (j *jailFS) Lstat(name string) (fs.FileInfo, error) {
	info, err := fs.Lstat(j.fsys, name)
	return info, j.fix(name, err)
}

// ReadLink implements fs.ReadLinkFS.
func (j *jailFS) ReadLink(name string) (string, error) {
	return fs.ReadLink(j.fsys, name)
}

// fix turns os.Root's "path escapes from parent" into a *LinkError
// (a *gitrepo.LinkError) naming the first link on name's path that leaves the tree.
func (j *jailFS) fix(name string, err error) error {
	if err == nil || !strings.Contains(err.Error(), "path escapes from parent") {
		return err
	}
	if link, target, ok := j.escapingLink(name); ok {
		return &fs.PathError{Op: "read", Path: name, Err: &gitrepo.LinkError{Link: link, Target: target}}
	}
	return err
}

// escapingLink finds the first symbolic link on the path to name whose
// target is absolute or climbs out of the tree; failing that (a chain of
// links), the first link on the path.
func (j *jailFS) escapingLink(name string) (link, target string, ok bool) {
	parts := strings.Split(name, "/")
	for i := range parts {
		p := strings.Join(parts[:i+1], "/")
		info, err := j.root.Lstat(p)
		if err != nil {
			break
		}
		if info.Mode()&fs.ModeSymlink == 0 {
			continue
		}
		t, err := j.root.Readlink(p)
		if err != nil {
			break
		}
		if !ok {
			link, target, ok = p, t, true
		}
		if path.IsAbs(t) || !fs.ValidPath(path.Join(path.Dir(p), t)) {
			return p, t, true
		}
	}
	return link, target, ok
}
