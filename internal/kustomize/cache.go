package kustomize

import (
	"io/fs"
	"sync"
)

// Cache keeps the kustomizations read from one tree, each parsed once,
// for readers that go over the same directories more than once: status
// reads every environment for its snapshot and again for each promotion
// edge. Safe for concurrent use; the zero Cache is ready. The
// kustomizations it returns are shared and must not be modified. To keep
// memory small, a kustomization's parsed documents (Docs) are kept only
// when it has patches, the one part readers look at again.
type Cache struct {
	mu    sync.Mutex
	files map[string]*cacheEntry
}

// cacheEntry is one file of a Cache, read by the first reader.
type cacheEntry struct {
	once sync.Once
	k    *Kustomization
	err  error
}

// read returns the kustomization file of fsys, parsed once; a nil cache
// reads it every time.
func (c *Cache) read(fsys fs.FS, file string) (*Kustomization, error) {
	if c == nil {
		return Read(fsys, file)
	}
	c.mu.Lock()
	if c.files == nil {
		c.files = map[string]*cacheEntry{}
	}
	e := c.files[file]
	if e == nil {
		e = &cacheEntry{}
		c.files[file] = e
	}
	c.mu.Unlock()
	e.once.Do(func() {
		e.k, e.err = Read(fsys, file)
		if e.k != nil && !e.k.needsDocs() {
			k := *e.k
			k.Docs = nil
			e.k = &k
		}
	})
	return e.k, e.err
}
