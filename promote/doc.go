// Package promote is the library behind the promote command: it loads the
// promote.yaml configuration, computes a Plan that makes a target
// environment's promotables equal to its source's, and applies a plan to a
// tree as a set of byte-minimal file edits.
//
// Planning is pure: it reads fs.FS values (a directory on disk or a Git
// tree at a revision) and returns a Plan; it does no other I/O. The same
// Plan renders the CLI output, the JSON, the commit message and the pull
// request title and body.
package promote
