// Package workspace finds the promote.yaml a command runs against, the Git
// repository around it, and the trees (the working directory or a commit)
// that planning reads; it walks an environment's history (the input of
// promote.History), writes edits into the working directory, and keeps
// the server's bare clones.
package workspace
