package objread

import (
	"bytes"
	"compress/zlib"
	"crypto/sha1"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
)

// deflate compresses data with zlib.
func deflate(data []byte) []byte {
	var b bytes.Buffer
	w := zlib.NewWriter(&b)
	_, _ = w.Write(data)
	_ = w.Close()
	return b.Bytes()
}

// packEntry encodes a pack entry: type and size header, then extra (the
// delta base's offset or hash), then the zlib data of content.
func packEntry(t plumbing.ObjectType, content, extra []byte) []byte {
	size := len(content)
	c := byte(t)<<4 | byte(size&0x0f)
	size >>= 4
	var out []byte
	for size != 0 {
		out = append(out, c|0x80)
		c = byte(size & 0x7f)
		size >>= 7
	}
	out = append(out, c)
	return append(append(out, extra...), deflate(content)...)
}

// ofsDelta encodes the distance back to an OFS_DELTA entry's base.
func ofsDelta(rel int64) []byte {
	out := []byte{byte(rel & 0x7f)}
	for rel >>= 7; rel != 0; rel >>= 7 {
		rel--
		out = append([]byte{byte(0x80 | rel&0x7f)}, out...)
	}
	return out
}

// memPack builds a pack of raw entries and its index in memory; entry i
// gets the hash hashOf(i).
func memPack(entries [][]byte) *pack {
	data := []byte("PACK\x00\x00\x00\x02")
	data = binary.BigEndian.AppendUint32(data, uint32(len(entries)))
	type item struct {
		h   plumbing.Hash
		off int
	}
	items := make([]item, len(entries))
	for i, e := range entries {
		items[i] = item{hashOf(i), len(data)}
		data = append(data, e...)
	}
	sum := sha1.Sum(data)
	data = append(data, sum[:]...)
	slices.SortFunc(items, func(a, b item) int { return bytes.Compare(a.h[:], b.h[:]) })
	idx := []byte("\xfftOc\x00\x00\x00\x02")
	for b := range 256 {
		n := 0
		for _, it := range items {
			if int(it.h[0]) <= b {
				n++
			}
		}
		idx = binary.BigEndian.AppendUint32(idx, uint32(n))
	}
	for _, it := range items {
		idx = append(idx, it.h[:]...)
	}
	idx = append(idx, make([]byte, 4*len(items))...)
	for _, it := range items {
		idx = binary.BigEndian.AppendUint32(idx, uint32(it.off))
	}
	idx = append(idx, sum[:]...)
	idx = append(idx, make([]byte, hashLen)...)
	ix, err := parseIndex(idx)
	if err != nil {
		panic(err)
	}
	return &pack{name: "pack-test", idx: ix, data: data}
}

// hashOf is the made-up hash of entry i of a memPack.
func hashOf(i int) plumbing.Hash { return plumbing.Hash(sha1.Sum([]byte{byte(i), byte(i >> 8)})) }

// hashBytes is hashOf(i) as a slice.
func hashBytes(i int) []byte {
	h := hashOf(i)
	return h[:]
}

// memDB is a DB over one in-memory pack, with small limits.
func memDB(t testing.TB, p *pack) *DB {
	// A directory that does not exist: no loose objects, no other packs.
	none := filepath.Join(os.TempDir(), fmt.Sprintf("objread-none-%d", os.Getpid()))
	db := &DB{dir: none, limits: Limits{MaxObjectSize: 1 << 20, MaxDeltaDepth: 50, CacheBytes: 1 << 20}}
	db.cache = newLRU(db.limits.CacheBytes)
	db.packs.Store(&[]*pack{p})
	return db
}

// deltaOf encodes a delta that copies base[:n] then inserts tail.
func deltaOf(base []byte, n int, tail []byte) []byte {
	size := func(v int) []byte {
		var out []byte
		for v >= 0x80 {
			out = append(out, byte(v)|0x80)
			v >>= 7
		}
		return append(out, byte(v))
	}
	d := append(size(len(base)), size(n+len(tail))...)
	d = append(d, 0x80|0x10, byte(n)) // copy n bytes from offset 0
	return append(append(d, byte(len(tail))), tail...)
}

func TestMemPackDeltas(t *testing.T) {
	base := []byte("hello, world, a base object\n")
	first := packEntry(plumbing.BlobObject, base, nil)
	ofs := packEntry(plumbing.OFSDeltaObject, deltaOf(base, 12, []byte(" again\n")), ofsDelta(int64(len(first))))
	ref := packEntry(plumbing.REFDeltaObject, deltaOf(base, 5, []byte("!\n")), hashBytes(0))
	db := memDB(t, memPack([][]byte{first, ofs, ref}))
	for i, want := range []string{string(base), "hello, world again\n", "hello!\n"} {
		typ, data, err := db.Read(hashOf(i))
		if err != nil || typ != plumbing.BlobObject || string(data) != want {
			t.Errorf("entry %d: %s %q %v, want blob %q", i, typ, data, err, want)
		}
	}
	// A delta whose base is itself: the chain bound stops it.
	self := memPack([][]byte{packEntry(plumbing.REFDeltaObject, deltaOf(base, 5, nil), hashBytes(0))})
	if _, _, err := memDB(t, self).Read(hashOf(0)); !errors.Is(err, ErrCorrupt) {
		t.Errorf("self-referencing delta: %v, want ErrCorrupt", err)
	}
	// A header claiming a huge object is refused before allocating it.
	huge := packEntry(plumbing.BlobObject, base, nil)
	huge[0] |= 0x80
	huge = slices.Insert(huge, 1, 0xff, 0xff, 0xff, 0x7f)
	if _, _, err := memDB(t, memPack([][]byte{huge})).Read(hashOf(0)); !errors.Is(err, ErrCorrupt) {
		t.Errorf("huge object: %v, want ErrCorrupt", err)
	}
}

func TestInflateDoesNotTrustTheClaimedSize(t *testing.T) {
	for _, size := range []int64{6, preallocLimit + 1, 1 << 30} {
		if _, err := inflate(deflate([]byte("hello")), size); !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Errorf("inflating 5 bytes as %d: %v, want unexpected EOF", size, err)
		}
	}
	big := bytes.Repeat([]byte("0123456789"), preallocLimit/5)
	if out, err := inflate(deflate(big), int64(len(big))); err != nil || !bytes.Equal(out, big) {
		t.Errorf("inflating %d bytes: %d bytes, %v", len(big), len(out), err)
	}
}

// FuzzRead reads hostile pack entries, indexes, deltas and loose objects:
// every input gives an object or an error, never a panic or an
// allocation beyond the limits.
func FuzzRead(f *testing.F) {
	base := []byte("hello, world, a base object\n")
	first := packEntry(plumbing.BlobObject, base, nil)
	f.Add(first)
	f.Add(packEntry(plumbing.OFSDeltaObject, deltaOf(base, 12, []byte(" again\n")), ofsDelta(int64(len(first)))))
	f.Add(packEntry(plumbing.REFDeltaObject, deltaOf(base, 5, []byte("!\n")), hashBytes(0)))
	f.Add(packEntry(plumbing.REFDeltaObject, deltaOf(base, 5, nil), hashBytes(1)))
	f.Add(deflate([]byte("blob 5\x00hello")))
	f.Add(deltaOf(base, 20, []byte("tail")))
	f.Fuzz(func(t *testing.T, data []byte) {
		db := memDB(t, memPack([][]byte{first, data}))
		for i := range 2 {
			_, out, err := db.Read(hashOf(i))
			if err == nil && int64(len(out)) > db.limits.MaxObjectSize {
				t.Fatalf("read %d bytes past the limit", len(out))
			}
		}
		_, _, _ = parseLoose(data, 1<<20)
		half := len(data) / 2
		_, _ = applyDelta(data[:half], data[half:], 1<<20)
		if ix, err := parseIndex(data); err == nil {
			for i := range min(ix.n, 16) {
				var h plumbing.Hash
				copy(h[:], ix.hashes[i*hashLen:])
				_, _ = ix.find(h)
			}
		}
	})
}
