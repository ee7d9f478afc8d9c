package chatops

import "github.com/gitops-promote/promote/internal/forge"

// NeedsWork reports whether an event may need work: a new comment whose
// first line is a command (well formed or not), or a merged request.
// Everything else is answered without reading the repository.
func NeedsWork(e *forge.Event) bool {
	switch {
	case e == nil:
		return false
	case e.Comment != nil:
		if !e.Comment.Created {
			return false
		}
		cmd, err := Parse(e.Comment.Body)
		return cmd != nil || err != nil
	case e.Merged != nil:
		return e.Merged.Merged
	}
	return false
}
