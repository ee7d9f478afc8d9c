package objread

import (
	"errors"
	"fmt"
)

// applyDelta applies a Git delta to base: two sizes (the base's and the
// result's), then copy instructions (from base) and insert instructions
// (literal bytes). Every instruction is checked against both sizes.
func applyDelta(base, delta []byte, maxSize int64) ([]byte, error) {
	srcSize, delta, err := deltaSize(delta)
	if err != nil {
		return nil, err
	}
	if srcSize != int64(len(base)) {
		return nil, fmt.Errorf("delta expects a base of %d bytes, base has %d", srcSize, len(base))
	}
	dstSize, delta, err := deltaSize(delta)
	if err != nil {
		return nil, err
	}
	if dstSize > maxSize {
		return nil, fmt.Errorf("delta result of %d bytes exceeds the limit", dstSize)
	}
	// Each instruction byte copies at most the whole base or inserts at
	// most 127 bytes; a larger claimed size is corrupt.
	if dstSize > int64(len(delta))*max(int64(len(base)), 0x80) {
		return nil, fmt.Errorf("delta result of %d bytes from %d bytes of delta", dstSize, len(delta))
	}
	out := make([]byte, 0, min(dstSize, preallocLimit))
	for len(delta) > 0 {
		cmd := delta[0]
		delta = delta[1:]
		switch {
		case cmd&0x80 != 0:
			var off, n int64
			for i := range 4 {
				if cmd&(1<<i) != 0 {
					if len(delta) == 0 {
						return nil, errors.New("truncated copy instruction")
					}
					off |= int64(delta[0]) << (8 * i)
					delta = delta[1:]
				}
			}
			for i := range 3 {
				if cmd&(0x10<<i) != 0 {
					if len(delta) == 0 {
						return nil, errors.New("truncated copy instruction")
					}
					n |= int64(delta[0]) << (8 * i)
					delta = delta[1:]
				}
			}
			if n == 0 {
				n = 0x10000
			}
			if off+n > int64(len(base)) || int64(len(out))+n > dstSize {
				return nil, fmt.Errorf("copy of %d bytes at %d out of bounds", n, off)
			}
			out = append(out, base[off:off+n]...)
		case cmd != 0:
			n := int(cmd)
			if n > len(delta) || int64(len(out)+n) > dstSize {
				return nil, fmt.Errorf("insert of %d bytes out of bounds", n)
			}
			out = append(out, delta[:n]...)
			delta = delta[n:]
		default:
			return nil, errors.New("reserved delta instruction 0")
		}
	}
	if int64(len(out)) != dstSize {
		return nil, fmt.Errorf("delta produced %d bytes, expected %d", len(out), dstSize)
	}
	return out, nil
}

// deltaSize decodes one of a delta's leading sizes.
func deltaSize(d []byte) (int64, []byte, error) {
	var v int64
	for i, shift := 0, 0; i < len(d); i, shift = i+1, shift+7 {
		if shift > 56 {
			break
		}
		v |= int64(d[i]&0x7f) << shift
		if d[i]&0x80 == 0 {
			return v, d[i+1:], nil
		}
	}
	return 0, nil, errors.New("malformed delta size")
}
