package testrepo

import (
	"fmt"
	"sort"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"

	"github.com/gitops-promote/promote/internal/gitrepo"
)

// InitGit writes files under dir and makes dir a Git repository whose
// branch main holds them in one commit. Objects are written straight to
// the object database (no index is created), which keeps generating
// 10,000-app repositories fast.
func InitGit(dir string, files map[string][]byte) (plumbing.Hash, error) {
	if err := Write(dir, files); err != nil {
		return plumbing.ZeroHash, err
	}
	if _, err := git.PlainInitWithOptions(dir, &git.PlainInitOptions{
		InitOptions: git.InitOptions{DefaultBranch: plumbing.Main},
	}); err != nil {
		return plumbing.ZeroHash, fmt.Errorf("init %s: %w", dir, err)
	}
	repo, err := gitrepo.Open(dir)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	changes := make([]gitrepo.FileChange, len(names))
	for i, name := range names {
		changes[i] = gitrepo.FileChange{Path: name, Data: files[name]}
	}
	sig := gitrepo.Signature{Name: "Generator", Email: "gen@example.com", When: time.Unix(1_700_000_000, 0).UTC()}
	commit, err := repo.CommitFiles(plumbing.ZeroHash, changes, "initial: generated monorepo\n", sig)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	return commit, repo.SetRef("refs/heads/main", commit, plumbing.ZeroHash)
}
