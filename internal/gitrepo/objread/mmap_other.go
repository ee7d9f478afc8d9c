//go:build !unix

package objread

import (
	"io"
	"os"
)

// mapFile reads f into memory where mapping files is not available.
func mapFile(f *os.File, size int64) ([]byte, error) {
	b := make([]byte, size)
	_, err := io.ReadFull(f, b)
	return b, err
}

// unmap releases what mapFile returned.
func unmap([]byte) error { return nil }
