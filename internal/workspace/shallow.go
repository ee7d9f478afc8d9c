package workspace

import (
	"fmt"

	"github.com/go-git/go-git/v5/plumbing"
)

// ShallowEnd says where the first-parent history of tip ends when the
// repository is a shallow clone that lacks the rest, and how to fetch
// more; "" when the history reaches its root commit.
func (w *Workspace) ShallowEnd(tip plumbing.Hash) (string, error) {
	repo, err := w.Repo()
	if err != nil {
		return "", err
	}
	depth, edge, ok, err := repo.ShallowEdge(tip)
	if err != nil || !ok {
		return "", err
	}
	commits := "commits"
	if depth == 1 {
		commits = "commit"
	}
	return fmt.Sprintf("stops at commit %.12s, %d %s deep, where this shallow clone ends: fetch the whole history (git fetch --unshallow; actions/checkout: fetch-depth: 0; GitLab CI: GIT_DEPTH: 0) or more of it (git fetch --deepen=%d doubles it)",
		edge, depth, commits, depth), nil
}
