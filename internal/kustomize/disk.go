package kustomize

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"sort"
	"strconv"
	"sync"
	"time"

	carried "github.com/gitops-promote/promote/third_party/kustomize"
)

// DiskCache keeps kustomize builds in a directory (promote uses
// .git/promote/renders), one file per built directory holding its last
// few builds, each with the observations it was made from (the paths it
// looked at and the blob hashes of the files it read). A build is reused
// only when every observation still holds on the tree being rendered,
// and only by the same kustomize and promote versions. Files are written
// to a temporary name and renamed, so concurrent processes never see a
// partial one; a file that is corrupt, foreign or from another version
// is ignored. Builds that printed warnings, left out remote bases or
// Helm charts, or failed are not kept. Files untouched for MaxAge are
// removed, and the oldest when the directory grows past MaxBytes.
type DiskCache struct {
	dir     string
	version string
	prune   sync.Once
}

// Limits of a DiskCache.
const (
	// MaxAge is how long a file of the cache is kept after it was written.
	MaxAge = 30 * 24 * time.Hour
	// MaxBytes bounds the cache's size; past it the oldest files go.
	MaxBytes = 512 << 20
	// pruneEvery is how often a process looks for files to remove.
	pruneEvery = 24 * time.Hour
)

// cacheFormat changes whenever what a build returns for the same input
// changes without the kustomize version changing.
const cacheFormat = "promote-render-cache 1"

// OpenDiskCache returns a cache kept in dir (created when first
// written).
func OpenDiskCache(dir string) *DiskCache {
	return &DiskCache{dir: dir, version: buildVersion()}
}

// Dir is where the cache keeps its files.
func (d *DiskCache) Dir() string { return d.dir }

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

// diskFile is the content of one file of the cache.
type diskFile struct {
	Version string      `json:"version"`
	Dir     string      `json:"dir"`
	Entries []diskEntry `json:"entries"`
}

type diskEntry struct {
	Obs       []observation `json:"obs"`
	Resources []diskRes     `json:"resources"`
}

type diskRes struct {
	ID   ResourceID `json:"id"`
	YAML string     `json:"yaml"`
}

// diskHit is a build found on disk.
type diskHit struct {
	obs []observation
	r   *Rendering
}

// file is the path of dir's file.
func (d *DiskCache) file(dir string) string {
	sum := sha256.Sum256([]byte(d.version + "\x00" + dir))
	return filepath.Join(d.dir, hex.EncodeToString(sum[:]))
}

// read returns the entries kept for dir, none when the file is missing,
// corrupt or not this version's.
func (d *DiskCache) read(dir string) []diskEntry {
	data, err := os.ReadFile(d.file(dir))
	if err != nil {
		return nil
	}
	sumHex, body, ok := bytes.Cut(data, []byte("\n"))
	if !ok {
		return nil
	}
	sum := sha256.Sum256(body)
	if hex.EncodeToString(sum[:]) != string(sumHex) {
		return nil
	}
	var f diskFile
	if json.Unmarshal(body, &f) != nil || f.Version != d.version || f.Dir != dir {
		return nil
	}
	return f.Entries
}

// Load returns the build of dir kept on disk whose observations all hold
// on fsys, nil when there is none, and the builds kept for dir (to pass
// to Store).
func (d *DiskCache) Load(fsys fs.FS, dir string) (*diskHit, []diskEntry) {
	entries := d.read(dir)
	for _, e := range entries {
		if len(e.Obs) == 0 || !holdsAll(e.Obs, fsys) {
			continue
		}
		r := &Rendering{Dir: dir, Resources: make([]Resource, len(e.Resources))}
		for i, res := range e.Resources {
			r.Resources[i] = Resource{ID: res.ID, YAML: []byte(res.YAML)}
		}
		return &diskHit{obs: e.Obs, r: r}, entries
	}
	return nil, entries
}

// Store keeps a successful build of dir, made from obs, in front of
// kept, the builds Load found for dir. Failing to write is not an
// error: the build is made again next time.
func (d *DiskCache) Store(dir string, obs []observation, r *Rendering, kept []diskEntry) {
	d.prune.Do(d.pruneOld)
	e := diskEntry{Obs: obs, Resources: make([]diskRes, len(r.Resources))}
	for i, res := range r.Resources {
		e.Resources[i] = diskRes{ID: res.ID, YAML: string(res.YAML)}
	}
	entries := []diskEntry{e}
	for _, old := range kept {
		if len(entries) < maxPerDir && !slices.Equal(old.Obs, obs) {
			entries = append(entries, old)
		}
	}
	body, err := json.Marshal(diskFile{Version: d.version, Dir: dir, Entries: entries})
	if err != nil {
		return
	}
	sum := sha256.Sum256(body)
	name := d.file(dir)
	tmp, err := os.CreateTemp(filepath.Dir(name), ".tmp-*")
	if errors.Is(err, fs.ErrNotExist) && os.MkdirAll(filepath.Dir(name), 0o755) == nil {
		tmp, err = os.CreateTemp(filepath.Dir(name), ".tmp-*")
	}
	if err != nil {
		return
	}
	data := append(append([]byte(hex.EncodeToString(sum[:])), '\n'), body...)
	_, werr := tmp.Write(data)
	if cerr := tmp.Close(); werr != nil || cerr != nil || os.Rename(tmp.Name(), name) != nil {
		_ = os.Remove(tmp.Name())
	}
}

// pruneOld removes, at most once every pruneEvery, the files written
// more than MaxAge ago and, while the cache is over MaxBytes, the
// oldest.
func (d *DiskCache) pruneOld() {
	mark := filepath.Join(d.dir, "pruned")
	if info, err := os.Stat(mark); err == nil && time.Since(info.ModTime()) < pruneEvery {
		return
	}
	if os.MkdirAll(d.dir, 0o755) != nil || os.WriteFile(mark, nil, 0o644) != nil {
		return
	}
	type file struct {
		name string
		size int64
		mod  time.Time
	}
	var files []file
	var total int64
	_ = filepath.WalkDir(d.dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() || p == mark {
			return nil
		}
		info, err := e.Info()
		if err != nil {
			return nil
		}
		if time.Since(info.ModTime()) > MaxAge {
			_ = os.Remove(p)
			return nil
		}
		files = append(files, file{p, info.Size(), info.ModTime()})
		total += info.Size()
		return nil
	})
	sort.Slice(files, func(i, j int) bool { return files[i].mod.Before(files[j].mod) })
	for _, f := range files {
		if total <= MaxBytes {
			break
		}
		if os.Remove(f.name) == nil {
			total -= f.size
		}
	}
}
