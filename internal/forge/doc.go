// Package forge defines how a proposal reaches reviewers: the Forge
// interface that publishes a promotion branch and opens, updates or
// closes the pull or merge request carrying it, and the types its
// adapters share.
package forge
