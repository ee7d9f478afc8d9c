// Package yamledit makes byte-minimal edits to YAML documents.
//
// An edit changes only the bytes of the values it sets, adds or removes:
// comments, blank lines, key order, quoting style, indentation, flow or
// block style, line endings and document markers are kept. Values that
// YAML would read as anything but a string are written quoted so that they
// stay strings.
package yamledit
