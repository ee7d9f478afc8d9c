// Package proposal turns a promotion request into a proposal: it plans
// from the base branch's tip, builds the promotion commit in the object
// database and hands it to a forge, re-planning when another run moved a
// branch first. The CLI, chat commands and the server share it.
package proposal
