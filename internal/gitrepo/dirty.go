package gitrepo

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/format/gitignore"
	"github.com/go-git/go-git/v5/plumbing/storer"
	"github.com/go-git/go-git/v5/storage/filesystem"

	"github.com/gitops-promote/promote/internal/parallel"
)

// DirtyFiles lists, sorted, the working-tree files under any of prefixes
// (slash paths relative to the root; "" or "." is the whole tree) that
// differ from the HEAD commit's tree: modified content, file type or
// executable bit (unless core.fileMode is false), untracked files not
// ignored by .gitignore files or .git/info/exclude, and deleted files. It
// reads only the directories under the prefixes. A file whose size and
// modification time match its index entry, and whose index entry matches
// HEAD, is taken as unchanged, as git does; other files are hashed as Git
// blobs. Content filters (core.autocrlf, clean filters) are not applied. Nested repositories and submodules are
// skipped. It returns nil for a bare repository.
func (r *Repo) DirtyFiles(prefixes []string) ([]string, error) {
	if r.root == "" {
		return nil, nil
	}
	head, err := r.headTree()
	if err != nil {
		return nil, err
	}
	d := &dirtyCheck{r: r, head: head, fileMode: r.trustFileMode(), ign: r.newIgnorer()}
	// Prefixes are scanned on every core (a 10,000-app promotion checks
	// 10,000 directories); the result is sorted, so it does not depend on
	// the order they finish in.
	outs := make([][]string, len(prefixes))
	err = parallel.ForEach(len(prefixes), func(i int) error {
		s := &dirtyScan{dirtyCheck: d, seen: map[string]bool{}}
		err := s.scanPrefix(prefixes[i])
		outs[i] = s.out
		return err
	})
	if err != nil {
		return nil, err
	}
	out := slices.Concat(outs...)
	slices.Sort(out)
	return slices.Compact(out), nil
}

// headTree returns the tree of HEAD, or the zero hash on an unborn branch.
func (r *Repo) headTree() (plumbing.Hash, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	ref, err := storer.ResolveReference(r.repo.Storer, plumbing.HEAD)
	if errors.Is(err, plumbing.ErrReferenceNotFound) {
		return plumbing.ZeroHash, nil
	}
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("resolve HEAD: %w", err)
	}
	c, err := r.commitObject(ref.Hash())
	if err != nil {
		return plumbing.ZeroHash, err
	}
	return c.TreeHash, nil
}

// trustFileMode reports whether the executable bit is significant
// (core.fileMode, true by default).
func (r *Repo) trustFileMode() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	cfg, err := r.repo.Config()
	if err != nil {
		return true
	}
	return !strings.EqualFold(cfg.Raw.Section("core").Option("filemode"), "false")
}

// indexAfter is the number of files DirtyFiles hashes before it loads the
// index to skip hashing the rest: decoding the index of a 10,000-app
// repository costs more than hashing the few files of one app.
var indexAfter = 200

// dirtyCheck is what the scans of DirtyFiles' prefixes share; safe for
// concurrent use.
type dirtyCheck struct {
	r        *Repo
	head     plumbing.Hash
	fileMode bool
	ign      *ignorer
	checked  atomic.Int64 // files compared so far; the index is loaded after indexAfter
	idxOnce  sync.Once
	idx      atomic.Pointer[statCache] // nil until loaded
}

// statCache returns the index's stat data once indexAfter files have been
// compared, an empty cache before.
func (d *dirtyCheck) statCache() statCache {
	if d.checked.Add(1) >= int64(indexAfter) {
		d.idxOnce.Do(func() {
			c := d.r.statCache()
			d.idx.Store(&c)
		})
	}
	if c := d.idx.Load(); c != nil {
		return *c
	}
	return statCache{}
}

// dirtyScan accumulates the result of one prefix of DirtyFiles.
type dirtyScan struct {
	*dirtyCheck
	seen map[string]bool
	out  []string
}

// scanPrefix compares one prefix of the working tree with HEAD.
func (s *dirtyScan) scanPrefix(prefix string) error {
	p := strings.TrimRight(prefix, "/")
	if p == "." {
		p = ""
	}
	if p != "" || strings.HasPrefix(prefix, "/") {
		if err := ValidatePath(p); err != nil {
			return fmt.Errorf("dirty files: %w", err)
		}
	}
	te, err := s.treeEntryAt(p)
	if err != nil {
		return err
	}
	fi, err := s.lstat(p)
	if err != nil {
		return err
	}
	return s.compare(p, te, fi, s.ign.ancestorIgnored(p))
}

// treeEntryAt returns HEAD's entry at p, or nil.
func (s *dirtyScan) treeEntryAt(p string) (*treeEntry, error) {
	if s.head.IsZero() {
		return nil, nil
	}
	defer s.r.lockReads()()
	e, ok, err := s.r.lookupPath(s.head, p)
	if err != nil || !ok {
		return nil, err
	}
	return &e, nil
}

// lstat returns the working tree FileInfo at p, or nil when absent.
func (s *dirtyScan) lstat(p string) (fs.FileInfo, error) {
	fi, err := os.Lstat(filepath.Join(s.r.root, filepath.FromSlash(p)))
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrInvalid) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("dirty files: %w", err)
	}
	return fi, nil
}

// add records a dirty path once.
func (s *dirtyScan) add(p string) {
	if !s.seen[p] {
		s.seen[p] = true
		s.out = append(s.out, p)
	}
}

// compare compares the HEAD entry te (nil if absent) with the working
// tree entry fi (nil if absent) at rel; ignored tells whether an ancestor
// directory is ignored.
func (s *dirtyScan) compare(rel string, te *treeEntry, fi fs.FileInfo, ignored bool) error {
	switch {
	case fi != nil && fi.IsDir():
		return s.compareDir(rel, te, ignored)
	case fi != nil && (fi.Mode().IsRegular() || fi.Mode()&fs.ModeSymlink != 0):
		return s.compareFile(rel, te, fi, ignored)
	case te != nil:
		return s.deleted(rel, *te)
	}
	return nil
}

// compareDir compares a working tree directory with te.
func (s *dirtyScan) compareDir(rel string, te *treeEntry, ignored bool) error {
	abs := filepath.Join(s.r.root, filepath.FromSlash(rel))
	if te != nil && te.mode == filemode.Submodule {
		return nil
	}
	wt, err := os.ReadDir(abs)
	if err != nil {
		return fmt.Errorf("dirty files: %w", err)
	}
	if rel != "" && hasEntry(wt, ".git") {
		return nil // nested repository or submodule
	}
	if te != nil && te.isFile() {
		s.add(rel) // file replaced by a directory
		te = nil
	}
	if te == nil && !ignored && rel != "" {
		ignored = s.ign.match(rel, true)
	}
	if te == nil && ignored {
		return nil
	}
	if !ignored && hasEntry(wt, ".gitignore") {
		s.ign.load(rel)
	}
	return s.compareChildren(rel, wt, te, ignored)
}

// hasEntry reports whether a sorted directory listing holds name.
func hasEntry(entries []fs.DirEntry, name string) bool {
	_, found := slices.BinarySearchFunc(entries, name, func(e fs.DirEntry, n string) int { return strings.Compare(e.Name(), n) })
	return found
}

// compareChildren compares the entries wt of a working tree directory
// with those of te (nil when untracked).
func (s *dirtyScan) compareChildren(rel string, wt []fs.DirEntry, te *treeEntry, ignored bool) error {
	var tentries []treeEntry
	if te != nil {
		unlock := s.r.lockReads()
		entries, err := s.r.tree(te.hash)
		unlock()
		if err != nil {
			return err
		}
		tentries = entries
	}
	visited := make([]bool, len(tentries))
	for _, de := range wt {
		if rel == "" && de.Name() == ".git" {
			continue
		}
		child := path.Join(rel, de.Name())
		var ce *treeEntry
		if i := findEntry(tentries, de.Name()); i >= 0 {
			ce, visited[i] = &tentries[i], true
		}
		fi, err := de.Info()
		if errors.Is(err, fs.ErrNotExist) {
			fi = nil
		} else if err != nil {
			return fmt.Errorf("dirty files: %w", err)
		}
		if err := s.compare(child, ce, fi, ignored); err != nil {
			return err
		}
	}
	for i, e := range tentries {
		if !visited[i] {
			if err := s.deleted(path.Join(rel, e.name), e); err != nil {
				return err
			}
		}
	}
	return nil
}

// compareFile compares a working tree file or symlink with te.
func (s *dirtyScan) compareFile(rel string, te *treeEntry, fi fs.FileInfo, ignored bool) error {
	if te == nil || !te.isFile() {
		if te != nil {
			if err := s.deleted(rel, *te); err != nil {
				return err
			}
		}
		if !ignored && !s.ign.match(rel, false) {
			s.add(rel)
		}
		return nil
	}
	differs, err := s.fileDiffers(rel, *te, fi)
	if err != nil {
		return err
	}
	if differs {
		s.add(rel)
	}
	return nil
}

// fileDiffers reports whether the working tree file differs from the
// blob entry te in type, executable bit or content.
func (s *dirtyScan) fileDiffers(rel string, te treeEntry, fi fs.FileInfo) (bool, error) {
	abs := filepath.Join(s.r.root, filepath.FromSlash(rel))
	isLink := fi.Mode()&fs.ModeSymlink != 0
	if isLink != (te.mode == filemode.Symlink) {
		return true, nil
	}
	if !isLink && s.fileMode && (fi.Mode()&0o100 != 0) != (te.mode == filemode.Executable) {
		return true, nil
	}
	if s.statCache().clean(rel, te.hash, fi) {
		return false, nil
	}
	h, err := hashWorktreeFile(abs, fi, isLink)
	if errors.Is(err, fs.ErrNotExist) {
		return true, nil
	}
	if err != nil {
		return false, fmt.Errorf("dirty files: %w", err)
	}
	return h != te.hash, nil
}

// hashWorktreeFile returns the Git blob hash of a file, or of a symbolic
// link's target.
func hashWorktreeFile(abs string, fi fs.FileInfo, isLink bool) (plumbing.Hash, error) {
	if isLink {
		target, err := os.Readlink(abs)
		if err != nil {
			return plumbing.ZeroHash, err
		}
		return plumbing.ComputeHash(plumbing.BlobObject, []byte(filepath.ToSlash(target))), nil
	}
	f, err := os.Open(abs)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	defer f.Close()
	h := plumbing.NewHasher(plumbing.BlobObject, fi.Size())
	buf := copyBuffers.Get().(*[]byte)
	defer copyBuffers.Put(buf)
	// Hide f's WriteTo, which would allocate a buffer for every file.
	if _, err := io.CopyBuffer(h, struct{ io.Reader }{f}, *buf); err != nil {
		return plumbing.ZeroHash, err
	}
	return h.Sum(), nil
}

// copyBuffers are the buffers hashWorktreeFile reads files with.
var copyBuffers = sync.Pool{New: func() any { b := make([]byte, 32<<10); return &b }}

// deleted records every file of HEAD's entry te at rel as deleted.
func (s *dirtyScan) deleted(rel string, te treeEntry) error {
	if !te.isDir() {
		s.add(rel)
		return nil
	}
	unlock := s.r.lockReads()
	entries, err := s.r.tree(te.hash)
	unlock()
	if err != nil {
		return err
	}
	for _, e := range entries {
		if err := s.deleted(path.Join(rel, e.name), e); err != nil {
			return err
		}
	}
	return nil
}

// ignorer matches paths against .git/info/exclude and the .gitignore files
// of the directories loaded so far (ancestors are always loaded first, so
// deeper patterns come later and take precedence).
// Safe for concurrent use.
type ignorer struct {
	root     string
	mu       sync.Mutex // guards patterns and loaded
	patterns []gitignore.Pattern
	loaded   map[string]bool
}

// newIgnorer returns an ignorer holding .git/info/exclude.
func (r *Repo) newIgnorer() *ignorer {
	ig := &ignorer{root: r.root, loaded: map[string]bool{}}
	if st, ok := r.repo.Storer.(*filesystem.Storage); ok {
		if f, err := st.Filesystem().Open("info/exclude"); err == nil {
			ig.patterns = parseIgnore(f, nil)
			f.Close()
		}
	}
	return ig
}

// load adds the patterns of dir's .gitignore, once.
func (ig *ignorer) load(dir string) {
	ig.mu.Lock()
	defer ig.mu.Unlock()
	if ig.loaded[dir] {
		return
	}
	ig.loaded[dir] = true
	f, err := os.Open(filepath.Join(ig.root, filepath.FromSlash(dir), ".gitignore"))
	if err != nil {
		return
	}
	defer f.Close()
	var domain []string
	if dir != "" {
		domain = strings.Split(dir, "/")
	}
	ig.patterns = append(ig.patterns, parseIgnore(f, domain)...)
}

// ancestorIgnored loads the .gitignore files of p's ancestors and reports
// whether one of those directories is ignored.
func (ig *ignorer) ancestorIgnored(p string) bool {
	ig.load("")
	if p == "" {
		return false
	}
	parts := strings.Split(p, "/")
	for i := 1; i < len(parts); i++ {
		dir := strings.Join(parts[:i], "/")
		if ig.match(dir, true) {
			return true
		}
		ig.load(dir)
	}
	return false
}

// match reports whether the slash path rel is ignored.
func (ig *ignorer) match(rel string, isDir bool) bool {
	ig.mu.Lock()
	patterns := ig.patterns
	ig.mu.Unlock()
	return gitignore.NewMatcher(patterns).Match(strings.Split(rel, "/"), isDir)
}

// parseIgnore reads gitignore patterns relative to domain.
func parseIgnore(rd io.Reader, domain []string) []gitignore.Pattern {
	var ps []gitignore.Pattern
	sc := bufio.NewScanner(rd)
	for sc.Scan() {
		line := strings.TrimSuffix(sc.Text(), "\r")
		if strings.HasPrefix(line, "#") || strings.TrimSpace(line) == "" {
			continue
		}
		ps = append(ps, gitignore.ParsePattern(line, domain))
	}
	return ps
}
