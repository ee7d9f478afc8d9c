package chatops

import "github.com/gitops-promote/promote/internal/forge"

// Repository is the repository an event happened in.
type Repository struct {
	// Forge is github or gitlab.
	Forge string `json:"forge"`
	// Path is owner/name on GitHub, group/project on GitLab.
	Path string `json:"path"`
	// DefaultBranch is where configuration and manifests are read from
	// and proposals target: never a pull request's head.
	DefaultBranch string `json:"defaultBranch"`
	// CloneURL is the repository's HTTPS clone URL.
	CloneURL string `json:"cloneURL,omitempty"`
}

// Comment is a new or changed comment that may hold a chat command.
type Comment struct {
	Thread forge.Thread `json:"thread"`
	// ID identifies the comment (for reactions).
	ID     int64  `json:"id"`
	Body   string `json:"body"`
	Author Actor  `json:"author"`
	// Created is false for edited and deleted comments, which are never
	// run: a command runs once, when it is posted.
	Created bool `json:"created"`
	// FromFork is set when the thread is a pull request from a fork. It
	// changes nothing: commands never read a pull request's head.
	FromFork bool `json:"fromFork,omitempty"`
}

// Merged is a pull or merge request that was closed or merged.
type Merged struct {
	Thread forge.Thread `json:"thread"`
	// Merged is false for a request closed without merging.
	Merged bool `json:"merged"`
	// Base and Head are the target and source branches.
	Base string `json:"base"`
	Head string `json:"head"`
	// Body carries the promote marker of promotion requests.
	Body string `json:"body"`
	// Title is the request's title.
	Title string `json:"title,omitempty"`
}

// Event is a forge event reduced to what promote acts on: a comment, or
// a request that was merged. Both are nil for events promote ignores.
type Event struct {
	Repository Repository `json:"repository"`
	Comment    *Comment   `json:"comment,omitempty"`
	Merged     *Merged    `json:"merged,omitempty"`
}

// NeedsWork reports whether an event may need work: a new comment whose
// first line is a command (well formed or not), or a merged request.
// Everything else is answered without reading the repository.
func NeedsWork(e *Event) bool {
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
