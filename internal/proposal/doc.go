// Package proposal is the service layer every front end calls (the CLI,
// chat commands, the server, the Action). It turns a request into a
// proposal: it plans from the base branch's tip (BaseTip), builds the
// commit in the object database and hands it to a forge, re-planning
// when another run moved a branch first. Promotion, Rollback and
// SetImage plan; Run proposes and Direct commits onto the base branch
// instead (set-image --direct).
package proposal
