package kustomize

import (
	"cmp"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/crc32"
	"hash/fnv"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"time"

	"github.com/gitops-promote/promote/internal/mapfile"
)

// A pack is one file of a DiskCache:
//
//	header   packMagic
//	records  one after the other (see encodeRecord)
//	index    the stamp (the cache's version), the number of records, a
//	         slot per record sorted by the hash of its directory (the
//	         hash, 8 bytes, and where its entry starts, 4), then for
//	         each record its entry: directory, key, time written (Unix
//	         nanoseconds), offset, length and CRC-32C of the record,
//	         and the CRC-32C of the entry itself
//	trailer  the index's offset (8 bytes), trailerMagic
//
// Integers in the index and the records are unsigned varints, except in
// the slots, the trailer and the CRCs (little endian). A reader maps the
// pack and finds a directory's records by a binary search of the slots,
// decoding only their entries: a command that builds one app reads no
// more of a pack written by a run over thousands. It checks each entry's
// CRC, that its record lies between the header and the index, and the
// record's CRC when it reads it.
const (
	packMagic    = "promote renders\n"
	trailerMagic = "PRK4"
	headerSize   = len(packMagic)
	trailerSize  = 8 + len(trailerMagic)
	// keySize is the length of a record's key: the start of the SHA-256
	// of its observations, which with its directory names its content.
	keySize = 16
	// flushAt is how many bytes of records a writer holds before
	// writing them to its file.
	flushAt = 256 << 10
	// minEntrySize is the least an index entry takes.
	minEntrySize = 1 + keySize + 1 + 1 + 1 + 4 + 4
	// slotSize is the size of an index slot: a directory's hash and
	// where its entry starts.
	slotSize = 8 + 4
)

// dirHash is the hash slots are sorted by (FNV-1a): entries of
// different directories may share one, a lookup compares directories.
func dirHash(dir string) uint64 {
	h := fnv.New64a()
	_, _ = io.WriteString(h, dir)
	return h.Sum64()
}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// indexEntry is one record of a pack, as its index lists it.
type indexEntry struct {
	dir     string
	key     [keySize]byte
	written int64 // Unix nanoseconds
	off, n  int64
	sum     uint32
	// prev is, in a packWriter, the entry before of the same
	// directory, -1 for none.
	prev int32
}

// packReader reads the bytes of a pack: an open pack file, or the pack a
// process is writing.
type packReader interface {
	ReadAt(p []byte, off int64) (int, error)
}

// encodedRecord is a record ready to be written.
type encodedRecord struct {
	dir  string
	key  [keySize]byte
	data []byte
}

// encodeRecord encodes a build of dir: its directory, its observations
// (each its kind, path and sum) and its resources (each its ID's four
// fields and its YAML).
func encodeRecord(dir string, obs []observation, res []Resource) encodedRecord {
	size := 16 + len(dir)
	for _, o := range obs {
		size += 8 + len(o.Path) + len(o.Sum)
	}
	for _, r := range res {
		size += 16 + len(r.ID.APIVersion) + len(r.ID.Kind) + len(r.ID.Namespace) + len(r.ID.Name) + len(r.YAML)
	}
	b := make([]byte, 0, size)
	b = appendString(b, dir)
	start := len(b)
	b = binary.AppendUvarint(b, uint64(len(obs)))
	for _, o := range obs {
		b = append(b, o.Op)
		b = appendString(b, o.Path)
		b = appendString(b, o.Sum)
	}
	sum := sha256.Sum256(b[start:])
	b = binary.AppendUvarint(b, uint64(len(res)))
	for _, r := range res {
		b = appendString(b, r.ID.APIVersion)
		b = appendString(b, r.ID.Kind)
		b = appendString(b, r.ID.Namespace)
		b = appendString(b, r.ID.Name)
		b = binary.AppendUvarint(b, uint64(len(r.YAML)))
		b = append(b, r.YAML...)
	}
	rec := encodedRecord{dir: dir, data: b}
	copy(rec.key[:], sum[:])
	return rec
}

func appendString(b []byte, s string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

// decoder reads what encodeRecord and encodeIndex wrote; past the first
// error every read returns a zero value and err stays set.
type decoder struct {
	b   []byte
	err error
}

func (d *decoder) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.err = errRecord
		return 0
	}
	d.b = d.b[n:]
	return v
}

// bytes returns the next length-prefixed bytes, a slice of the input.
func (d *decoder) bytes() []byte {
	n := d.uvarint()
	if d.err != nil || n > uint64(len(d.b)) {
		d.err = errRecord
		return nil
	}
	v := d.b[:n:n]
	d.b = d.b[n:]
	return v
}

func (d *decoder) string() string { return string(d.bytes()) }

// fixed returns the next n bytes.
func (d *decoder) fixed(n int) []byte {
	if d.err != nil || n > len(d.b) {
		d.err = errRecord
		return nil
	}
	v := d.b[:n]
	d.b = d.b[n:]
	return v
}

// count reads a number of items each taking at least min bytes of what
// is left: a count the input cannot hold is an error.
func (d *decoder) count(min int) int {
	n := d.uvarint()
	if d.err == nil && n > uint64(len(d.b)/min) {
		d.err = errRecord
	}
	if d.err != nil {
		return 0
	}
	return int(n)
}

// record is a decoded record: its directory and observations, and its
// resources still encoded.
type record struct {
	dir       string
	obs       []observation
	resources []byte
}

// decodeRecord reads a record (see encodeRecord).
func decodeRecord(data []byte) (*record, error) {
	d := &decoder{b: data}
	rec := &record{dir: d.string()}
	rec.obs = make([]observation, d.count(3))
	for i := range rec.obs {
		op := d.fixed(1)
		path, sum := d.string(), d.string()
		if d.err != nil {
			return nil, d.err
		}
		rec.obs[i] = observation{Op: op[0], Path: path, Sum: sum}
	}
	if d.err != nil {
		return nil, d.err
	}
	rec.resources = d.b
	return rec, nil
}

// rendering decodes the record's resources.
func (rec *record) rendering() (*Rendering, error) {
	d := &decoder{b: rec.resources}
	r := &Rendering{Dir: rec.dir, Resources: make([]Resource, d.count(5))}
	for i := range r.Resources {
		id := ResourceID{APIVersion: d.string(), Kind: d.string(), Namespace: d.string(), Name: d.string()}
		r.Resources[i] = Resource{ID: id, YAML: d.bytes()} // rec is a copy of the pack's bytes
	}
	if d.err == nil && len(d.b) != 0 {
		d.err = errRecord
	}
	if d.err != nil {
		return nil, d.err
	}
	return r, nil
}

// readRecordBytes reads e's record from r and checks its CRC.
func readRecordBytes(r packReader, e *indexEntry) ([]byte, error) {
	data := make([]byte, e.n)
	if _, err := r.ReadAt(data, e.off); err != nil {
		return nil, err
	}
	if crc32.Checksum(data, castagnoli) != e.sum {
		return nil, errRecord
	}
	return data, nil
}

// encodeIndex encodes a pack's index: its slots sorted by directory
// hash, the latest entry of a directory first.
func encodeIndex(version string, entries []indexEntry) []byte {
	var body []byte
	starts := make([]uint32, len(entries))
	for i := range entries {
		e := &entries[i]
		starts[i] = uint32(len(body))
		body = appendString(body, e.dir)
		body = append(body, e.key[:]...)
		body = binary.AppendUvarint(body, uint64(e.written))
		body = binary.AppendUvarint(body, uint64(e.off))
		body = binary.AppendUvarint(body, uint64(e.n))
		body = binary.LittleEndian.AppendUint32(body, e.sum)
		body = binary.LittleEndian.AppendUint32(body, crc32.Checksum(body[starts[i]:], castagnoli))
	}
	order := make([]int, len(entries))
	hashes := make([]uint64, len(entries))
	for i := range entries {
		order[i], hashes[i] = i, dirHash(entries[i].dir)
	}
	slices.SortFunc(order, func(a, b int) int {
		if c := cmp.Compare(hashes[a], hashes[b]); c != 0 {
			return c
		}
		return cmp.Compare(b, a)
	})
	b := appendString(nil, version)
	b = binary.AppendUvarint(b, uint64(len(entries)))
	for _, i := range order {
		b = binary.LittleEndian.AppendUint64(b, hashes[i])
		b = binary.LittleEndian.AppendUint32(b, starts[i])
	}
	return append(b, body...)
}

// errOtherVersion says that a pack was written by another version.
var errOtherVersion = errors.New("render cache pack of another version")

// packIndex is a pack's index as read, its entries decoded on demand.
type packIndex struct {
	slots []byte // len(slots) is a multiple of slotSize
	body  []byte // the entries
	end   int64  // where the records end
}

// parsePack finds the index of a pack's bytes, checking its header,
// trailer, version and that its slots fit; entries are checked when
// decoded.
func parsePack(data []byte, version string) (*packIndex, error) {
	size := len(data)
	if size < headerSize+trailerSize || string(data[:headerSize]) != packMagic ||
		string(data[size-len(trailerMagic):]) != trailerMagic {
		return nil, errRecord
	}
	end := size - trailerSize
	off := binary.LittleEndian.Uint64(data[end:])
	if off < uint64(headerSize) || off > uint64(end) {
		return nil, errRecord
	}
	d := &decoder{b: data[off:end]}
	if d.string() != version {
		if d.err != nil {
			return nil, d.err
		}
		return nil, errOtherVersion
	}
	n := d.count(slotSize + minEntrySize)
	slots := d.fixed(n * slotSize)
	if d.err != nil {
		return nil, d.err
	}
	return &packIndex{slots: slots, body: d.b, end: int64(off)}, nil
}

// count is the number of entries.
func (x *packIndex) count() int { return len(x.slots) / slotSize }

// slot returns slot i's hash and entry start.
func (x *packIndex) slot(i int) (uint64, uint32) {
	s := x.slots[i*slotSize:]
	return binary.LittleEndian.Uint64(s), binary.LittleEndian.Uint32(s[8:])
}

// entry decodes the entry at start, checking that its record lies
// between the header and the index.
func (x *packIndex) entry(start uint32) (indexEntry, int, error) {
	if uint64(start) >= uint64(len(x.body)) {
		return indexEntry{}, 0, errRecord
	}
	d := &decoder{b: x.body[start:]}
	var e indexEntry
	e.dir = d.string()
	copy(e.key[:], d.fixed(keySize))
	e.written = int64(d.uvarint() & (1<<63 - 1))
	off, n := d.uvarint(), d.uvarint()
	sum := d.fixed(4)
	size := len(x.body) - int(start) - len(d.b)
	own := d.fixed(4)
	if d.err != nil {
		return indexEntry{}, 0, d.err
	}
	if crc32.Checksum(x.body[start:int(start)+size], castagnoli) != binary.LittleEndian.Uint32(own) {
		return indexEntry{}, 0, errRecord
	}
	if off < uint64(headerSize) || n > uint64(x.end) || off > uint64(x.end)-n {
		return indexEntry{}, 0, errRecord
	}
	e.off, e.n, e.sum = int64(off), int64(n), binary.LittleEndian.Uint32(sum)
	return e, size + 4, nil
}

// all decodes every entry, in the order written, and checks that
// nothing follows them.
func (x *packIndex) all() ([]indexEntry, error) {
	entries := make([]indexEntry, x.count())
	var at uint32
	for i := range entries {
		e, size, err := x.entry(at)
		if err != nil {
			return nil, err
		}
		entries[i] = e
		at += uint32(size)
	}
	if int(at) != len(x.body) {
		return nil, errRecord
	}
	return entries, nil
}

// lookup returns dir's entries, the latest first; an entry that does
// not decode is left out.
func (x *packIndex) lookup(dir string) []indexEntry {
	h := dirHash(dir)
	lo := sort.Search(x.count(), func(i int) bool {
		sh, _ := x.slot(i)
		return sh >= h
	})
	var out []indexEntry
	for ; lo < x.count(); lo++ {
		sh, start := x.slot(lo)
		if sh != h {
			break
		}
		if e, _, err := x.entry(start); err == nil && e.dir == dir {
			out = append(out, e)
		}
	}
	return out
}

// openPack is a pack file mapped for reading.
type openPack struct {
	path  string
	data  []byte
	mod   time.Time
	index *packIndex
}

// ReadAt reads from the mapped pack.
func (p *openPack) ReadAt(b []byte, off int64) (int, error) {
	if off < 0 || off > int64(len(p.data)) || int64(len(b)) > int64(len(p.data))-off {
		return 0, io.EOF
	}
	return copy(b, p.data[off:]), nil
}

// close unmaps the pack.
func (p *openPack) close() error { return mapfile.Unmap(p.data) }

// openPackFile maps the pack at path and finds its index.
func openPackFile(path, version string) (*openPack, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	data, err := mapfile.Map(f, info.Size())
	if err != nil {
		return nil, err
	}
	x, err := parsePack(data, version)
	if err != nil {
		_ = mapfile.Unmap(data)
		return nil, err
	}
	return &openPack{path: path, data: data, mod: info.ModTime(), index: x}, nil
}

// packWriter writes a pack under a temporary name: the records as they
// come (held up to flushAt bytes, then written), the index when it
// finishes. It reads back the records written so far. It is not safe for
// concurrent use: its owner's lock (DiskCache.mu) guards it.
type packWriter struct {
	version string
	// last is, by directory, its latest entry.
	last    map[string]int32
	entries []indexEntry

	f       *os.File
	size    int64 // bytes of the pack so far, in f and buf
	flushed int64 // bytes in f
	buf     []byte
	err     error // the first write error; nothing is added after it
	done    bool  // finished: nothing more may be added
}

// newPackWriter starts a pack in dir, creating dir if needed.
func newPackWriter(dir, version string) (*packWriter, error) {
	f, err := os.CreateTemp(dir, tmpPrefix+"*")
	if errors.Is(err, fs.ErrNotExist) && os.MkdirAll(dir, 0o755) == nil {
		f, err = os.CreateTemp(dir, tmpPrefix+"*")
	}
	if err != nil {
		return nil, err
	}
	buf := append(make([]byte, 0, flushAt+16<<10), packMagic...)
	return &packWriter{version: version, last: map[string]int32{}, f: f, buf: buf, size: int64(len(buf))}, nil
}

// add appends rec, written at the given time, unless the pack holds the
// same build already.
func (w *packWriter) add(rec encodedRecord, written int64) {
	prev, ok := w.last[rec.dir]
	if !ok {
		prev = -1
	}
	for i := prev; i >= 0; i = w.entries[i].prev {
		if w.entries[i].key == rec.key {
			return
		}
	}
	if w.err != nil || w.done || len(w.entries) == math.MaxInt32 {
		return
	}
	w.entries = append(w.entries, indexEntry{dir: rec.dir, key: rec.key, written: written, off: w.size, n: int64(len(rec.data)),
		sum: crc32.Checksum(rec.data, castagnoli), prev: prev})
	w.last[rec.dir] = int32(len(w.entries) - 1)
	w.buf = append(w.buf, rec.data...)
	w.size += int64(len(rec.data))
	if len(w.buf) >= flushAt {
		w.flush()
	}
}

// flush writes the records held.
func (w *packWriter) flush() {
	if _, err := w.f.Write(w.buf); err != nil && w.err == nil {
		w.err = err
	}
	w.flushed += int64(len(w.buf))
	w.buf = w.buf[:0]
}

// refs returns dir's records in the pack, latest first. w.entries only
// grows: an entry taken stays as it is.
func (w *packWriter) refs(dir string) []recordRef {
	i, ok := w.last[dir]
	var refs []recordRef
	for ; ok && i >= 0; i = w.entries[i].prev {
		refs = append(refs, recordRef{from: w, e: &w.entries[i]})
	}
	return refs
}

// ReadAt reads records written so far.
func (w *packWriter) ReadAt(b []byte, off int64) (int, error) {
	if off >= w.flushed {
		start := off - w.flushed
		if start+int64(len(b)) > int64(len(w.buf)) {
			return 0, io.EOF
		}
		return copy(b, w.buf[start:]), nil
	}
	return w.f.ReadAt(b, off)
}

// finish writes the index and the trailer and renames the pack to its
// name in dir: prefix and the start of its index's SHA-256. A pack with
// no record, or that failed to write, is removed; the error says why.
func (w *packWriter) finish(dir, prefix string) (string, error) {
	w.done = true
	var idx []byte
	if w.err == nil && len(w.entries) == 0 {
		w.err = errors.New("no build to write")
	}
	if w.err == nil {
		idx = encodeIndex(w.version, w.entries)
		w.buf = append(w.buf, idx...)
		w.buf = binary.LittleEndian.AppendUint64(w.buf, uint64(w.size))
		w.buf = append(w.buf, trailerMagic...)
		w.flush()
	}
	tmp := w.f.Name()
	if err := w.f.Close(); err != nil && w.err == nil {
		w.err = err
	}
	var name string
	if w.err == nil {
		sum := sha256.Sum256(idx)
		name = filepath.Join(dir, prefix+hex.EncodeToString(sum[:16])+packExt)
		w.err = os.Rename(tmp, name)
	}
	if w.err != nil {
		_ = os.Remove(tmp)
		return "", fmt.Errorf("write render cache pack: %w", w.err)
	}
	return name, nil
}
