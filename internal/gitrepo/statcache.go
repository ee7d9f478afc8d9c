package gitrepo

import (
	"github.com/go-git/go-billy/v5"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/index"
)

// statCache is the index's record of each file's size, modification time
// and blob hash when it was last staged, used to skip hashing files that
// have not been touched since. Empty when the repository has no index.
type statCache struct {
	entries map[string]*index.Entry
	// written is the index file's modification time: entries modified at
	// or after it are "racily clean" and must be hashed.
	written time.Time
}

// statCache loads the index, or returns an empty cache when there is none
// or it cannot be read (the caller then hashes every file).
func (r *Repo) statCache() statCache {
	dir := r.gitDir()
	if dir == "" {
		return statCache{}
	}
	info, err := os.Stat(filepath.Join(dir, "index"))
	if err != nil {
		return statCache{}
	}
	r.mu.Lock()
	idx, err := r.repo.Storer.Index()
	r.mu.Unlock()
	if err != nil {
		return statCache{}
	}
	c := statCache{entries: make(map[string]*index.Entry, len(idx.Entries)), written: info.ModTime()}
	for _, e := range idx.Entries {
		// Stage 0 is a normal entry (go-git's index.Merged constant is 1,
		// which on disk marks a conflict's common ancestor).
		if e.Stage == 0 {
			c.entries[e.Name] = e
		}
	}
	return c
}

// clean reports whether the working tree file at rel is known, without
// reading it, to hold the blob head: the index entry matches head and the
// file's size and modification time match the entry.
func (c statCache) clean(rel string, head plumbing.Hash, fi fs.FileInfo) bool {
	e, ok := c.entries[rel]
	if !ok || e.Hash != head || int64(e.Size) != fi.Size() {
		return false
	}
	mod := fi.ModTime()
	return mod.Equal(e.ModifiedAt) && mod.Before(c.written)
}

// gitDir is the directory holding the repository's index, "" when the
// storage is not on disk.
func (r *Repo) gitDir() string {
	if st, ok := r.repo.Storer.(interface{ Filesystem() billy.Filesystem }); ok {
		return st.Filesystem().Root()
	}
	return ""
}
