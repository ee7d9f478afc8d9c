// Package fileerr is the error for bad input found in a file: the file,
// the line where known, and what was wrong, printed as file:line: message
// so editors and CI annotations can jump to it.
package fileerr
