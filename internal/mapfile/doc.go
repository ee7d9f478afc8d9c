// Package mapfile maps files into memory read-only, for readers that
// look up a few entries of large files (git packs and their indexes,
// render cache packs) without reading them whole. Where mapping is not
// available it reads the file instead.
package mapfile
