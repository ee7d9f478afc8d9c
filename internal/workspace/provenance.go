package workspace

import (
	"fmt"
	"io/fs"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/gitops-promote/promote/internal/gitrepo"
	"github.com/gitops-promote/promote/promote"
)

// Provenance reads what verifying an environment's history needs from
// the workspace's repository: trees at recorded source commits and the
// signatures of commits, checked as git verify-commit checks them.
type Provenance struct {
	ws   *Workspace
	repo *gitrepo.Repo
}

// Provenance returns the workspace's promote.Provenance.
func (w *Workspace) Provenance() (*Provenance, error) {
	repo, err := w.Repo()
	if err != nil {
		return nil, err
	}
	return &Provenance{ws: w, repo: repo}, nil
}

// TreeAt is the workspace's tree at commit (a full or abbreviated hash
// from a trailer).
func (p *Provenance) TreeAt(commit string) (fs.FS, error) {
	h, err := p.repo.Resolve(commit)
	if err != nil {
		return nil, err
	}
	return p.ws.TreeAt(h)
}

// Signature checks the signature of commit with the programs and trust
// git's configuration names.
func (p *Provenance) Signature(commit string) (promote.SignatureCheck, error) {
	st, err := p.repo.VerifyCommit(plumbing.NewHash(commit))
	if err != nil {
		return promote.SignatureCheck{}, fmt.Errorf("check the signature of %s: %w", commit, err)
	}
	return promote.SignatureCheck{Signed: st.Signed, Good: st.Good, Reason: st.Reason}, nil
}

// Since returns a function reporting whether a commit is rev or one of
// its ancestors: where `promote verify --since REV` stops.
func (w *Workspace) Since(rev string) (func(string) bool, error) {
	repo, err := w.Repo()
	if err != nil {
		return nil, err
	}
	h, err := repo.Resolve(rev)
	if err != nil {
		return nil, fmt.Errorf("--since: %w", err)
	}
	seen, err := repo.Ancestors(h)
	if err != nil {
		return nil, fmt.Errorf("--since: %w", err)
	}
	return func(c string) bool { return seen[plumbing.NewHash(c)] }, nil
}
