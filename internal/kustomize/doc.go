// Package kustomize reads the images: entries of the kustomizations that
// make up an environment and turns image changes into byte-minimal
// yamledit operations on those files.
package kustomize
