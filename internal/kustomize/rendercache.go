package kustomize

import (
	"errors"
	"io/fs"
	"path"
	"sync"
	"sync/atomic"
)

// RenderCache keeps kustomize builds so that a directory is built once for a
// given content: a build records every path it looked at and every file
// it read (with its git blob hash), and a later Render of the same
// directory on any tree where all of those still hold returns the kept
// result instead of building. It holds builds in memory (up to a byte
// budget) and, when given a directory, on disk, so that a later process
// on unchanged inputs builds nothing (see DiskCache).
//
// A RenderCache is safe for concurrent use. The zero value is not usable: see
// NewRenderCache.
type RenderCache struct {
	disk *DiskCache

	mu      sync.Mutex
	entries map[string][]*renderEntry
	bytes   int
	budget  int

	builds, hits atomic.Int64
}

// renderEntry is one build of a directory: what it observed and what it
// made (a rendering or a build error).
type renderEntry struct {
	obs []observation
	r   *Rendering
	err error
}

// DefaultMemoryBudget bounds the bytes of renderings a RenderCache keeps in
// memory; past it, a build is kept in memory only as having succeeded
// (and whole on disk).
const DefaultMemoryBudget = 2 << 20

// slimBudget is how many times DefaultMemoryBudget the builds kept
// without their rendering may take in all.
const slimBudget = 4

// NewRenderCache returns a cache kept in memory and, when disk is not nil, in
// disk too.
func NewRenderCache(disk *DiskCache) *RenderCache {
	return &RenderCache{disk: disk, entries: map[string][]*renderEntry{}, budget: DefaultMemoryBudget}
}

// active is the cache Render uses, nil for none (every Render builds).
var active atomic.Pointer[RenderCache]

// UseCache makes Render, and so RenderEnv, go through c (nil: build
// every time, the default). Commands set it once, before rendering.
func UseCache(c *RenderCache) { active.Store(c) }

// Stats returns how many builds the cache made and how many it saved.
func (c *RenderCache) Stats() (builds, hits int64) { return c.builds.Load(), c.hits.Load() }

// Render is the package's Render through the cache.
func (c *RenderCache) Render(fsys fs.FS, dir string) (*Rendering, error) {
	dir = path.Clean(dir)
	if e := c.lookup(fsys, dir, true); e != nil {
		c.hits.Add(1)
		return e.r, e.err
	}
	return c.load(fsys, dir)
}

// Builds is Render for a caller that needs only to know whether dir
// builds: a build kept without its rendering answers it.
func (c *RenderCache) Builds(fsys fs.FS, dir string) error {
	dir = path.Clean(dir)
	if e := c.lookup(fsys, dir, false); e != nil {
		c.hits.Add(1)
		return e.err
	}
	_, err := c.load(fsys, dir)
	return err
}

// load reads dir's build from disk, or builds it, and keeps it.
func (c *RenderCache) load(fsys fs.FS, dir string) (*Rendering, error) {
	if c.disk != nil {
		if r := c.disk.load(fsys, dir); r != nil {
			c.hits.Add(1)
			c.keep(dir, &renderEntry{obs: r.obs, r: r.r})
			return r.r, nil
		}
	}
	c.builds.Add(1)
	rec := newRecordFS(fsys)
	r, storable, err := renderShared(rec, dir)
	obs, ok := rec.observations()
	if !ok || !reusable(err) {
		return r, err
	}
	e := &renderEntry{obs: obs, r: r, err: err}
	c.keep(dir, e)
	if c.disk != nil && storable && err == nil && len(r.NotRendered) == 0 {
		c.disk.store(dir, obs, r)
	}
	return r, err
}

// Close writes the builds kept on disk since the cache was made (or
// last closed) as one file; a command calls it when it is done. Without
// it nothing this process built is kept for the next. The cache stays
// usable.
func (c *RenderCache) Close() {
	if c != nil && c.disk != nil {
		c.disk.Close()
	}
}

// reusable reports whether a build's error is one the same input always
// gives: kustomize's own (a *BuildError) or none; not a failure to read.
func reusable(err error) bool {
	var be *BuildError
	return err == nil || errors.As(err, &be)
}

// lookup returns the kept build of dir whose observations hold on fsys;
// with full, only one that kept its rendering.
func (c *RenderCache) lookup(fsys fs.FS, dir string, full bool) *renderEntry {
	c.mu.Lock()
	list := c.entries[dir]
	c.mu.Unlock()
	for _, e := range list {
		if (!full || !e.slim()) && holdsAll(e.obs, fsys) {
			return e
		}
	}
	return nil
}

// slim reports whether e kept only that its build succeeded.
func (e *renderEntry) slim() bool { return e.r == nil && e.err == nil }

func holdsAll(obs []observation, fsys fs.FS) bool {
	for _, o := range obs {
		if !o.holds(fsys) {
			return false
		}
	}
	return true
}

// maxPerDir bounds the builds kept per directory (its state before and
// after a change, as source and as target).
const maxPerDir = 4

// keep remembers e for dir: whole while the memory budget allows, past
// it without its rendering (enough to say that it builds), and not at
// all past slimBudget times the budget.
func (c *RenderCache) keep(dir string, e *renderEntry) {
	size := e.size()
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.bytes+size > c.budget && e.r != nil {
		e = &renderEntry{obs: e.obs}
		size = e.size()
	}
	if c.bytes+size > slimBudget*c.budget {
		return
	}
	list := c.entries[dir]
	if len(list) == maxPerDir {
		c.bytes -= list[len(list)-1].size()
		list = list[:len(list)-1]
	}
	c.entries[dir] = append([]*renderEntry{e}, list...)
	c.bytes += size
}

// size approximates the memory an entry holds.
func (e *renderEntry) size() int {
	n := 64
	for _, o := range e.obs {
		n += len(o.Path) + len(o.Sum) + 32
	}
	if e.r != nil {
		for _, res := range e.r.Resources {
			n += len(res.YAML) + 96
		}
	}
	return n
}
