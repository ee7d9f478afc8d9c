package gitrepo

import (
	"bufio"
	"bytes"
	"compress/zlib"
	"crypto/sha1"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/go-git/go-billy/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/idxfile"
	"github.com/go-git/go-git/v5/storage/filesystem"
)

// packDir is where packfiles live inside the git directory.
const packDir = "objects/pack"

// writePackFiles writes the objects of b, undeltified, as a new packfile
// and its index in st's objects/pack, and makes st reload its packs.
// Entries are compressed on every core; go-git's encoder compresses on
// one and then parses the pack back to index it, which dominated commits
// of thousands of files.
func writePackFiles(st *filesystem.Storage, b *objectBatch) error {
	entries, err := compressEntries(b)
	if err != nil {
		return fmt.Errorf("write pack: %w", err)
	}
	fsys := st.Filesystem()
	sum, idx, err := writePackData(fsys, b.order, entries)
	if err != nil {
		return fmt.Errorf("write pack: %w", err)
	}
	if err := writePackIndex(fsys, sum, idx); err != nil {
		return fmt.Errorf("write pack index: %w", err)
	}
	st.Reindex()
	return nil
}

// compressEntries returns each object's pack entry: the type-and-size
// header followed by the zlib-compressed content.
func compressEntries(b *objectBatch) ([][]byte, error) {
	entries := make([][]byte, len(b.order))
	errs := make([]error, len(b.order))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(b.order)) {
		wg.Go(func() {
			// A flate writer holds about 1 MB of state: one per worker
			// and level.
			fast, _ := zlib.NewWriterLevel(io.Discard, zlib.BestSpeed)
			stored, _ := zlib.NewWriterLevel(io.Discard, zlib.NoCompression)
			for i := int(next.Add(1) - 1); i < len(entries); i = int(next.Add(1) - 1) {
				obj := b.objs[b.order[i]]
				zw := fast
				if obj.Size() < storedBelow {
					zw = stored
				}
				entries[i], errs[i] = packEntry(zw, obj)
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return entries, nil
}

// storedBelow is the size under which an object is stored in the pack
// without compression (zlib's level 0, which Git reads like any other):
// compressing a small file or tree costs about 7 µs at zlib's fastest
// level, 40 times what storing it does, to save about 80 bytes, and a
// commit of 10,000 files has 40,000 of them. Git itself compresses them
// again when it repacks.
const storedBelow = 4 << 10

func packEntry(zw *zlib.Writer, obj plumbing.EncodedObject) ([]byte, error) {
	rd, err := obj.Reader()
	if err != nil {
		return nil, err
	}
	defer rd.Close()
	var buf bytes.Buffer
	buf.Write(entryHeader(obj.Type(), obj.Size()))
	zw.Reset(&buf)
	if _, err := io.Copy(zw, rd); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// entryHeader encodes a pack entry's type and inflated size: 3 bits of
// type and 4 of size in the first byte, then 7 bits of size per byte.
func entryHeader(t plumbing.ObjectType, size int64) []byte {
	c := byte(t)<<4 | byte(size&0x0f)
	size >>= 4
	var out []byte
	for size != 0 {
		out = append(out, c|0x80)
		c = byte(size & 0x7f)
		size >>= 7
	}
	return append(out, c)
}

// writePackData writes the pack to a temporary file and renames it to
// pack-<checksum>.pack; it returns the checksum and the index entries.
func writePackData(fsys billy.Filesystem, order []plumbing.Hash, entries [][]byte) (plumbing.Hash, *idxfile.Writer, error) {
	f, err := fsys.TempFile(packDir, "tmp_pack_")
	if err != nil {
		return plumbing.ZeroHash, nil, err
	}
	// One write per entry would be a system call per object.
	bw := bufio.NewWriterSize(f, 1<<20)
	sum, idx, err := streamPack(bw, order, entries)
	if err == nil {
		err = bw.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = fsys.Rename(f.Name(), fsys.Join(packDir, "pack-"+sum.String()+".pack"))
	}
	if err != nil {
		_ = fsys.Remove(f.Name())
	}
	return sum, idx, err
}

// streamPack writes the header, the entries and the SHA-1 trailer.
func streamPack(w io.Writer, order []plumbing.Hash, entries [][]byte) (plumbing.Hash, *idxfile.Writer, error) {
	h := sha1.New()
	out := io.MultiWriter(w, h)
	header := make([]byte, 12)
	copy(header, "PACK")
	binary.BigEndian.PutUint32(header[4:], 2)
	binary.BigEndian.PutUint32(header[8:], uint32(len(entries)))
	if _, err := out.Write(header); err != nil {
		return plumbing.ZeroHash, nil, err
	}
	idx := new(idxfile.Writer)
	_ = idx.OnHeader(uint32(len(entries)))
	pos := uint64(len(header))
	for i, e := range entries {
		if _, err := out.Write(e); err != nil {
			return plumbing.ZeroHash, nil, err
		}
		idx.Add(order[i], pos, crc32.ChecksumIEEE(e))
		pos += uint64(len(e))
	}
	var sum plumbing.Hash
	copy(sum[:], h.Sum(nil))
	if _, err := w.Write(sum[:]); err != nil {
		return plumbing.ZeroHash, nil, err
	}
	return sum, idx, idx.OnFooter(sum)
}

// writePackIndex writes pack-<sum>.idx; a pack becomes visible to readers
// when its index appears, so this comes after the pack.
func writePackIndex(fsys billy.Filesystem, sum plumbing.Hash, w *idxfile.Writer) error {
	idx, err := w.Index()
	if err != nil {
		return err
	}
	f, err := fsys.TempFile(packDir, "tmp_idx_")
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(f)
	if _, err = idxfile.NewEncoder(bw).Encode(idx); err == nil {
		err = bw.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = fsys.Rename(f.Name(), fsys.Join(packDir, "pack-"+sum.String()+".idx"))
	}
	if err != nil {
		_ = fsys.Remove(f.Name())
	}
	return err
}
