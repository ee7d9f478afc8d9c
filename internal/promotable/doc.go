// Package promotable is the common ground of the promotable kinds other
// than kustomize images and whole files: container images in manifests
// and patches, Helm values and chart versions, pinned refs, Terraform
// variables and module versions.
//
// Each kind is a small unit: a Scanner reads an environment directory (a
// Dir: an fs.FS and a directory in it) and returns the promotables it
// finds, each with a Locator saying where it is; an Editor changes one of
// them in a file's bytes, touching only the bytes of its value. Diff pairs
// the promotables of a source and a target environment whose values
// differ. Planning (package promote) turns the pairs into changes and
// applying them calls the editors.
package promotable
