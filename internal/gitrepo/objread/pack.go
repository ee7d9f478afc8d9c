package objread

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/gitops-promote/promote/internal/mapfile"
)

const (
	hashLen    = 20
	fanoutLen  = 256 * 4
	idxHeader  = 8 + fanoutLen
	packHeader = 12
)

// index is a mapped version 2 pack index.
type index struct {
	data   []byte
	n      int    // number of objects
	fanout []byte // 256 big-endian counts
	hashes []byte // n sorted hashes
	offs   []byte // n 32-bit offsets
	large  []byte // 64-bit offsets
}

// parseIndex checks the layout of a version 2 index; it reads only the
// header, the fan-out table and the sizes.
func parseIndex(data []byte) (*index, error) {
	if len(data) < idxHeader+2*hashLen || !bytes.Equal(data[:4], []byte("\xfftOc")) {
		return nil, fmt.Errorf("%w: not a version 2 pack index", ErrUnsupported)
	}
	if v := binary.BigEndian.Uint32(data[4:]); v != 2 {
		return nil, fmt.Errorf("%w: pack index version %d", ErrUnsupported, v)
	}
	ix := &index{data: data, fanout: data[8:idxHeader]}
	prev := uint32(0)
	for i := range 256 {
		c := binary.BigEndian.Uint32(ix.fanout[4*i:])
		if c < prev {
			return nil, errors.New("fan-out table not sorted")
		}
		prev = c
	}
	fixed := uint64(idxHeader) + uint64(prev)*(hashLen+8) + 2*hashLen
	if fixed > uint64(len(data)) || (uint64(len(data))-fixed)%8 != 0 {
		return nil, fmt.Errorf("index of %d objects has %d bytes", prev, len(data))
	}
	ix.n = int(prev)
	ix.hashes = data[idxHeader : idxHeader+ix.n*hashLen]
	ix.offs = data[idxHeader+ix.n*(hashLen+4) : idxHeader+ix.n*(hashLen+8)]
	ix.large = data[idxHeader+ix.n*(hashLen+8) : len(data)-2*hashLen]
	return ix, nil
}

// packSum is the checksum of the pack the index describes.
func (ix *index) packSum() []byte { return ix.data[len(ix.data)-2*hashLen : len(ix.data)-hashLen] }

// find returns the pack offset of h by a binary search within its fan-out
// range.
func (ix *index) find(h plumbing.Hash) (int64, bool) {
	lo := 0
	if h[0] > 0 {
		lo = int(binary.BigEndian.Uint32(ix.fanout[4*(int(h[0])-1):]))
	}
	hi := int(binary.BigEndian.Uint32(ix.fanout[4*int(h[0]):]))
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		switch c := bytes.Compare(ix.hashes[m*hashLen:(m+1)*hashLen], h[:]); {
		case c == 0:
			return ix.offset(m)
		case c < 0:
			lo = m + 1
		default:
			hi = m
		}
	}
	return 0, false
}

// offset returns the pack offset of the i-th object.
func (ix *index) offset(i int) (int64, bool) {
	o := binary.BigEndian.Uint32(ix.offs[4*i:])
	if o&0x80000000 == 0 {
		return int64(o), true
	}
	j := int(o & 0x7fffffff)
	if (j+1)*8 > len(ix.large) {
		return 0, false
	}
	v := binary.BigEndian.Uint64(ix.large[8*j:])
	if v > math.MaxInt64 {
		return 0, false
	}
	return int64(v), true
}

// pack is one mapped packfile and its index.
type pack struct {
	name string // pack-<sum>, for messages and rescans
	idx  *index
	data []byte
}

// openPack maps base.idx and base.pack and checks that they belong
// together.
func openPack(base string) (*pack, error) {
	p := &pack{name: filepath.Base(base)}
	idxData, err := mapPath(base + ".idx")
	if err != nil {
		return nil, err
	}
	if p.idx, err = parseIndex(idxData); err != nil {
		_ = mapfile.Unmap(idxData)
		return nil, fmt.Errorf("pack index %s: %w", base+".idx", err)
	}
	if p.data, err = mapPath(base + ".pack"); err != nil {
		_ = mapfile.Unmap(idxData)
		return nil, err
	}
	if err := p.checkHeader(); err != nil {
		_ = p.close()
		return nil, fmt.Errorf("pack %s: %w: %w", base+".pack", ErrCorrupt, err)
	}
	return p, nil
}

// mapPath maps the file name read-only.
func mapPath(name string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", name, err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", name, err)
	}
	if fi.Size() > math.MaxInt {
		return nil, fmt.Errorf("open %s: %w: too large to map", name, ErrUnsupported)
	}
	data, err := mapfile.Map(f, fi.Size())
	if err != nil {
		return nil, fmt.Errorf("map %s: %w", name, err)
	}
	return data, nil
}

// checkHeader checks the pack's signature, version, object count and
// trailing checksum against its index.
func (p *pack) checkHeader() error {
	d := p.data
	if len(d) < packHeader+hashLen || !bytes.Equal(d[:4], []byte("PACK")) {
		return errors.New("not a packfile")
	}
	if v := binary.BigEndian.Uint32(d[4:]); v != 2 && v != 3 {
		return fmt.Errorf("pack version %d", v)
	}
	if n := binary.BigEndian.Uint32(d[8:]); int64(n) != int64(p.idx.n) {
		return fmt.Errorf("pack has %d objects, its index %d", n, p.idx.n)
	}
	if !bytes.Equal(d[len(d)-hashLen:], p.idx.packSum()) {
		return errors.New("pack checksum differs from its index's")
	}
	return nil
}

func (p *pack) close() error {
	return errors.Join(mapfile.Unmap(p.idx.data), mapfile.Unmap(p.data))
}

// entry is the header of one pack entry.
type entry struct {
	off     int64
	typ     plumbing.ObjectType
	size    int64 // inflated size (of the delta, for deltas)
	content int64 // offset of the zlib data
	baseOff int64 // OFS_DELTA: the base's offset
	baseRef plumbing.Hash
}

// entryAt parses the entry header at off.
func (p *pack) entryAt(off int64) (entry, error) {
	end := int64(len(p.data) - hashLen)
	if off < packHeader || off >= end {
		return entry{}, fmt.Errorf("offset %d outside the pack", off)
	}
	e := entry{off: off}
	pos := off
	c := p.data[pos]
	pos++
	e.typ = plumbing.ObjectType(c >> 4 & 7)
	e.size = int64(c & 0x0f)
	for shift := 4; c&0x80 != 0; shift += 7 {
		if pos >= end || shift > 56 {
			return entry{}, fmt.Errorf("malformed entry header at %d", off)
		}
		c = p.data[pos]
		pos++
		e.size |= int64(c&0x7f) << shift
	}
	switch e.typ {
	case plumbing.CommitObject, plumbing.TreeObject, plumbing.BlobObject, plumbing.TagObject:
	case plumbing.OFSDeltaObject:
		if pos >= end {
			return entry{}, fmt.Errorf("truncated delta at %d", off)
		}
		c = p.data[pos]
		pos++
		rel := int64(c & 0x7f)
		for c&0x80 != 0 {
			if pos >= end || rel > math.MaxInt64>>8 {
				return entry{}, fmt.Errorf("malformed delta offset at %d", off)
			}
			c = p.data[pos]
			pos++
			rel = (rel+1)<<7 | int64(c&0x7f)
		}
		if rel <= 0 || rel > off-packHeader {
			return entry{}, fmt.Errorf("delta at %d has its base outside the pack", off)
		}
		e.baseOff = off - rel
	case plumbing.REFDeltaObject:
		if pos+hashLen > end {
			return entry{}, fmt.Errorf("truncated delta at %d", off)
		}
		copy(e.baseRef[:], p.data[pos:])
		pos += hashLen
	default:
		return entry{}, fmt.Errorf("entry of unknown type %d at %d", e.typ, off)
	}
	if pos >= end {
		return entry{}, fmt.Errorf("entry at %d has no data", off)
	}
	e.content = pos
	return e, nil
}

// inflate returns the entry's inflated data.
func (p *pack) inflate(e entry, limits Limits) ([]byte, error) {
	src := p.data[e.content : len(p.data)-hashLen]
	if e.size > limits.MaxObjectSize || e.size > maxInflated(len(src)) {
		return nil, fmt.Errorf("entry at %d of %d bytes exceeds the limit", e.off, e.size)
	}
	data, err := inflate(src, e.size)
	if err != nil {
		return nil, fmt.Errorf("entry at %d: %w", e.off, err)
	}
	return data, nil
}

// read returns object h at off, resolving its delta chain: the chain is
// followed down to a base that is cached or whole, then the deltas are
// applied upwards, caching each result.
func (p *pack) read(db *DB, h plumbing.Hash, off int64, depth int) (plumbing.ObjectType, []byte, error) {
	t, data, err := p.resolve(db, off, depth)
	if err != nil {
		// A pack on disk is never thin: a missing base is corruption, not
		// a missing object.
		return t, nil, fmt.Errorf("object %s in %s: %w: %w", h, p.name, ErrCorrupt, err)
	}
	return t, data, nil
}

// resolve implements read.
func (p *pack) resolve(db *DB, off int64, depth int) (plumbing.ObjectType, []byte, error) {
	var chain []entry
	var base cached
	for cur := off; ; {
		if c, ok := db.cache.get(p, cur); ok {
			base = c
			break
		}
		if len(chain) > depth {
			return plumbing.InvalidObject, nil, fmt.Errorf("delta chain longer than %d", depth)
		}
		e, err := p.entryAt(cur)
		if err != nil {
			return plumbing.InvalidObject, nil, err
		}
		if e.typ == plumbing.OFSDeltaObject {
			chain = append(chain, e)
			cur = e.baseOff
			continue
		}
		if e.typ == plumbing.REFDeltaObject {
			chain = append(chain, e)
			if o, ok := p.idx.find(e.baseRef); ok {
				cur = o
				continue
			}
			t, data, err := db.read(e.baseRef, depth-len(chain))
			if errors.Is(err, plumbing.ErrObjectNotFound) {
				return plumbing.InvalidObject, nil, fmt.Errorf("delta base %s missing", e.baseRef)
			}
			if err != nil {
				return plumbing.InvalidObject, nil, fmt.Errorf("delta base %s: %w", e.baseRef, err)
			}
			base = cached{typ: t, data: data}
			break
		}
		data, err := p.inflate(e, db.limits)
		if err != nil {
			return plumbing.InvalidObject, nil, err
		}
		base = cached{typ: e.typ, data: data}
		db.cache.put(p, cur, base)
		break
	}
	for i := len(chain) - 1; i >= 0; i-- {
		delta, err := p.inflate(chain[i], db.limits)
		if err != nil {
			return plumbing.InvalidObject, nil, err
		}
		out, err := applyDelta(base.data, delta, db.limits.MaxObjectSize)
		if err != nil {
			return plumbing.InvalidObject, nil, fmt.Errorf("delta at %d: %w", chain[i].off, err)
		}
		base = cached{typ: base.typ, data: out}
		db.cache.put(p, chain[i].off, base)
	}
	return base.typ, base.data, nil
}
