package objread

import (
	"bytes"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"sync"
)

// maxInflated is the most n bytes of zlib data can inflate to: deflate
// expands at most 1,032 times, plus the stream's framing.
func maxInflated(n int) int64 { return int64(n)*1032 + 64 }

// zreader is a pooled zlib reader with its source.
type zreader struct {
	src bytes.Reader
	z   io.ReadCloser
}

var zpool sync.Pool

// getReader returns a zlib reader over data.
func getReader(data []byte) (*zreader, error) {
	zr, _ := zpool.Get().(*zreader)
	if zr == nil {
		zr = &zreader{}
	}
	zr.src.Reset(data)
	var err error
	if zr.z == nil {
		zr.z, err = zlib.NewReader(&zr.src)
	} else {
		err = zr.z.(zlib.Resetter).Reset(&zr.src, nil)
	}
	if err != nil {
		zr.z = nil
		zpool.Put(zr)
		return nil, fmt.Errorf("zlib: %w", err)
	}
	return zr, nil
}

func putReader(zr *zreader) {
	zr.src.Reset(nil)
	zpool.Put(zr)
}

// inflate returns exactly size inflated bytes of the zlib stream at the
// start of data.
func inflate(data []byte, size int64) ([]byte, error) {
	zr, err := getReader(data)
	if err != nil {
		return nil, err
	}
	defer putReader(zr)
	if size > preallocLimit {
		// A header may claim more than the stream holds: grow with what
		// is inflated instead of trusting it.
		var b bytes.Buffer
		b.Grow(preallocLimit)
		n, err := b.ReadFrom(io.LimitReader(zr.z, size))
		if err == nil && n < size {
			err = io.ErrUnexpectedEOF
		}
		if err == nil {
			err = streamEnds(zr.z)
		}
		if err != nil {
			return nil, fmt.Errorf("inflate %d bytes: %w", size, err)
		}
		return b.Bytes(), nil
	}
	out := make([]byte, size)
	_, err = io.ReadFull(zr.z, out)
	if errors.Is(err, io.EOF) {
		err = io.ErrUnexpectedEOF
	}
	if err == nil {
		err = streamEnds(zr.z)
	}
	if err != nil {
		return nil, fmt.Errorf("inflate %d bytes: %w", size, err)
	}
	return out, nil
}

// streamEnds reads the end of a zlib stream whose content has been read:
// zlib checks the stream's checksum only there, and an uncompressed
// (stored) stream has no other check, so a damaged byte would otherwise
// go unnoticed. Content beyond the size the header gave is an error too.
func streamEnds(z io.Reader) error {
	var one [1]byte
	n, err := z.Read(one[:])
	switch {
	case n > 0:
		return errors.New("the stream holds more than the object's size")
	case err == io.EOF:
		return nil
	case err == nil:
		return streamEnds(z)
	}
	return err
}

// preallocLimit is the largest inflated size allocated before inflating.
const preallocLimit = 1 << 20

// inflatePrefix returns up to n inflated bytes of the zlib stream at the
// start of data (fewer when the stream is shorter).
func inflatePrefix(data []byte, n int) ([]byte, error) {
	zr, err := getReader(data)
	if err != nil {
		return nil, err
	}
	defer putReader(zr)
	out := make([]byte, n)
	k, err := io.ReadFull(zr.z, out)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("inflate: %w", err)
	}
	return out[:k], nil
}
