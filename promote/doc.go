// Package promote is the library behind the promote command: it loads the
// promote.yaml configuration, computes a Plan that makes a target
// environment's promotables equal to its source's, and applies a plan to a
// tree as a set of byte-minimal file edits.
//
// Planning is pure: it reads fs.FS values (a directory on disk or a Git
// tree at a revision) and returns a Plan; it does no other I/O. The same
// Plan renders the CLI output, the JSON, the commit message and the pull
// request title and body.
//
// Every type of the package's API can be named by its importers: the
// types it shares with the internal kind packages (a kustomize image
// entry, an image value, a locator, a configuration error) are declared
// here as aliases (Image, ImageValue, Locator, ConfigError), so that each
// is defined once and no exported field or result has a type only
// internal packages can name.
package promote
