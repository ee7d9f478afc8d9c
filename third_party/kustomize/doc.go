// Package kustomize names the kustomize API release promote builds
// with. Its api directory is sigs.k8s.io/kustomize/api at Release, as
// released (Go sources without tests, the LICENSE), its imports moved
// under this module, with api.patch applied: changes that make a build
// faster and leave its output as it was (docs/performance.md, "The
// kustomize patch"). sync.sh rebuilds and checks the copy.
package kustomize

// Release is the sigs.k8s.io/kustomize/api version in api. The kustomize
// CLI built on it is the one the parity tests compare against.
const Release = "v0.21.2"
