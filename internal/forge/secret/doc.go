// Package secret keeps tokens out of what promote prints: a Set knows the
// secrets in use (tokens, installation tokens obtained during a run) and
// removes them from messages and errors.
package secret
