// Package cli is the promote command line: cobra commands, flag parsing,
// output in text, JSON and markdown, and exit codes. Commands get their
// dependencies from a Factory so tests can run them in process.
package cli
