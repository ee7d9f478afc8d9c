// Package refs finds and edits pinned Git refs: the ?ref= of remote bases
// in a kustomization's resources:, components: and bases:
// (github.com/acme/app//deploy?ref=v1.2.3), and the spec.ref.tag of Flux
// GitRepository sources.
package refs
