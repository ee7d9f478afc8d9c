//go:build !unix

package mapfile

import (
	"fmt"
	"io"
	"math"
	"os"
)

// Map reads the first size bytes of f into memory where files cannot be mapped.
func Map(f *os.File, size int64) ([]byte, error) {
	if size < 0 || size > math.MaxInt {
		return nil, fmt.Errorf("map %s: %d bytes cannot be read into memory", f.Name(), size)
	}
	b := make([]byte, size)
	_, err := io.ReadFull(io.NewSectionReader(f, 0, size), b)
	return b, err
}

// Unmap releases what Map returned.
func Unmap([]byte) error { return nil }
