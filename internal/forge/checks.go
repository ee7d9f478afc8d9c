package forge

import "context"

// CheckState is the state of a commit status or check run, normalized
// across forges.
type CheckState string

// Check states: success; pending (queued, running, not yet reported as
// done); failure (failed, errored, cancelled, timed out).
const (
	CheckSuccess CheckState = "success"
	CheckPending CheckState = "pending"
	CheckFailure CheckState = "failure"
)

// Check is one named commit status (GitHub and GitLab: its context or
// name) or check run (GitHub: its name) on a commit.
type Check struct {
	Name  string     `json:"name"`
	State CheckState `json:"state"`
	// URL links to the check's details, when the forge gives one.
	URL string `json:"url,omitempty"`
}

// CheckReader is implemented by forges that report commit statuses and
// checks: the checks gate (requireChecks) reads them.
type CheckReader interface {
	// Checks returns the checks on commit, each name once: the newest
	// report of a name wins.
	Checks(ctx context.Context, commit string) ([]Check, error)
}
