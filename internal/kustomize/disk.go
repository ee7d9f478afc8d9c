package kustomize

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	carried "github.com/gitops-promote/promote/third_party/kustomize"
)

// DiskCache keeps kustomize builds in a directory (promote uses
// .git/promote/renders) as packs: each process writes the builds it kept
// into one file (see pack.go), the records one after the other and an
// index of them at the end, under a temporary name renamed when the
// process closes the cache, so concurrent processes never see a partial
// pack. A later process reads the indexes of the packs present on its
// first lookup and then only the records it looks up. A record holds a
// build with the observations it was made from (the paths it looked at
// and the blob hashes of the files it read); it is reused only when
// every observation still holds on the tree being rendered, and only by
// the same kustomize and promote versions (the stamp in each index). A
// pack or record that is corrupt, truncated or another version's is
// ignored. Builds that printed warnings, left out remote bases or Helm
// charts, or failed are not kept. Past mergeAt packs, a closing process
// merges them into one, keeping each directory's latest builds; packs
// untouched for MaxAge are removed, and the oldest when the directory
// grows past MaxBytes.
type DiskCache struct {
	dir     string
	version string
	// prefix starts the names of this version's packs.
	prefix   string
	maxBytes int64

	mu     sync.Mutex
	loaded bool
	// open are the packs read, newest first; each finds a
	// directory's records through its index.
	open []*openPack
	// out is the pack being written, nil before the first Store;
	// unwritable is set when it could not be created (not tried again
	// before Close).
	out        *packWriter
	unwritable bool
}

// Limits of a DiskCache.
const (
	// MaxAge is how long a pack, and a build in a merged pack, is kept
	// after it was written.
	MaxAge = 30 * 24 * time.Hour
	// MaxBytes bounds the cache's size; past it the oldest packs go.
	MaxBytes = 512 << 20
	// pruneEvery is how often a process looks for packs to remove.
	pruneEvery = 24 * time.Hour
	// mergeAt is how many packs of a version there may be before a
	// closing process merges them into one.
	mergeAt = 8
)

// cacheFormat changes whenever what a build returns for the same input
// changes without the kustomize version changing, or the packs' layout
// changes.
const cacheFormat = "promote-render-cache 3"

// packExt ends the name of every pack; temporary files start with
// tmpPrefix.
const (
	packExt   = ".pack"
	tmpPrefix = ".tmp-"
	pruneMark = "pruned"
)

// OpenDiskCache returns a cache kept in dir (created when first
// written). Close writes what it kept.
func OpenDiskCache(dir string) *DiskCache {
	return openDiskCache(dir, buildVersion())
}

func openDiskCache(dir, version string) *DiskCache {
	sum := sha256.Sum256([]byte(version))
	return &DiskCache{dir: dir, version: version, prefix: hex.EncodeToString(sum[:6]) + "-", maxBytes: MaxBytes}
}

// buildVersion names the code that makes a build: the cache format,
// kustomize's module version and promote's own version (its commit when
// built from a checkout). A development build (no version, or built
// from a modified checkout) is also named by its executable's size and
// time, so that a rebuilt binary does not reuse its predecessor's builds.
func buildVersion() string {
	v := cacheFormat
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return v + " unknown"
	}
	v += " " + info.Main.Path + "@" + info.Main.Version
	dev := info.Main.Version == "" || info.Main.Version == "(devel)"
	for _, s := range info.Settings {
		if s.Key == "vcs.revision" || s.Key == "vcs.modified" {
			v += " " + s.Key + "=" + s.Value
		}
		dev = dev || s.Key == "vcs.modified" && s.Value == "true"
	}
	if dev {
		v += " " + executableStamp()
	}
	v += " sigs.k8s.io/kustomize/api@" + carried.Release + "+patch"
	for _, m := range info.Deps {
		if m.Path == "sigs.k8s.io/kustomize/kyaml" {
			v += " " + m.Path + "@" + m.Version
		}
	}
	return v
}

// executableStamp is the running executable's size and modification
// time, "" when they cannot be read.
func executableStamp() string {
	exe, err := os.Executable()
	if err != nil {
		return ""
	}
	info, err := os.Stat(exe)
	if err != nil {
		return ""
	}
	return "exe=" + strconv.FormatInt(info.Size(), 10) + "@" + strconv.FormatInt(info.ModTime().UnixNano(), 10)
}

// diskHit is a build found on disk.
type diskHit struct {
	obs []observation
	r   *Rendering
}

// recordRef is where a record is: its pack (being written or read) and
// its index entry.
type recordRef struct {
	from packReader
	e    *indexEntry
}

// load returns the build of dir kept on disk whose observations all hold
// on fsys, nil when there is none. The first load reads the indexes of
// the packs present.
func (d *DiskCache) load(fsys fs.FS, dir string) *diskHit {
	for _, data := range d.candidates(dir) {
		rec, err := decodeRecord(data)
		if err != nil || rec.dir != dir || len(rec.obs) == 0 || !holdsAll(rec.obs, fsys) {
			continue
		}
		r, err := rec.rendering()
		if err != nil {
			continue
		}
		return &diskHit{obs: rec.obs, r: r}
	}
	return nil
}

// candidates returns the bytes of dir's records, the pack being written
// first, then the packs read, newest first, each record once. They are
// copied while d.mu is held: Close unmaps the packs.
func (d *DiskCache) candidates(dir string) [][]byte {
	d.mu.Lock()
	defer d.mu.Unlock()
	if !d.loaded {
		d.loadIndexes()
	}
	var refs []recordRef
	if d.out != nil {
		refs = d.out.refs(dir)
	}
	refs = append(refs, d.onDisk(dir)...)
	var tried [][keySize]byte
	var out [][]byte
	for _, ref := range refs {
		if slices.Contains(tried, ref.e.key) {
			continue
		}
		// A damaged copy does not hide an intact older one of the build.
		if data, err := readRecordBytes(ref.from, ref.e); err == nil {
			tried = append(tried, ref.e.key)
			out = append(out, data)
		}
	}
	return out
}

// loadIndexes opens this version's packs and reads their indexes; a pack
// that cannot be read is left out. d.mu is held.
func (d *DiskCache) loadIndexes() {
	d.loaded = true
	for _, name := range d.packNames() {
		p, err := openPackFile(filepath.Join(d.dir, name), d.version)
		if err != nil {
			continue
		}
		d.open = append(d.open, p)
	}
	slices.SortStableFunc(d.open, func(a, b *openPack) int { return b.mod.Compare(a.mod) })
}

// onDisk returns dir's records in the packs read, the newest pack
// first, in each the latest first. d.mu is held.
func (d *DiskCache) onDisk(dir string) []recordRef {
	var refs []recordRef
	for _, p := range d.open {
		for _, e := range p.index.lookup(dir) {
			refs = append(refs, recordRef{from: p, e: &e})
		}
	}
	return refs
}

// packNames lists the names of this version's packs in d.dir.
func (d *DiskCache) packNames() []string {
	entries, err := os.ReadDir(d.dir)
	if err != nil {
		return nil
	}
	var names []string
	for _, e := range entries {
		if n := e.Name(); strings.HasPrefix(n, d.prefix) && strings.HasSuffix(n, packExt) && e.Type().IsRegular() {
			names = append(names, n)
		}
	}
	return names
}

// store keeps a successful build of dir, made from obs, in the pack this
// process writes. Failing to write is not an error: the build is made
// again next time.
func (d *DiskCache) store(dir string, obs []observation, r *Rendering) {
	d.mu.Lock()
	unwritable := d.unwritable
	d.mu.Unlock()
	if unwritable {
		return
	}
	rec := encodeRecord(dir, obs, r.Resources)
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.unwritable {
		return
	}
	if d.out == nil {
		w, err := newPackWriter(d.dir, d.version)
		if d.unwritable = err != nil; d.unwritable {
			return
		}
		d.out = w
	}
	d.out.add(rec, time.Now().UnixNano())
}

// Close writes the pack of what the cache kept since it was opened (or
// last closed), renamed into place; then, at most once every pruneEvery,
// removes old packs, and merges this version's packs when there are
// more than mergeAt. The cache can be used again afterwards: it reads
// the packs present again on its next lookup.
func (d *DiskCache) Close() {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, p := range d.open {
		_ = p.close()
	}
	d.open, d.loaded, d.unwritable = nil, false, false
	if d.out == nil {
		return
	}
	_, _ = d.out.finish(d.dir, d.prefix)
	d.out = nil
	d.pruneOld()
	if names := d.packNames(); len(names) > mergeAt {
		d.merge(names)
	}
}

// merge writes the live records of the packs names (of this version)
// into one pack and removes them, and removes those that are damaged: for each directory its maxPerDir
// latest builds written within MaxAge, each once. A pack removed while
// another process reads it stays readable to that process (it keeps it
// open); one that process had not opened yet is a miss there.
func (d *DiskCache) merge(names []string) {
	var packs []*openPack
	defer func() {
		for _, p := range packs {
			_ = p.close()
		}
	}()
	type candidate struct {
		p *openPack
		e *indexEntry
	}
	byDir := map[string][]candidate{}
	var dirs []string
	for _, name := range names {
		p, err := openPackFile(filepath.Join(d.dir, name), d.version)
		if errors.Is(err, errRecord) || errors.Is(err, errOtherVersion) {
			_ = os.Remove(filepath.Join(d.dir, name)) // damaged: merged into nothing
		}
		if err != nil {
			continue
		}
		entries, err := p.index.all()
		if err != nil {
			_ = p.close()
			_ = os.Remove(filepath.Join(d.dir, name))
			continue
		}
		packs = append(packs, p)
		for i := range entries {
			e := &entries[i]
			if _, ok := byDir[e.dir]; !ok {
				dirs = append(dirs, e.dir)
			}
			byDir[e.dir] = append(byDir[e.dir], candidate{p, e})
		}
	}
	if len(packs) <= 1 {
		return
	}
	w, err := newPackWriter(d.dir, d.version)
	if err != nil {
		return
	}
	cutoff := time.Now().Add(-MaxAge).UnixNano()
	slices.Sort(dirs)
	for _, dir := range dirs {
		list := byDir[dir]
		slices.SortStableFunc(list, func(a, b candidate) int { return cmp.Compare(b.e.written, a.e.written) })
		var keys [][keySize]byte
		var recs []encodedRecord
		var written []int64
		for _, c := range list {
			if len(keys) == maxPerDir || c.e.written < cutoff {
				break
			}
			if slices.Contains(keys, c.e.key) {
				continue
			}
			data, err := readRecordBytes(c.p, c.e)
			if err != nil {
				continue
			}
			keys = append(keys, c.e.key)
			recs = append(recs, encodedRecord{dir: dir, key: c.e.key, data: data})
			written = append(written, c.e.written)
		}
		// Oldest first: a pack lists a directory's builds latest added
		// first, and lookups try them in that order.
		for i := len(recs) - 1; i >= 0; i-- {
			w.add(recs[i], written[i])
		}
	}
	merged, err := w.finish(d.dir, d.prefix)
	if err != nil {
		return
	}
	for _, p := range packs {
		// Another process merging the same packs at once writes the
		// same name: its result is this one, never removed here.
		if p.path != merged {
			_ = os.Remove(p.path)
		}
	}
}

// pruneOld removes, at most once every pruneEvery, the packs written
// more than MaxAge ago, temporary files left for more than pruneEvery
// (by a process that stopped before closing its cache) and the files of
// the earlier one-file-per-directory layout; then, while the cache is
// over maxBytes, the oldest packs. d.mu is held.
func (d *DiskCache) pruneOld() {
	mark := filepath.Join(d.dir, pruneMark)
	if info, err := os.Stat(mark); err == nil && time.Since(info.ModTime()) < pruneEvery {
		return
	}
	if os.WriteFile(mark, nil, 0o644) != nil {
		return
	}
	type file struct {
		name string
		size int64
		mod  time.Time
	}
	var files []file
	var total int64
	entries, _ := os.ReadDir(d.dir)
	for _, e := range entries {
		if !e.Type().IsRegular() || e.Name() == pruneMark {
			continue
		}
		info, err := e.Info()
		if err != nil {
			continue
		}
		p := filepath.Join(d.dir, e.Name())
		age := time.Since(info.ModTime())
		if age > MaxAge || strings.HasPrefix(e.Name(), tmpPrefix) && age > pruneEvery || legacyFile(e.Name()) {
			_ = os.Remove(p)
			continue
		}
		total += info.Size()
		if !strings.HasPrefix(e.Name(), tmpPrefix) { // another process's pack being written
			files = append(files, file{p, info.Size(), info.ModTime()})
		}
	}
	slices.SortFunc(files, func(a, b file) int { return a.mod.Compare(b.mod) })
	for _, f := range files {
		if total <= d.maxBytes {
			break
		}
		if os.Remove(f.name) == nil {
			total -= f.size
		}
	}
}

// legacyFile reports whether name is a file of the earlier layout (one
// per built directory, named by a SHA-256 in hex), which no version
// reads any more.
func legacyFile(name string) bool {
	if len(name) != 2*sha256.Size {
		return false
	}
	_, err := hex.DecodeString(name)
	return err == nil
}

// errRecord says that a record or a pack is not what its index says.
var errRecord = errors.New("corrupt render cache record")
