// Package parallel runs independent pieces of work on every core, with
// results that do not depend on scheduling: planning apps, writing
// files, and building environments for the validation gate.
package parallel
