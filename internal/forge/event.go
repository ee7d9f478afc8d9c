package forge

import "strings"

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
	Thread Thread `json:"thread"`
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
	Thread Thread `json:"thread"`
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

// Actor is the author of a comment.
type Actor struct {
	Login string
	// Bot is set for bot accounts (GitHub type Bot, GitLab bot users,
	// logins ending in [bot]).
	Bot bool
}

// IsBot tells bots by the forge's flag or a login ending in [bot].
func IsBot(login string, flagged bool) bool {
	return flagged || strings.HasSuffix(strings.ToLower(login), "[bot]")
}
