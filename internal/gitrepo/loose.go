package gitrepo

import (
	"bufio"
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/adler32"
	"io"
	"os"
	"path/filepath"

	"github.com/go-git/go-billy/v5"
	"github.com/go-git/go-git/v5/plumbing"
)

// looseLevel is the zlib level loose blobs and commits of storedBelow or
// more are written at: git's own default (core.looseCompression and
// core.compression unset), the fastest. go-git's writer uses zlib's
// default level, three times slower.
const looseLevel = zlib.BestSpeed

// storedBlock is the most a stored deflate block holds.
const storedBlock = 0xffff

// looseWriter writes loose objects into a repository's object directory
// as git does: the zlib stream of the header and content goes to a
// temporary file, renamed to objects/xx/yyyy. Git reads any zlib stream,
// and some are written stored, without compression (zlib's level 0):
//
//   - objects under storedBelow, like small objects in the packs
//     CommitFiles writes: a loose object takes a file-system block
//     whatever its size, and setting up a flate compressor allocates
//     1.2 MB, more than the rest of a one-app commit;
//   - trees, which are mostly 20-byte hashes that do not compress: the
//     360 KB tree listing 10,000 apps, which a one-app commit writes anew,
//     takes 4 ms to compress at the fastest level, to 243 KB.
//
// git gc packs and compresses loose objects as it does any other.
type looseWriter struct {
	fsys  billy.Filesystem
	zw    *zlib.Writer // made for the first compressed object
	bw    *bufio.Writer
	block []byte // a stored block's content
}

// newLooseWriter returns a writer into the git directory fsys.
func newLooseWriter(fsys billy.Filesystem) *looseWriter {
	return &looseWriter{fsys: fsys, bw: bufio.NewWriterSize(io.Discard, 64<<10)}
}

// write writes obj, whose hash is h; an object already there is kept.
func (w *looseWriter) write(h plumbing.Hash, obj plumbing.EncodedObject) error {
	hex := h.String()
	dir := w.fsys.Join("objects", hex[:2])
	dst := w.fsys.Join(dir, hex[2:])
	f, err := w.fsys.TempFile(dir, "tmp_obj_")
	if err != nil {
		return err
	}
	err = w.encode(f, obj)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		w.makeReadOnly(f.Name())
		err = w.fsys.Rename(f.Name(), dst)
	}
	if err != nil {
		_ = w.fsys.Remove(f.Name())
		if _, serr := w.fsys.Lstat(dst); serr == nil {
			return nil // written meanwhile by another process
		}
		return err
	}
	return nil
}

// makeReadOnly gives a written object git's mode, 0444 (readable by
// everyone, as git leaves objects when core.sharedRepository is unset),
// where the filesystem can change modes.
func (w *looseWriter) makeReadOnly(name string) {
	if c, ok := w.fsys.(billy.Change); ok {
		_ = c.Chmod(name, 0o444)
		return
	}
	_ = os.Chmod(filepath.Join(w.fsys.Root(), name), 0o444)
}

// encode writes the zlib stream of obj's header and content to dst.
func (w *looseWriter) encode(dst io.Writer, obj plumbing.EncodedObject) error {
	rd, err := obj.Reader()
	if err != nil {
		return err
	}
	defer rd.Close()
	header := fmt.Appendf(nil, "%s %d\x00", obj.Type(), obj.Size())
	w.bw.Reset(dst)
	if obj.Size() < storedBelow || obj.Type() == plumbing.TreeObject {
		if w.block == nil {
			w.block = make([]byte, storedBlock)
		}
		content := io.MultiReader(bytes.NewReader(header), rd)
		err = writeStoredZlib(w.bw, content, int64(len(header))+obj.Size(), w.block)
	} else {
		err = w.compress(header, rd)
	}
	if err != nil {
		return err
	}
	return w.bw.Flush()
}

// compress writes the zlib stream of header and what r reads at
// looseLevel to w.bw.
func (w *looseWriter) compress(header []byte, r io.Reader) error {
	if w.zw == nil {
		w.zw, _ = zlib.NewWriterLevel(io.Discard, looseLevel) // the level is valid
	}
	w.zw.Reset(w.bw)
	if _, err := w.zw.Write(header); err != nil {
		return err
	}
	if _, err := io.Copy(w.zw, r); err != nil {
		return err
	}
	return w.zw.Close()
}

// errSizeMismatch is returned when an object's content is not as long
// as its size says.
var errSizeMismatch = errors.New("object content does not match its size")

// writeStoredZlib writes the zlib stream of the n bytes r reads with its
// deflate blocks stored, as zlib.NoCompression writes it but without
// allocating a compressor: the header, blocks of at most 65,535 bytes,
// each after its length and the length's complement, and the Adler-32
// checksum. block is a buffer of storedBlock bytes.
func writeStoredZlib(w io.Writer, r io.Reader, n int64, block []byte) error {
	sum := adler32.New()
	if _, err := w.Write([]byte{0x78, 0x01}); err != nil {
		return err
	}
	for {
		k := int(min(n, storedBlock))
		if _, err := io.ReadFull(r, block[:k]); err != nil {
			return fmt.Errorf("%w: %w", errSizeMismatch, err)
		}
		n -= int64(k)
		final := byte(0)
		if n == 0 {
			final = 1
		}
		if _, err := w.Write([]byte{final, byte(k), byte(k >> 8), ^byte(k), ^byte(k >> 8)}); err != nil {
			return err
		}
		if _, err := w.Write(block[:k]); err != nil {
			return err
		}
		_, _ = sum.Write(block[:k]) // a hash does not fail
		if final == 1 {
			break
		}
	}
	if k, _ := r.Read(block[:1]); k > 0 {
		return errSizeMismatch
	}
	_, err := w.Write(binary.BigEndian.AppendUint32(nil, sum.Sum32()))
	return err
}
