// Package buildinfo says which build of promote is running: the module
// version (a release tag or a pseudo-version), the commit and its date,
// and the Go version, read from the binary's build information and
// overridden by values a release build stamps in with -ldflags.
package buildinfo
