// Package gitrepo reads and writes a Git repository with go-git: trees at a
// revision as an fs.FS, commits built directly in the object database from
// a parent and a set of changed files, compare-and-swap reference updates
// and a check for uncommitted edits. It never touches the working tree,
// the index or HEAD.
package gitrepo
