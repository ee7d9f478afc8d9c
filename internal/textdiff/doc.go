// Package textdiff renders line diffs the way git does, with go-git's
// diff (over github.com/sergi/go-diff, which go-git itself requires) and
// its unified encoder: the one text-diff library of the module.
package textdiff
