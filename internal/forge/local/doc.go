// Package local is the forge without a remote: a proposal is a branch in
// the local repository, set with compare-and-swap.
package local
