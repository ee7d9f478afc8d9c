package kustomize

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// packs lists the packs in dir.
func packs(t testing.TB, dir string) []string {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(dir, "*"+packExt))
	if err != nil {
		t.Fatal(err)
	}
	return names
}

// keep renders dirs of fsys through a new cache on disk and closes it,
// as one process does.
func keep(t testing.TB, disk *DiskCache, fsys fs.FS, dirs ...string) {
	t.Helper()
	c := NewRenderCache(disk)
	for _, dir := range dirs {
		if _, err := c.Render(fsys, dir); err != nil {
			t.Fatal(err)
		}
	}
	c.Close()
}

// withReplicas is layered() with prod's patch setting n replicas: a
// content of prod of its own.
func withReplicas(n int) fs.FS {
	files := layered()
	files["prod/replicas.yaml"] = fmt.Appendf(nil, "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec: {replicas: %d}\n", n)
	return mapFS(files)
}

// assertBuilds renders each dir of fsys through a new cache on dir and
// checks the results and that it made builds builds.
func assertBuilds(t *testing.T, dir string, fsys fs.FS, builds int64, dirs ...string) {
	t.Helper()
	c := NewRenderCache(OpenDiskCache(dir))
	for _, d := range dirs {
		r, err := c.Render(fsys, d)
		if got, want := describe(r, err), uncached(t, fsys, d); got != want {
			t.Errorf("%s: got\n%s\nwant\n%s", d, got, want)
		}
	}
	if got, _ := c.Stats(); got != builds {
		t.Errorf("%d builds of %v, want %d", got, dirs, builds)
	}
}

// rewriteIndex returns pack with its index's entries changed by edit,
// the entries' CRCs made right again.
func rewriteIndex(t *testing.T, pack []byte, version string, edit func([]indexEntry)) []byte {
	t.Helper()
	entries, err := readIndex(bytes.NewReader(pack), int64(len(pack)), version)
	if err != nil {
		t.Fatal(err)
	}
	edit(entries)
	end := binary.LittleEndian.Uint64(pack[len(pack)-trailerSize:])
	idx := encodeIndex(version, entries)
	out := append(slices.Clip(pack[:end]), idx...)
	out = binary.LittleEndian.AppendUint64(out, end)
	return append(out, trailerMagic...)
}

// TestDiskCacheWritesOnePackPerProcess: a process that builds several
// directories keeps them all in one file, and leaves no temporary file;
// a later process builds none of them.
func TestDiskCacheWritesOnePackPerProcess(t *testing.T) {
	dir := t.TempDir()
	dirs := []string{"prod", "base", "base/extra", "comp"}
	keep(t, OpenDiskCache(dir), mapFS(layered()), dirs...)
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		if e.Name() != pruneMark {
			names = append(names, e.Name())
		}
	}
	if len(names) != 1 || !strings.HasSuffix(names[0], packExt) {
		t.Fatalf("the cache holds %v, want one pack", names)
	}
	assertBuilds(t, dir, mapFS(layered()), 0, dirs...)
}

// TestDiskCacheIgnoresDamagedPacks: a damaged pack, or one written by
// another version, is never trusted and never an error: the directory is
// built.
func TestDiskCacheIgnoresDamagedPacks(t *testing.T) {
	const version = "promote-render-cache test"
	for name, damage := range map[string]func(t *testing.T, data []byte) []byte{
		// In the directory's name, and in the YAML of its last resource.
		"flipped byte in a record": func(_ *testing.T, d []byte) []byte { d[headerSize+2] ^= 1; return d },
		"flipped byte in a manifest": func(_ *testing.T, d []byte) []byte {
			d[binary.LittleEndian.Uint64(d[len(d)-trailerSize:])-3] ^= 1
			return d
		},
		"flipped byte in the index": func(_ *testing.T, d []byte) []byte {
			d[len(d)-trailerSize-3] ^= 1
			return d
		},
		"truncated":     func(_ *testing.T, d []byte) []byte { return d[:len(d)/2] },
		"last byte cut": func(_ *testing.T, d []byte) []byte { return d[:len(d)-1] },
		"trailer only":  func(_ *testing.T, d []byte) []byte { return d[len(d)-trailerSize:] },
		"garbage":       func(*testing.T, []byte) []byte { return []byte("not a render cache pack at all, not even close") },
		"empty":         func(_ *testing.T, _ []byte) []byte { return nil },
		"index offset beyond": func(_ *testing.T, d []byte) []byte {
			binary.LittleEndian.PutUint64(d[len(d)-trailerSize:], uint64(len(d)))
			return d
		},
		"record past the index": func(t *testing.T, d []byte) []byte {
			return rewriteIndex(t, d, version, func(e []indexEntry) { e[0].n += 3 })
		},
		"record past the end": func(t *testing.T, d []byte) []byte {
			return rewriteIndex(t, d, version, func(e []indexEntry) { e[0].off = int64(len(d)) + 100 })
		},
		"record of another directory": func(t *testing.T, d []byte) []byte {
			return rewriteIndex(t, d, version, func(e []indexEntry) { e[0].dir = "base" })
		},
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			fsys := mapFS(layered())
			keep(t, openDiskCache(dir, version), fsys, "prod")
			files := packs(t, dir)
			if len(files) != 1 {
				t.Fatalf("%d packs, want 1", len(files))
			}
			data, err := os.ReadFile(files[0])
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(files[0], damage(t, data), 0o644); err != nil {
				t.Fatal(err)
			}
			c := NewRenderCache(openDiskCache(dir, version))
			for _, d := range []string{"prod", "base"} {
				r, err := c.Render(fsys, d)
				if got, want := describe(r, err), uncached(t, fsys, d); got != want {
					t.Errorf("%s: got\n%s\nwant\n%s", d, got, want)
				}
			}
			if builds, _ := c.Stats(); builds != 2 {
				t.Errorf("%d builds, want 2: the damaged pack was used", builds)
			}
		})
	}
	t.Run("other version", func(t *testing.T) {
		dir := t.TempDir()
		fsys := mapFS(layered())
		keep(t, openDiskCache(dir, "promote-render-cache 0 other"), fsys, "prod")
		// Even under this version's name.
		other := packs(t, dir)[0]
		if err := os.Rename(other, filepath.Join(dir, OpenDiskCache(dir).prefix+"x"+packExt)); err != nil {
			t.Fatal(err)
		}
		assertBuilds(t, dir, fsys, 1, "prod")
	})
}

// TestDiskCacheConcurrentWriters: two processes keeping builds at once
// each write a pack of their own; a third reads both.
func TestDiskCacheConcurrentWriters(t *testing.T) {
	dir := t.TempDir()
	fsys := mapFS(layered())
	sets := [][]string{{"prod", "base/extra"}, {"base", "comp"}}
	var wg sync.WaitGroup
	for _, dirs := range sets {
		c := NewRenderCache(OpenDiskCache(dir))
		var each sync.WaitGroup
		for range 4 {
			each.Go(func() {
				for _, d := range dirs {
					if _, err := c.Render(fsys, d); err != nil {
						t.Error(err)
					}
				}
			})
		}
		wg.Go(func() { each.Wait(); c.Close() })
	}
	wg.Wait()
	if n := len(packs(t, dir)); n != 2 {
		t.Errorf("%d packs, want 2", n)
	}
	assertBuilds(t, dir, fsys, 0, slices.Concat(sets...)...)
}

// TestDiskCacheReadsItsOwnPackBeforeClosing: builds kept by a process
// are found by the same process (once its memory let them go) before
// the pack is written.
func TestDiskCacheReadsItsOwnPackBeforeClosing(t *testing.T) {
	disk := OpenDiskCache(t.TempDir())
	fsys := mapFS(layered())
	keepOpen := NewRenderCache(disk)
	if _, err := keepOpen.Render(fsys, "prod"); err != nil {
		t.Fatal(err)
	}
	hit := disk.load(fsys, "prod")
	if hit == nil {
		t.Fatal("the build kept is not found before closing")
	}
	if got, want := describe(hit.r, nil), uncached(t, fsys, "prod"); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if disk.load(withReplicas(7), "prod") != nil {
		t.Error("a build of another content was returned")
	}
}

// TestDiskCacheRemovesOldPacks: a pack not written for MaxAge, a
// temporary file left a day and a file of the one-file-per-directory
// layout are removed the next time a process keeps builds (at most once
// a day).
func TestDiskCacheRemovesOldPacks(t *testing.T) {
	dir := t.TempDir()
	fsys := mapFS(layered())
	keep(t, OpenDiskCache(dir), fsys, "prod")
	old := packs(t, dir)[0]
	long := time.Now().Add(-MaxAge - time.Hour)
	if err := os.Chtimes(old, long, long); err != nil {
		t.Fatal(err)
	}
	day := time.Now().Add(-pruneEvery - time.Hour)
	tmp := filepath.Join(dir, tmpPrefix+"left")
	legacy := filepath.Join(dir, strings.Repeat("ab", 32))
	for _, f := range []string{tmp, legacy} {
		if err := os.WriteFile(f, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(f, day, day); err != nil {
			t.Fatal(err)
		}
	}
	// Within a day of the last pruning nothing is removed.
	keep(t, OpenDiskCache(dir), fsys, "base")
	for _, f := range []string{old, tmp, legacy} {
		if _, err := os.Stat(f); err != nil {
			t.Fatalf("pruned again within a day: %v", err)
		}
	}
	if err := os.Chtimes(filepath.Join(dir, pruneMark), day, day); err != nil {
		t.Fatal(err)
	}
	keep(t, OpenDiskCache(dir), fsys, "base/extra")
	for _, f := range []string{old, tmp, legacy} {
		if _, err := os.Stat(f); !os.IsNotExist(err) {
			t.Errorf("%s is still there (%v)", filepath.Base(f), err)
		}
	}
	if n := len(packs(t, dir)); n != 2 {
		t.Errorf("%d packs left, want the 2 recent ones", n)
	}
	assertBuilds(t, dir, fsys, 1, "prod", "base", "base/extra")
}

// TestDiskCacheBoundsItsSize: past its size the oldest packs go.
func TestDiskCacheBoundsItsSize(t *testing.T) {
	dir := t.TempDir()
	var names []string
	for i := range 3 {
		keep(t, OpenDiskCache(dir), withReplicas(i+1), "prod")
		for _, p := range packs(t, dir) {
			if !slices.Contains(names, p) {
				names = append(names, p)
			}
		}
		at := time.Now().Add(time.Duration(i-3) * time.Hour)
		if err := os.Chtimes(names[i], at, at); err != nil {
			t.Fatal(err)
		}
	}
	info, err := os.Stat(names[0])
	if err != nil {
		t.Fatal(err)
	}
	day := time.Now().Add(-pruneEvery - time.Hour)
	if err := os.Chtimes(filepath.Join(dir, pruneMark), day, day); err != nil {
		t.Fatal(err)
	}
	// Room for a little more than two packs: the new one and the
	// newest before it stay.
	small := OpenDiskCache(dir)
	small.maxBytes = 2*info.Size() + info.Size()/2
	keep(t, small, withReplicas(4), "prod")
	for i, name := range names {
		_, err := os.Stat(name)
		if gone := os.IsNotExist(err); gone != (i < 2) {
			t.Errorf("pack %d (of 3, oldest first): removed %v", i, gone)
		}
	}
	assertBuilds(t, dir, withReplicas(4), 0, "prod")
	assertBuilds(t, dir, withReplicas(3), 0, "prod")
	assertBuilds(t, dir, withReplicas(1), 1, "prod")
}

// TestDiskCacheMergesPacks: past mergeAt packs, the closing process
// merges them into one holding each directory's maxPerDir latest
// builds and removes a damaged one; another version's packs are left
// alone.
func TestDiskCacheMergesPacks(t *testing.T) {
	dir := t.TempDir()
	keep(t, openDiskCache(dir, "promote-render-cache 0 other"), withReplicas(1), "prod")
	foreign := packs(t, dir)
	for i := range mergeAt {
		keep(t, OpenDiskCache(dir), withReplicas(i+1), "prod")
	}
	damaged := filepath.Join(dir, OpenDiskCache(dir).prefix+"damaged"+packExt)
	if err := os.WriteFile(damaged, []byte(packMagic+"garbage"+trailerMagic), 0o600); err != nil {
		t.Fatal(err)
	}
	keep(t, OpenDiskCache(dir), mapFS(layered()), "base")
	if _, err := os.Stat(damaged); !os.IsNotExist(err) {
		t.Errorf("the damaged pack was not removed (%v)", err)
	}
	if n := len(packs(t, dir)); n != 2 {
		t.Fatalf("%d packs after %d processes, want 2: this version's merged into one, beside the other version's", n, mergeAt+1)
	}
	if _, err := os.Stat(foreign[0]); err != nil {
		t.Errorf("another version's pack was removed: %v", err)
	}
	for i := mergeAt - maxPerDir + 1; i <= mergeAt; i++ {
		assertBuilds(t, dir, withReplicas(i), 0, "prod")
	}
	assertBuilds(t, dir, mapFS(layered()), 0, "base")
	assertBuilds(t, dir, withReplicas(mergeAt-maxPerDir), 1, "prod")
}

// TestDiskCacheMergeWhileReading: a process that read the indexes before
// another merged (and removed) the packs still reads their records; one
// that had not is not harmed either: it builds.
func TestDiskCacheMergeWhileReading(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("an open file cannot be removed on Windows")
	}
	dir := t.TempDir()
	fsys := mapFS(layered())
	keep(t, OpenDiskCache(dir), fsys, "base")
	for i := range mergeAt - 1 {
		keep(t, OpenDiskCache(dir), withReplicas(i+1), "prod")
	}
	reader := NewRenderCache(OpenDiskCache(dir))
	if _, err := reader.Render(withReplicas(1), "prod"); err != nil {
		t.Fatal(err)
	}
	before := packs(t, dir)
	keep(t, OpenDiskCache(dir), withReplicas(mergeAt), "prod")
	for _, p := range before {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Fatalf("pack %s not merged away (%v)", filepath.Base(p), err)
		}
	}
	r, err := reader.Render(fsys, "base")
	if got, want := describe(r, err), uncached(t, fsys, "base"); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if builds, hits := reader.Stats(); builds != 0 || hits != 2 {
		t.Errorf("the reader made %d builds and %d hits, want 0 and 2", builds, hits)
	}
}

// FuzzReadPack reads any bytes as a pack and as a record: never a
// panic, what reads as a pack lists only records inside it, and a record
// that reads, written again, reads the same.
func FuzzReadPack(f *testing.F) {
	const version = "promote-render-cache fuzz"
	w, err := newPackWriter(f.TempDir(), version)
	if err != nil {
		f.Fatal(err)
	}
	obs := []observation{{Op: opRead, Path: "prod/kustomization.yaml", Sum: blobSum([]byte("resources: [../base]\n"))}, {Op: opStat, Path: "prod/kustomization.yml", Sum: sumMissing}}
	res := []Resource{{ID: ResourceID{APIVersion: "v1", Kind: "ConfigMap", Namespace: "prod", Name: "c"}, YAML: []byte("apiVersion: v1\nkind: ConfigMap\n")}}
	w.add(encodeRecord("prod", obs, res), 1)
	w.add(encodeRecord("base", obs[1:], nil), 2)
	name, err := w.finish(filepath.Dir(w.f.Name()), "seed-")
	if err != nil {
		f.Fatal(err)
	}
	data, err := os.ReadFile(name)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Add(data[headerSize : len(data)-trailerSize])
	f.Add([]byte(packMagic + trailerMagic))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkRecord(t, data)
		x, err := parsePack(data, version)
		if err != nil {
			return
		}
		for _, dir := range []string{"prod", "base", ""} {
			for _, e := range x.lookup(dir) {
				if e.dir != dir || e.off < int64(headerSize) || e.n < 0 || e.off+e.n > int64(len(data)-trailerSize) {
					t.Fatalf("lookup %q: entry outside the pack or of another directory: %+v", dir, e)
				}
			}
		}
		entries, err := x.all()
		if err != nil {
			return
		}
		for i := range entries {
			e := &entries[i]
			if e.off < int64(headerSize) || e.n < 0 || e.off+e.n > int64(len(data)-trailerSize) {
				t.Fatalf("entry %d outside the pack: %+v", i, e)
			}
			if rec, err := readRecordBytes(bytes.NewReader(data), e); err == nil {
				checkRecord(t, rec)
			}
		}
	})
}

// checkRecord decodes data as a record and, when it reads, checks that
// encoding what it read gives a record that reads the same.
func checkRecord(t *testing.T, data []byte) {
	rec, err := decodeRecord(data)
	if err != nil {
		return
	}
	r, err := rec.rendering()
	if err != nil {
		return
	}
	again, err := decodeRecord(encodeRecord(rec.dir, rec.obs, r.Resources).data)
	if err != nil {
		t.Fatalf("a record read does not read once written again: %v", err)
	}
	r2, err := again.rendering()
	if err != nil || again.dir != rec.dir || !slices.Equal(again.obs, rec.obs) || describe(r2, err) != describe(r, nil) {
		t.Fatalf("a record read reads differently once written again: %+v, want %+v", again, rec)
	}
}

// TestDiskCacheUnwritable: a cache directory that cannot be made costs
// only the builds it cannot keep.
func TestDiskCacheUnwritable(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(file, "renders")
	keep(t, OpenDiskCache(dir), mapFS(layered()), "prod", "base")
	assertBuilds(t, dir, mapFS(layered()), 2, "prod", "base")
}

// finishAndOpen finishes w's pack of version "v" in dir and opens it,
// closed when the test ends.
func finishAndOpen(t *testing.T, w *packWriter, dir string) *openPack {
	t.Helper()
	name, err := w.finish(dir, "p-")
	if err != nil {
		t.Fatal(err)
	}
	p, err := openPackFile(name, "v")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.close() })
	return p
}

// TestPackIndexLookup: a pack's index finds each directory's records,
// the latest first, and nothing for a directory it does not hold, from
// slots sorted by hash rather than by the order records were written.
func TestPackIndexLookup(t *testing.T) {
	dir := t.TempDir()
	w, err := newPackWriter(dir, "v")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]int64{}
	for i := range 1500 {
		d := fmt.Sprintf("apps/app-%04d/overlays/prod", i%700)
		obs := []observation{{Op: opRead, Path: d + "/kustomization.yaml", Sum: fmt.Sprint(i)}}
		w.add(encodeRecord(d, obs, nil), int64(i))
		want[d] = append([]int64{int64(i)}, want[d]...)
	}
	p := finishAndOpen(t, w, dir)
	for d, written := range want {
		var got []int64
		for _, e := range p.index.lookup(d) {
			if e.dir != d {
				t.Fatalf("lookup %s: entry of %s", d, e.dir)
			}
			data, err := readRecordBytes(p, &e)
			var rec *record
			if err == nil {
				rec, err = decodeRecord(data)
			}
			if err != nil || rec.dir != d {
				t.Fatalf("lookup %s: record does not read back (%v)", d, err)
			}
			got = append(got, e.written)
		}
		if !slices.Equal(got, written) {
			t.Fatalf("lookup %s: written at %v, want %v (latest first)", d, got, written)
		}
	}
	for _, d := range []string{"apps/app-0700/overlays/prod", "apps", ""} {
		if got := p.index.lookup(d); len(got) != 0 {
			t.Errorf("lookup %q: %d entries, want none", d, len(got))
		}
	}
	all, err := p.index.all()
	if err != nil || len(all) != 1500 || all[0].written != 0 || all[1499].written != 1499 {
		t.Fatalf("all: %d entries (%v), want 1500 in the order written", len(all), err)
	}
}

// TestPackWriterReadsBackWhatItWrote: records written to the file and
// records still held are read back the same, before and after the pack
// is finished.
func TestPackWriterReadsBackWhatItWrote(t *testing.T) {
	dir := t.TempDir()
	w, err := newPackWriter(dir, "v")
	if err != nil {
		t.Fatal(err)
	}
	yaml := bytes.Repeat([]byte("data: x\n"), 2000)
	var recs []encodedRecord
	for i := range 3 * flushAt / len(yaml) {
		obs := []observation{{Op: opRead, Path: fmt.Sprintf("d%d/kustomization.yaml", i), Sum: "s"}}
		rec := encodeRecord(fmt.Sprintf("d%d", i), obs, []Resource{{ID: ResourceID{Kind: "ConfigMap", Name: "c"}, YAML: yaml}})
		recs = append(recs, rec)
		w.add(rec, int64(i))
	}
	if w.flushed == 0 || len(w.buf) == 0 {
		t.Fatalf("flushed %d bytes, holding %d: the test proves nothing", w.flushed, len(w.buf))
	}
	check := func(from packReader, entries []indexEntry) {
		t.Helper()
		if len(entries) != len(recs) {
			t.Fatalf("%d entries, want %d", len(entries), len(recs))
		}
		for i, rec := range recs {
			data, err := readRecordBytes(from, &entries[i])
			if err != nil || !bytes.Equal(data, rec.data) || entries[i].dir != rec.dir {
				t.Fatalf("record %d read back wrong (%v)", i, err)
			}
		}
	}
	check(w, w.entries)
	p := finishAndOpen(t, w, dir)
	entries, err := p.index.all()
	if err != nil {
		t.Fatal(err)
	}
	check(p, entries)
}

// readIndex reads and decodes every entry of the index of the pack r of
// size bytes; a pack of another version than version is
// errOtherVersion.
func readIndex(r io.ReaderAt, size int64, version string) ([]indexEntry, error) {
	data := make([]byte, size)
	if _, err := r.ReadAt(data, 0); err != nil {
		return nil, err
	}
	x, err := parsePack(data, version)
	if err != nil {
		return nil, err
	}
	return x.all()
}

// TestDiskCacheMergeListsLatestFirst: after a merge, a directory's builds
// are tried latest first, as in a pack one process wrote.
func TestDiskCacheMergeListsLatestFirst(t *testing.T) {
	dir := t.TempDir()
	for i := range mergeAt + 1 {
		keep(t, OpenDiskCache(dir), withReplicas(i+1), "prod")
	}
	if n := len(packs(t, dir)); n != 1 {
		t.Fatalf("%d packs, want 1 merged", n)
	}
	d := OpenDiskCache(dir)
	d.mu.Lock()
	d.loadIndexes()
	refs := d.onDisk("prod")
	d.mu.Unlock()
	defer d.Close()
	if len(refs) != maxPerDir {
		t.Fatalf("%d builds of prod kept, want %d", len(refs), maxPerDir)
	}
	for i := 1; i < len(refs); i++ {
		if refs[i-1].e.written <= refs[i].e.written {
			t.Fatalf("build %d written at %d before build %d at %d: want the latest first", i-1, refs[i-1].e.written, i, refs[i].e.written)
		}
	}
}

// TestDiskCacheMergeOfItsOwnResult: a process that merges packs together
// with the pack another process just merged them into (it listed the
// directory between that rename and the removals) writes the same pack
// and must not remove it.
func TestDiskCacheMergeOfItsOwnResult(t *testing.T) {
	dir := t.TempDir()
	for i := range mergeAt {
		keep(t, OpenDiskCache(dir), withReplicas(i+1), "prod")
	}
	inputs := map[string][]byte{}
	for _, p := range packs(t, dir) {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		inputs[p] = data
	}
	d := OpenDiskCache(dir)
	d.merge(d.packNames())
	merged := packs(t, dir)
	if len(merged) != 1 {
		t.Fatalf("%d packs after a merge, want 1", len(merged))
	}
	for p, data := range inputs {
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	d.merge(d.packNames())
	if got := packs(t, dir); len(got) != 1 || got[0] != merged[0] {
		t.Fatalf("packs after merging the merged pack with its inputs: %v, want %v", got, merged)
	}
	assertBuilds(t, dir, withReplicas(mergeAt), 0, "prod")
}
