//go:build !unix

package mapfile

import (
	"io"
	"os"
)

// Map reads the first size bytes of f into memory where files cannot be mapped.
func Map(f *os.File, size int64) ([]byte, error) {
	b := make([]byte, size)
	_, err := io.ReadFull(f, b)
	return b, err
}

// Unmap releases what Map returned.
func Unmap([]byte) error { return nil }
