package gitrepo

import (
	"bufio"
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"fmt"
	"hash/adler32"
	"io"

	"github.com/go-git/go-billy/v5"
	"github.com/go-git/go-git/v5/plumbing"
)

// looseLevel is the zlib level loose objects are written at: git's own
// default (core.looseCompression and core.compression unset), the
// fastest. go-git's writer uses zlib's default level, three times slower:
// 12 ms against 4 ms for the 360 KB tree that lists 10,000 apps, which a
// one-app commit in such a repository writes anew.
const looseLevel = zlib.BestSpeed

// looseWriter writes loose objects into a repository's object directory
// as git does: the zlib stream of the header and content goes to a
// temporary file, renamed to objects/xx/yyyy. Objects under storedBelow
// are stored without compression, like small objects in the packs
// CommitFiles writes: a loose object takes a file-system block whatever
// its size, and setting up a flate compressor allocates 1.2 MB, more than
// the rest of a one-app commit.
type looseWriter struct {
	fsys billy.Filesystem
	zw   *zlib.Writer // made for the first large object
	bw   *bufio.Writer
	buf  []byte
}

// newLooseWriter returns a writer into the git directory fsys.
func newLooseWriter(fsys billy.Filesystem) *looseWriter {
	return &looseWriter{fsys: fsys}
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

// encode writes the zlib stream of obj's header and content to dst.
func (w *looseWriter) encode(dst io.Writer, obj plumbing.EncodedObject) error {
	rd, err := obj.Reader()
	if err != nil {
		return err
	}
	defer rd.Close()
	w.buf = fmt.Appendf(w.buf[:0], "%s %d\x00", obj.Type(), obj.Size())
	if obj.Size() < storedBelow {
		if w.buf, err = appendAll(w.buf, rd); err != nil {
			return err
		}
		_, err = dst.Write(appendStoredZlib(nil, w.buf))
		return err
	}
	if w.zw == nil {
		w.zw, _ = zlib.NewWriterLevel(io.Discard, looseLevel) // the level is valid
		w.bw = bufio.NewWriterSize(io.Discard, 64<<10)
	}
	w.bw.Reset(dst)
	w.zw.Reset(w.bw)
	if _, err := w.zw.Write(w.buf); err != nil {
		return err
	}
	if _, err := io.Copy(w.zw, rd); err != nil {
		return err
	}
	if err := w.zw.Close(); err != nil {
		return err
	}
	return w.bw.Flush()
}

// appendAll appends what r reads to buf.
func appendAll(buf []byte, r io.Reader) ([]byte, error) {
	b := bytes.NewBuffer(buf)
	_, err := b.ReadFrom(r)
	return b.Bytes(), err
}

// appendStoredZlib appends the zlib stream of data with its deflate
// blocks stored, as zlib.NoCompression writes it, without allocating a
// compressor: the header, blocks of at most 65,535 bytes each with its
// length and the length's complement, and the Adler-32 checksum.
func appendStoredZlib(out, data []byte) []byte {
	sum := adler32.Checksum(data)
	out = append(out, 0x78, 0x01)
	for {
		n := min(len(data), 0xffff)
		final := byte(0)
		if n == len(data) {
			final = 1
		}
		out = append(out, final, byte(n), byte(n>>8), ^byte(n), ^byte(n>>8))
		out = append(out, data[:n]...)
		if data = data[n:]; final == 1 {
			break
		}
	}
	return binary.BigEndian.AppendUint32(out, sum)
}
