// Package testrepo generates realistic GitOps monorepos for tests and
// benchmarks: N apps, each with a base and dev/staging/prod kustomize
// overlays written with comments, 1-3 images per app, and staging ahead of
// prod for a chosen fraction of apps. Output is deterministic for a seed.
package testrepo
