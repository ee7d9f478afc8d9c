// Package runnertest reproduces, for tests, what the GitHub Actions
// runner does around a Docker action's step: the INPUT_* variables it
// sets from action.yml's inputs and the step's with:, its parsing of
// the GITHUB_OUTPUT file, and the workflow commands it reads in the log.
package runnertest
