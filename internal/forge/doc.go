// Package forge defines how a proposal reaches reviewers: the Forge
// interface that publishes a promotion branch and opens, updates or
// closes the pull or merge request carrying it, the comment side chat
// commands use (Commenter: permissions, reactions, replies), the
// commit statuses and check runs the checks gate reads (CheckReader),
// and the types its adapters share. Adapters import this package and never the
// planner or the front ends.
package forge
