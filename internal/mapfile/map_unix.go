//go:build unix

package mapfile

import (
	"fmt"
	"math"
	"os"
	"syscall"
)

// Map maps the first size bytes of f read-only; Unmap releases them.
func Map(f *os.File, size int64) ([]byte, error) {
	if size == 0 {
		return nil, nil
	}
	if size < 0 || size > math.MaxInt {
		return nil, fmt.Errorf("map %s: %d bytes cannot be mapped", f.Name(), size)
	}
	return syscall.Mmap(int(f.Fd()), 0, int(size), syscall.PROT_READ, syscall.MAP_SHARED)
}

// Unmap releases a mapping made by Map.
func Unmap(b []byte) error {
	if b == nil {
		return nil
	}
	return syscall.Munmap(b)
}
