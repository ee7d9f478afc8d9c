// Package safeyaml parses YAML read from a repository under fixed limits:
// file size, document count, nesting depth and the nodes alias expansion
// may add (a "billion laughs" file of a few hundred bytes would otherwise
// expand to gigabytes in any decoder that follows aliases). It also
// refuses a mapping that names one key twice, which decoders resolve by
// silently dropping one of the values. Every refusal is a *fileerr.Error
// naming the file and line.
package safeyaml
