package objread

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/go-git/go-git/v5/plumbing"
)

// ErrUnsupported is returned (wrapped with the reason) by Open for object
// directories this package does not read.
var ErrUnsupported = errors.New("object directory not supported by the pack reader")

// ErrCorrupt is returned (wrapped with the object and file) when an index,
// pack or loose object is malformed.
var ErrCorrupt = errors.New("corrupt object database")

// Limits bound what one read may cost.
type Limits struct {
	// MaxObjectSize is the largest inflated object read; larger ones are
	// an error. Default 1 GiB.
	MaxObjectSize int64
	// MaxDeltaDepth is the longest delta chain followed. Default 10,000
	// (git writes chains of at most 4,095).
	MaxDeltaDepth int
	// CacheBytes bounds the cache of delta bases and recently read
	// objects. Default 16 MiB.
	CacheBytes int64
}

func (l Limits) withDefaults() Limits {
	if l.MaxObjectSize <= 0 {
		l.MaxObjectSize = 1 << 30
	}
	if l.MaxDeltaDepth <= 0 {
		l.MaxDeltaDepth = 10_000
	}
	if l.CacheBytes <= 0 {
		l.CacheBytes = 16 << 20
	}
	return l
}

// DB reads the objects of one object directory. Its methods are safe for
// concurrent use.
type DB struct {
	dir    string
	limits Limits
	cache  *lru
	// alts are the object directories objects/info/alternates names,
	// searched after this one.
	alts []*DB

	// packs is the current list of open packs; rescans replace it under
	// scanMu.
	packs  atomic.Pointer[[]*pack]
	scanMu sync.Mutex
	// broken holds, by pack name, why a pack could not be opened; guarded
	// by scanMu. Such packs are skipped, and an object found nowhere else
	// is reported as corrupt rather than missing.
	broken map[string]error

	// closeMu is held for reading while a pack's mapping is in use, and
	// for writing by Close, which unmaps them.
	closeMu sync.RWMutex
	closed  bool
}

// Open opens the object directory dir (a repository's objects directory).
// gitDir is the repository's git directory, whose config is checked for
// an object format other than SHA-1; "" skips that check.
func Open(dir, gitDir string, limits Limits) (*DB, error) {
	if err := checkSupported(dir, gitDir); err != nil {
		return nil, err
	}
	return open(dir, limits.withDefaults(), 0)
}

// maxAlternates is how deep alternates of alternates are followed, as in
// git.
const maxAlternates = 5

// open opens dir and, depth levels down, its alternates.
func open(dir string, limits Limits, depth int) (*DB, error) {
	db := &DB{dir: dir, limits: limits, cache: newLRU(limits.CacheBytes)}
	db.packs.Store(&[]*pack{})
	err := db.rescan()
	if err == nil {
		err = db.openAlternates(depth)
	}
	if err != nil {
		_ = db.Close()
		return nil, err
	}
	return db, nil
}

// openAlternates opens the object directories listed in
// info/alternates, one per line, relative to dir unless absolute.
func (db *DB) openAlternates(depth int) error {
	name := filepath.Join(db.dir, "info", "alternates")
	b, err := os.ReadFile(name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read %s: %w", name, err)
	}
	for line := range strings.Lines(string(b)) {
		alt := strings.TrimSpace(line)
		if alt == "" || strings.HasPrefix(alt, "#") {
			continue
		}
		if depth >= maxAlternates {
			return fmt.Errorf("%s: alternates nested more than %d deep", name, maxAlternates)
		}
		if !filepath.IsAbs(alt) {
			alt = filepath.Join(db.dir, alt)
		}
		a, err := open(alt, db.limits, depth+1)
		if err != nil {
			return fmt.Errorf("alternate of %s: %w", db.dir, err)
		}
		db.alts = append(db.alts, a)
	}
	return nil
}

// checkSupported reports ErrUnsupported for object formats other than
// SHA-1.
func checkSupported(dir, gitDir string) error {
	fi, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("open objects %s: %w", dir, err)
	}
	if !fi.IsDir() {
		return fmt.Errorf("open objects %s: not a directory", dir)
	}
	if gitDir == "" {
		return nil
	}
	cfg, err := os.ReadFile(filepath.Join(gitDir, "config"))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("open objects %s: %w", dir, err)
	}
	if f := objectFormat(string(cfg)); f != "" && f != "sha1" {
		return fmt.Errorf("%w: object format %s", ErrUnsupported, f)
	}
	return nil
}

// objectFormat returns the value of extensions.objectFormat in a git
// config file, lowercased, or "".
func objectFormat(cfg string) string {
	section := ""
	for line := range strings.Lines(cfg) {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "[") {
			section = ""
			if f := strings.Fields(strings.Trim(line, "[]")); len(f) > 0 {
				section = strings.ToLower(f[0])
			}
			continue
		}
		name, value, ok := strings.Cut(line, "=")
		if ok && section == "extensions" && strings.EqualFold(strings.TrimSpace(name), "objectformat") {
			return strings.ToLower(strings.Trim(strings.TrimSpace(value), `"`))
		}
	}
	return ""
}

// Close unmaps the packs. Reads after Close fail.
func (db *DB) Close() error {
	db.closeMu.Lock()
	defer db.closeMu.Unlock()
	if db.closed {
		return nil
	}
	db.closed = true
	var errs []error
	for _, p := range *db.packs.Load() {
		errs = append(errs, p.close())
	}
	for _, a := range db.alts {
		errs = append(errs, a.Close())
	}
	return errors.Join(errs...)
}

// errClosed is returned by reads after Close.
var errClosed = errors.New("object database closed")

// Read returns the type and content of object h. The content may be
// shared with the cache and other readers: callers must not modify it.
// A missing object gives an error wrapping plumbing.ErrObjectNotFound.
func (db *DB) Read(h plumbing.Hash) (plumbing.ObjectType, []byte, error) {
	db.closeMu.RLock()
	defer db.closeMu.RUnlock()
	if db.closed {
		return plumbing.InvalidObject, nil, errClosed
	}
	return db.read(h, db.limits.MaxDeltaDepth)
}

// Has reports whether object h exists, without reading it.
func (db *DB) Has(h plumbing.Hash) (bool, error) {
	db.closeMu.RLock()
	defer db.closeMu.RUnlock()
	if db.closed {
		return false, errClosed
	}
	if _, _, ok := db.find(h); ok {
		return true, nil
	}
	if _, err := os.Stat(db.loosePath(h)); err == nil {
		return true, nil
	}
	if err := db.rescan(); err != nil {
		return false, err
	}
	if _, _, ok := db.find(h); ok {
		return true, nil
	}
	for _, a := range db.alts {
		if ok, err := a.Has(h); ok || err != nil {
			return ok, err
		}
	}
	if err := db.brokenErr(); err != nil {
		return false, fmt.Errorf("object %s not found, and a pack is unreadable: %w: %w", h, ErrCorrupt, err)
	}
	return false, nil
}

// brokenErr joins why packs could not be opened, in name order; nil when
// every pack opened.
func (db *DB) brokenErr() error {
	db.scanMu.Lock()
	defer db.scanMu.Unlock()
	names := slices.Sorted(maps.Keys(db.broken))
	errs := make([]error, len(names))
	for i, n := range names {
		errs[i] = db.broken[n]
	}
	return errors.Join(errs...)
}

// read finds h in a pack, then as a loose object, then in packs added
// since the last scan; depth is what is left of the delta chain budget.
func (db *DB) read(h plumbing.Hash, depth int) (plumbing.ObjectType, []byte, error) {
	if p, off, ok := db.find(h); ok {
		return p.read(db, h, off, depth)
	}
	t, data, err := db.readLoose(h)
	if !errors.Is(err, plumbing.ErrObjectNotFound) {
		return t, data, err
	}
	n := len(*db.packs.Load())
	if err := db.rescan(); err != nil {
		return plumbing.InvalidObject, nil, err
	}
	if len(*db.packs.Load()) != n {
		if p, off, ok := db.find(h); ok {
			return p.read(db, h, off, depth)
		}
	}
	for _, a := range db.alts {
		t, data, err := a.Read(h)
		if !errors.Is(err, plumbing.ErrObjectNotFound) {
			return t, data, err
		}
	}
	if err := db.brokenErr(); err != nil {
		return plumbing.InvalidObject, nil, fmt.Errorf("object %s not found, and a pack is unreadable: %w: %w", h, ErrCorrupt, err)
	}
	return plumbing.InvalidObject, nil, fmt.Errorf("object %s: %w", h, plumbing.ErrObjectNotFound)
}

// find returns the pack holding h and its offset there.
func (db *DB) find(h plumbing.Hash) (*pack, int64, bool) {
	for _, p := range *db.packs.Load() {
		if off, ok := p.idx.find(h); ok {
			return p, off, true
		}
	}
	return nil, 0, false
}

// rescan opens the packs whose index appeared since the last scan, newest
// searched first. A pack whose index or data cannot be read is skipped
// and remembered in db.broken.
func (db *DB) rescan() error {
	db.scanMu.Lock()
	defer db.scanMu.Unlock()
	dir := filepath.Join(db.dir, "pack")
	names, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("list packs in %s: %w", dir, err)
	}
	old := *db.packs.Load()
	known := make(map[string]bool, len(old))
	for _, p := range old {
		known[p.name] = true
	}
	var added []*pack
	for _, e := range names {
		base, ok := strings.CutSuffix(e.Name(), ".idx")
		if !ok || !strings.HasPrefix(base, "pack-") || known[base] || db.broken[base] != nil {
			continue
		}
		p, err := openPack(filepath.Join(dir, base))
		if err != nil {
			if db.broken == nil {
				db.broken = map[string]error{}
			}
			db.broken[base] = err
			continue
		}
		added = append(added, p)
	}
	if len(added) == 0 {
		return nil
	}
	all := slices.Concat(added, old)
	db.packs.Store(&all)
	return nil
}

// loosePath is where the loose object h would be.
func (db *DB) loosePath(h plumbing.Hash) string {
	s := h.String()
	return filepath.Join(db.dir, s[:2], s[2:])
}

// readLoose reads the loose object h.
func (db *DB) readLoose(h plumbing.Hash) (plumbing.ObjectType, []byte, error) {
	name := db.loosePath(h)
	raw, err := os.ReadFile(name)
	if errors.Is(err, fs.ErrNotExist) {
		return plumbing.InvalidObject, nil, fmt.Errorf("object %s: %w", h, plumbing.ErrObjectNotFound)
	}
	if err != nil {
		return plumbing.InvalidObject, nil, fmt.Errorf("read object %s: %w", h, err)
	}
	t, data, err := parseLoose(raw, db.limits.MaxObjectSize)
	if err != nil {
		return plumbing.InvalidObject, nil, fmt.Errorf("object %s in %s: %w: %w", h, name, ErrCorrupt, err)
	}
	return t, data, nil
}

// parseLoose inflates a loose object: "<type> <size>\x00<content>".
func parseLoose(raw []byte, maxSize int64) (plumbing.ObjectType, []byte, error) {
	// The header is at most "commit " plus 20 digits and a NUL.
	head, err := inflatePrefix(raw, 32)
	if err != nil {
		return plumbing.InvalidObject, nil, err
	}
	nul := bytes.IndexByte(head, 0)
	if nul < 0 {
		return plumbing.InvalidObject, nil, errors.New("malformed loose object header")
	}
	typName, sizeText, ok := strings.Cut(string(head[:nul]), " ")
	t, terr := plumbing.ParseObjectType(typName)
	size, serr := strconv.ParseInt(sizeText, 10, 64)
	if !ok || terr != nil || serr != nil || size < 0 || !t.Valid() || t == plumbing.OFSDeltaObject || t == plumbing.REFDeltaObject {
		return plumbing.InvalidObject, nil, fmt.Errorf("malformed loose object header %q", head[:nul])
	}
	if size > maxSize || size > maxInflated(len(raw)) {
		return plumbing.InvalidObject, nil, fmt.Errorf("loose object of %d bytes exceeds the limit", size)
	}
	all, err := inflate(raw, int64(nul+1)+size)
	if err != nil {
		return plumbing.InvalidObject, nil, err
	}
	return t, all[nul+1:], nil
}
