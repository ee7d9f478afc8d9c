package gitrepo

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
)

// errIsDir is the error for reading a directory as a file.
var errIsDir = errors.New("is a directory")

// TreeFS returns a read-only fs.FS over the tree of commit. It implements
// fs.ReadDirFS, fs.ReadFileFS and fs.StatFS. Paths are slash-separated and
// relative to the repository root ("." is the root). Directories are decoded
// only when visited, and cached. Files have a zero ModTime and mode 0o644 or
// 0o755; directories fs.ModeDir|0o755; symbolic links fs.ModeSymlink|0o777,
// are not followed, and read as their target. Submodules appear as empty
// directories. FileInfo.Sys and DirEntry Info().Sys() return the object's
// plumbing.Hash.
func (r *Repo) TreeFS(commit plumbing.Hash) (fs.FS, error) {
	root, err := r.TreeOf(commit)
	if err != nil {
		return nil, err
	}
	return &treeFS{r: r, root: root}, nil
}

// treeFS is the fs.FS returned by TreeFS.
type treeFS struct {
	r    *Repo
	root plumbing.Hash
}

var (
	_ fs.ReadDirFS  = (*treeFS)(nil)
	_ fs.ReadFileFS = (*treeFS)(nil)
	_ fs.StatFS     = (*treeFS)(nil)
)

// lookup finds the entry at name for operation op.
func (t *treeFS) lookup(op, name string) (treeEntry, error) {
	if !fs.ValidPath(name) {
		return treeEntry{}, &fs.PathError{Op: op, Path: name, Err: fs.ErrInvalid}
	}
	defer t.r.lockReads()()
	e, ok, err := t.r.lookupPath(t.root, name)
	if err != nil {
		return treeEntry{}, &fs.PathError{Op: op, Path: name, Err: err}
	}
	if !ok {
		return treeEntry{}, &fs.PathError{Op: op, Path: name, Err: fs.ErrNotExist}
	}
	e.name = baseName(name)
	return e, nil
}

// baseName returns the last element of a valid fs path.
func baseName(name string) string {
	return name[strings.LastIndexByte(name, '/')+1:]
}

// info returns the FileInfo of e, reading the blob size for files.
func (t *treeFS) info(e treeEntry) (*fileInfo, error) {
	fi := &fileInfo{e: e}
	if !e.isFile() {
		return fi, nil
	}
	defer t.r.lockReads()()
	size, err := t.r.objectSize(e.hash)
	if err != nil {
		return nil, err
	}
	fi.size = size
	return fi, nil
}

// Open opens the named file or directory.
func (t *treeFS) Open(name string) (fs.File, error) {
	e, err := t.lookup("open", name)
	if err != nil {
		return nil, err
	}
	if err := t.checkLink("open", name, e); err != nil {
		return nil, err
	}
	fi, err := t.info(e)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	if e.isFile() {
		return &blobFile{t: t, path: name, info: fi}, nil
	}
	return &dirFile{t: t, path: name, info: fi}, nil
}

// Stat returns the FileInfo of the named file or directory; a symbolic
// link that leaves the tree is refused, as Open refuses it, so that it is
// never taken for a missing file.
func (t *treeFS) Stat(name string) (fs.FileInfo, error) {
	e, err := t.lookup("stat", name)
	if err != nil {
		return nil, err
	}
	if err := t.checkLink("stat", name, e); err != nil {
		return nil, err
	}
	return t.describe("stat", name, e)
}

// Lstat implements fs.ReadLinkFS: a symbolic link is described, not
// checked (promote never follows one).
func (t *treeFS) Lstat(name string) (fs.FileInfo, error) {
	e, err := t.lookup("lstat", name)
	if err != nil {
		return nil, err
	}
	return t.describe("lstat", name, e)
}

// ReadLink implements fs.ReadLinkFS: the target of a symbolic link.
func (t *treeFS) ReadLink(name string) (string, error) {
	e, err := t.lookup("readlink", name)
	if err != nil {
		return "", err
	}
	if e.mode != filemode.Symlink {
		return "", &fs.PathError{Op: "readlink", Path: name, Err: errors.New("not a symbolic link")}
	}
	target, err := t.readBlob(e.hash)
	if err != nil {
		return "", &fs.PathError{Op: "readlink", Path: name, Err: err}
	}
	return string(target), nil
}

// describe returns the FileInfo of e, found at name.
func (t *treeFS) describe(op, name string, e treeEntry) (fs.FileInfo, error) {
	fi, err := t.info(e)
	if err != nil {
		return nil, &fs.PathError{Op: op, Path: name, Err: err}
	}
	return fi, nil
}

// ReadFile returns the content of the named file.
func (t *treeFS) ReadFile(name string) ([]byte, error) {
	e, err := t.lookup("read", name)
	if err != nil {
		return nil, err
	}
	if !e.isFile() {
		return nil, &fs.PathError{Op: "read", Path: name, Err: errIsDir}
	}
	if err := t.checkLink("read", name, e); err != nil {
		return nil, err
	}
	data, err := t.readBlob(e.hash)
	if err != nil {
		return nil, &fs.PathError{Op: "read", Path: name, Err: err}
	}
	return data, nil
}

// LinkError refuses reading a symbolic link of a tree whose target is
// absolute or climbs out of the tree.
type LinkError struct {
	// Link is the link's path in the tree, Target where it points.
	Link, Target string
}

func (e *LinkError) Error() string {
	return fmt.Sprintf("symbolic link %s -> %s leaves the repository: refused (promote reads only files inside it)", e.Link, e.Target)
}

// checkLink refuses e when it is a symbolic link leaving the tree.
func (t *treeFS) checkLink(op, name string, e treeEntry) error {
	if e.mode != filemode.Symlink {
		return nil
	}
	target, err := t.readBlob(e.hash)
	if err != nil {
		return &fs.PathError{Op: op, Path: name, Err: err}
	}
	dest := path.Join(path.Dir(name), string(target))
	if path.IsAbs(string(target)) || !fs.ValidPath(dest) || dest == ".git" || strings.HasPrefix(dest, ".git/") {
		return &fs.PathError{Op: op, Path: name, Err: &LinkError{Link: name, Target: string(target)}}
	}
	return nil
}

// ReadDir returns the entries of the named directory sorted by name.
func (t *treeFS) ReadDir(name string) ([]fs.DirEntry, error) {
	e, err := t.lookup("readdir", name)
	if err != nil {
		return nil, err
	}
	if e.isFile() {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: errors.New("not a directory")}
	}
	entries, err := t.dirEntries(e)
	if err != nil {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: err}
	}
	return entries, nil
}

// readBlob returns the content of a blob.
func (t *treeFS) readBlob(hash plumbing.Hash) ([]byte, error) {
	defer t.r.lockReads()()
	data, err := t.r.readObject(plumbing.BlobObject, hash)
	return slices.Clone(data), err
}

// dirEntries lists the directory entry e sorted by name.
func (t *treeFS) dirEntries(e treeEntry) ([]fs.DirEntry, error) {
	if e.mode == filemode.Submodule {
		return []fs.DirEntry{}, nil
	}
	unlock := t.r.lockReads()
	entries, err := t.r.tree(e.hash)
	unlock()
	if err != nil {
		return nil, err
	}
	out := make([]fs.DirEntry, len(entries))
	for i, c := range entries {
		out[i] = &dirEntry{t: t, e: c}
	}
	slices.SortFunc(out, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	return out, nil
}

// fileInfo implements fs.FileInfo for a tree entry.
type fileInfo struct {
	e    treeEntry
	size int64
}

// Name returns the base name.
func (fi *fileInfo) Name() string { return fi.e.name }

// Size returns the blob size, 0 for directories.
func (fi *fileInfo) Size() int64 { return fi.size }

// Mode maps the Git file mode to fs.FileMode.
func (fi *fileInfo) Mode() fs.FileMode { return fsMode(fi.e.mode) }

// ModTime is always the zero time: trees do not record times.
func (fi *fileInfo) ModTime() time.Time { return time.Time{} }

// IsDir reports whether the entry is a directory (or submodule).
func (fi *fileInfo) IsDir() bool { return !fi.e.isFile() }

// Sys returns the object's plumbing.Hash.
func (fi *fileInfo) Sys() any { return fi.e.hash }

// fsMode maps a Git file mode to an fs.FileMode.
func fsMode(m filemode.FileMode) fs.FileMode {
	switch m {
	case filemode.Dir, filemode.Submodule:
		return fs.ModeDir | 0o755
	case filemode.Executable:
		return 0o755
	case filemode.Symlink:
		return fs.ModeSymlink | 0o777
	}
	return 0o644
}

// dirEntry implements fs.DirEntry; Info reads the blob size lazily.
type dirEntry struct {
	t *treeFS
	e treeEntry
}

// Name returns the base name.
func (d *dirEntry) Name() string { return d.e.name }

// IsDir reports whether the entry is a directory.
func (d *dirEntry) IsDir() bool { return !d.e.isFile() }

// Type returns the type bits of the mode.
func (d *dirEntry) Type() fs.FileMode { return fsMode(d.e.mode).Type() }

// Info returns the entry's FileInfo.
func (d *dirEntry) Info() (fs.FileInfo, error) { return d.t.info(d.e) }

// String formats the entry like fs.FormatDirEntry.
func (d *dirEntry) String() string { return fs.FormatDirEntry(d) }

// blobFile is an open file; its content is read on first use.
type blobFile struct {
	t      *treeFS
	path   string
	info   *fileInfo
	rd     *bytes.Reader
	closed bool
}

// Stat returns the file's FileInfo.
func (f *blobFile) Stat() (fs.FileInfo, error) {
	if f.closed {
		return nil, &fs.PathError{Op: "stat", Path: f.path, Err: fs.ErrClosed}
	}
	return f.info, nil
}

// reader loads the content on first use.
func (f *blobFile) reader(op string) (*bytes.Reader, error) {
	if f.closed {
		return nil, &fs.PathError{Op: op, Path: f.path, Err: fs.ErrClosed}
	}
	if f.rd == nil {
		data, err := f.t.readBlob(f.info.e.hash)
		if err != nil {
			return nil, &fs.PathError{Op: op, Path: f.path, Err: err}
		}
		f.rd = bytes.NewReader(data)
	}
	return f.rd, nil
}

// Read reads from the file content.
func (f *blobFile) Read(p []byte) (int, error) {
	rd, err := f.reader("read")
	if err != nil {
		return 0, err
	}
	return rd.Read(p)
}

// ReadAt reads from the file content at off.
func (f *blobFile) ReadAt(p []byte, off int64) (int, error) {
	rd, err := f.reader("read")
	if err != nil {
		return 0, err
	}
	return rd.ReadAt(p, off)
}

// Seek sets the offset of the next Read.
func (f *blobFile) Seek(off int64, whence int) (int64, error) {
	rd, err := f.reader("seek")
	if err != nil {
		return 0, err
	}
	return rd.Seek(off, whence)
}

// Close closes the file.
func (f *blobFile) Close() error {
	if f.closed {
		return &fs.PathError{Op: "close", Path: f.path, Err: fs.ErrClosed}
	}
	f.closed = true
	f.rd = nil
	return nil
}

// dirFile is an open directory.
type dirFile struct {
	t       *treeFS
	path    string
	info    *fileInfo
	entries []fs.DirEntry
	loaded  bool
	closed  bool
}

// Stat returns the directory's FileInfo.
func (d *dirFile) Stat() (fs.FileInfo, error) {
	if d.closed {
		return nil, &fs.PathError{Op: "stat", Path: d.path, Err: fs.ErrClosed}
	}
	return d.info, nil
}

// Read fails: directories have no content.
func (d *dirFile) Read([]byte) (int, error) {
	return 0, &fs.PathError{Op: "read", Path: d.path, Err: errIsDir}
}

// Close closes the directory.
func (d *dirFile) Close() error {
	if d.closed {
		return &fs.PathError{Op: "close", Path: d.path, Err: fs.ErrClosed}
	}
	d.closed = true
	return nil
}

// ReadDir returns the next n entries (all remaining when n <= 0), sorted
// by name.
func (d *dirFile) ReadDir(n int) ([]fs.DirEntry, error) {
	if d.closed {
		return nil, &fs.PathError{Op: "readdir", Path: d.path, Err: fs.ErrClosed}
	}
	if !d.loaded {
		entries, err := d.t.dirEntries(d.info.e)
		if err != nil {
			return nil, &fs.PathError{Op: "readdir", Path: d.path, Err: err}
		}
		d.entries, d.loaded = entries, true
	}
	if n <= 0 {
		out := d.entries
		d.entries = nil
		return out, nil
	}
	if len(d.entries) == 0 {
		return nil, io.EOF
	}
	n = min(n, len(d.entries))
	out := d.entries[:n:n]
	d.entries = d.entries[n:]
	return out, nil
}

// String describes the file system for debugging.
func (t *treeFS) String() string { return fmt.Sprintf("gitrepo.TreeFS(%s)", t.root) }

// ObjectHash returns the hash of the object at name (a blob, or a tree
// when dir) without reading it: what a tree names a file by, so that a
// caller can tell whether it changed without reading or sizing it.
func (t *treeFS) ObjectHash(name string) (hash string, dir bool, err error) {
	e, err := t.lookup("stat", name)
	if err != nil {
		return "", false, err
	}
	return e.hash.String(), !e.isFile(), nil
}
