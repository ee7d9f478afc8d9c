// Package workspace finds the promote.yaml a command runs against, the Git
// repository around it, and the trees (the working directory or a commit)
// that planning reads.
package workspace
