// Package scaffold writes a first promote.yaml for a repository nobody
// configured yet. It reads the repository's directories (and its
// branch names), finds the environments by the names teams give them
// (dev, qa, staging, prod, ...), orders them into a pipeline, infers
// what should travel between them, and renders a commented
// configuration. It only reads: the caller writes the file.
package scaffold
