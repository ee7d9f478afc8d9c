// Package warnonce passes on what libraries print to the process's
// standard error with each distinct warning line once: kustomize prints
// its deprecation warnings on every build, and a run builds each
// environment several times.
package warnonce
