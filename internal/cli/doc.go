// Package cli is the promote command line: cobra commands that turn flags
// into options, make one call to the service layer (internal/proposal,
// internal/workspace, internal/chatops) and print the result in text,
// JSON or markdown, with typed exit codes. Commands get their
// dependencies from a Factory so tests can run them in process, and the
// proposing commands take a run seam (newXCmd(f, runF)) so tests can
// check their flag handling without running them. The package imports no
// go-git package.
package cli
