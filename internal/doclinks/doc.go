// Package doclinks holds a test that checks the relative links of the
// repository's README.md and docs/*.md: every linked file exists and every
// #anchor names a heading of the page it points to, as GitHub renders it.
package doclinks
