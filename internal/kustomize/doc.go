// Package kustomize reads the images: entries of the kustomizations that
// make up an environment and turns image changes into byte-minimal
// yamledit operations on those files. It also builds an environment with
// the kustomize API (krusty) in process over any io/fs.FS, a git tree or
// a directory, with a promotion's edits laid over it when asked (Render,
// TreeFileSystem, Overlay): no kustomize binary, checkout or network.
package kustomize
