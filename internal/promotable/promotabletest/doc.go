// Package promotabletest runs the golden tests of promotable scanners and
// editors: a source environment, a target before and after, compared
// byte for byte.
package promotabletest
