package kustomize

import (
	"bytes"
	"io"
	"io/fs"
	"path"
	"slices"
	"strings"
	"time"
)

// Overlay returns base with files (slash paths relative to base's root)
// laid over it: a listed file replaces or adds that file, and directories
// holding an added file appear. base is not changed. It lets a tree be
// rendered as it will be after a promotion's edits, without writing them.
func Overlay(base fs.FS, files map[string][]byte) fs.FS {
	o := &overlay{base: base, files: map[string][]byte{}, dirs: map[string]map[string]struct{}{}}
	for name, data := range files {
		name = path.Clean(name)
		o.files[name] = data
		o.addParents(name)
	}
	return o
}

type overlay struct {
	base  fs.FS
	files map[string][]byte
	// dirs maps a directory to the names of overlaid entries in it.
	dirs map[string]map[string]struct{}
}

// addParents records name in its directory, and each directory in its
// parent, up to the root. It stops at the first directory already
// recorded: its ancestors are recorded too, so adding N files costs
// O(N × depth), not O(N²).
func (o *overlay) addParents(name string) {
	for child, dir := name, path.Dir(name); ; child, dir = dir, path.Dir(dir) {
		names := o.dirs[dir]
		if names == nil {
			names = map[string]struct{}{}
			o.dirs[dir] = names
		}
		base := path.Base(child)
		if _, seen := names[base]; seen && child != name {
			return
		}
		names[base] = struct{}{}
		if dir == "." {
			return
		}
	}
}

func (o *overlay) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	if data, ok := o.files[name]; ok {
		return &memFile{info: memInfo{name: path.Base(name), size: int64(len(data))}, r: bytes.NewReader(data)}, nil
	}
	if _, ok := o.dirs[name]; !ok {
		return o.base.Open(name)
	}
	info, err := o.Stat(name)
	if err != nil {
		return nil, err
	}
	entries, err := o.ReadDir(name)
	if err != nil {
		return nil, err
	}
	return &memDir{info: info, entries: entries}, nil
}

// ReadFile implements fs.ReadFileFS.
func (o *overlay) ReadFile(name string) ([]byte, error) {
	if data, ok := o.files[name]; ok {
		return bytes.Clone(data), nil
	}
	return fs.ReadFile(o.base, name)
}

// ObjectHash is the git object hash of name (see objectHasher): an
// overlaid file's is computed from its content, a directory holding one
// has none; the rest are base's, when base knows them.
func (o *overlay) ObjectHash(name string) (string, bool, error) {
	if data, ok := o.files[name]; ok {
		return blobSum(data), false, nil
	}
	if _, ok := o.dirs[name]; ok {
		return "", true, nil
	}
	if h, ok := o.base.(objectHasher); ok {
		return h.ObjectHash(name)
	}
	return "", false, errNoHash
}

// Stat implements fs.StatFS.
func (o *overlay) Stat(name string) (fs.FileInfo, error) {
	if data, ok := o.files[name]; ok {
		return memInfo{name: path.Base(name), size: int64(len(data))}, nil
	}
	if _, ok := o.dirs[name]; ok {
		if info, err := fs.Stat(o.base, name); err == nil && info.IsDir() {
			return info, nil
		}
		return memInfo{name: path.Base(name), dir: true}, nil
	}
	return fs.Stat(o.base, name)
}

// ReadDir implements fs.ReadDirFS: base's entries merged with the
// overlaid ones, sorted by name.
func (o *overlay) ReadDir(name string) ([]fs.DirEntry, error) {
	added, ok := o.dirs[name]
	base, err := fs.ReadDir(o.base, name)
	if !ok {
		return base, err
	}
	byName := map[string]fs.DirEntry{}
	for _, e := range base {
		byName[e.Name()] = e
	}
	for n := range added {
		info, err := o.Stat(path.Join(name, n))
		if err != nil {
			return nil, err
		}
		byName[n] = fs.FileInfoToDirEntry(info)
	}
	out := make([]fs.DirEntry, 0, len(byName))
	for _, e := range byName {
		out = append(out, e)
	}
	slices.SortFunc(out, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	return out, nil
}

type memInfo struct {
	name string
	size int64
	dir  bool
}

func (i memInfo) Name() string { return i.name }
func (i memInfo) Size() int64  { return i.size }
func (i memInfo) Mode() fs.FileMode {
	if i.dir {
		return fs.ModeDir | 0o755
	}
	return 0o644
}
func (i memInfo) ModTime() time.Time { return time.Time{} }
func (i memInfo) IsDir() bool        { return i.dir }
func (i memInfo) Sys() any           { return nil }

type memFile struct {
	info memInfo
	r    *bytes.Reader
}

func (f *memFile) Stat() (fs.FileInfo, error) { return f.info, nil }
func (f *memFile) Read(b []byte) (int, error) { return f.r.Read(b) }
func (f *memFile) Close() error               { return nil }

type memDir struct {
	info    fs.FileInfo
	entries []fs.DirEntry
	off     int
}

func (d *memDir) Stat() (fs.FileInfo, error) { return d.info, nil }
func (d *memDir) Read([]byte) (int, error) {
	return 0, &fs.PathError{Op: "read", Path: d.info.Name(), Err: fs.ErrInvalid}
}
func (d *memDir) Close() error { return nil }

// ReadDir implements fs.ReadDirFile.
func (d *memDir) ReadDir(n int) ([]fs.DirEntry, error) {
	rest := d.entries[d.off:]
	if n <= 0 {
		d.off = len(d.entries)
		return rest, nil
	}
	if len(rest) == 0 {
		return nil, io.EOF
	}
	if n > len(rest) {
		n = len(rest)
	}
	d.off += n
	return rest[:n], nil
}
