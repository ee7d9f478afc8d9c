// Package objread reads Git objects from a repository's object directory:
// packfiles through their version 2 indexes, and loose objects. It exists
// because reading many objects through go-git's storage costs more than
// the work itself: go-git decodes a pack's whole index when it opens it,
// builds a map from offset to hash of every object the first time it
// resolves a delta, wraps every object it reads, and is not safe for
// concurrent use.
//
// A DB maps each index and pack read-only, finds an object by a binary
// search in the index's fan-out range, and resolves offset and reference
// deltas through a cache of delta bases keyed by pack offset and bounded
// in bytes. All methods are safe for concurrent use; the cache is the only
// shared mutable state and has its own lock.
//
// Packs and loose objects written after Open are found: a lookup that
// misses rescans the pack directory once. Corrupt or hostile input gives
// an error naming the object and pack, never a panic: delta chains are
// bounded in depth, objects in size, and every offset is checked.
//
// Object directories listed in objects/info/alternates (clones made with
// --shared or --reference) are searched after the repository's own, up
// to five levels deep as in git.
//
// Open reports ErrUnsupported for what it does not read, so that callers
// fall back to go-git: repositories whose object format is not SHA-1
// (extensions.objectFormat) and pack indexes of a version other than 2.
// Packs of a partial clone (.promisor) are read like any other; objects
// missing from them are reported as not found. A .keep file changes
// nothing for reading.
package objread
