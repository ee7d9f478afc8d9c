package github

import (
	"context"
	"encoding/base64"
	"fmt"

	"github.com/go-git/go-git/v5/plumbing"
	gh "github.com/google/go-github/v89/github"

	"github.com/gitops-promote/promote/internal/forge/remote"
	"github.com/gitops-promote/promote/internal/gitrepo"
)

// APIWriter writes promotion branches through GitHub's Git Data API
// instead of pushing them: the commit promote built locally is re-created
// by GitHub (blobs, a tree on the parent's, a commit without author or
// signature) and the branch is set to it. Created with a GitHub App
// installation token, such a commit is signed by GitHub and marked
// verified, without any key on promote's side.
type APIWriter struct{ F *Forge }

// WriteBranch implements remote.BranchWriter. The tree GitHub computes
// must be the local commit's, else nothing is written to the branch.
// The branch is created, or force-updated: unlike a push, the API cannot
// make the update conditional on the branch's current value.
func (w APIWriter) WriteBranch(ctx context.Context, u remote.Update) (plumbing.Hash, error) {
	local := w.F.Remote.Repo
	parent, changes, err := local.ChangedFiles(u.New)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	info, err := local.Commit(u.New)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	want, err := local.TreeOf(u.New)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	base, err := local.TreeOf(parent)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	entries, err := w.blobs(ctx, changes)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	tree, _, err := w.F.API.Git.CreateTree(ctx, w.F.Owner, w.F.Repo, base.String(), entries)
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("create the tree of %s through the API: %w", u.Branch, err)
	}
	if tree.GetSHA() != want.String() {
		return plumbing.ZeroHash, fmt.Errorf("create the tree of %s through the API: GitHub's tree %.12s is not the local %.12s", u.Branch, tree.GetSHA(), want)
	}
	c, _, err := w.F.API.Git.CreateCommit(ctx, w.F.Owner, w.F.Repo, gh.Commit{
		Message: gh.Ptr(info.Message), Tree: &gh.Tree{SHA: gh.Ptr(want.String())},
		Parents: []*gh.Commit{{SHA: gh.Ptr(parent.String())}},
	}, nil)
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("create the commit of %s through the API: %w", u.Branch, err)
	}
	if v := c.GetVerification(); !v.GetVerified() {
		w.F.Notef("the commit GitHub created for %s is not marked verified (%s): GitHub signs API commits made with a GitHub App installation token", u.Branch, v.GetReason())
	}
	if err := w.setRef(ctx, u, c.GetSHA()); err != nil {
		return plumbing.ZeroHash, err
	}
	return plumbing.NewHash(c.GetSHA()), nil
}

// blobs uploads the written files and returns the tree entries of every
// change (deletions have no SHA).
func (w APIWriter) blobs(ctx context.Context, changes []gitrepo.FileChange) ([]*gh.TreeEntry, error) {
	entries := make([]*gh.TreeEntry, 0, len(changes))
	for _, c := range changes {
		e := &gh.TreeEntry{Path: gh.Ptr(c.Path), Mode: gh.Ptr("100644"), Type: gh.Ptr("blob")}
		if c.Executable {
			e.Mode = gh.Ptr("100755")
		}
		if !c.Delete {
			b, _, err := w.F.API.Git.CreateBlob(ctx, w.F.Owner, w.F.Repo, gh.Blob{
				Content: gh.Ptr(base64.StdEncoding.EncodeToString(c.Data)), Encoding: gh.Ptr("base64"),
			})
			if err != nil {
				return nil, fmt.Errorf("upload %s through the API: %w", c.Path, err)
			}
			e.SHA = b.SHA
		}
		entries = append(entries, e)
	}
	return entries, nil
}

// setRef creates the branch at sha, or force-updates it.
func (w APIWriter) setRef(ctx context.Context, u remote.Update, sha string) error {
	var err error
	if u.Old.IsZero() {
		_, _, err = w.F.API.Git.CreateRef(ctx, w.F.Owner, w.F.Repo, gh.CreateRef{Ref: "refs/heads/" + u.Branch, SHA: sha})
	} else {
		_, _, err = w.F.API.Git.UpdateRef(ctx, w.F.Owner, w.F.Repo, "heads/"+u.Branch, gh.UpdateRef{SHA: sha, Force: gh.Ptr(true)})
	}
	if err != nil {
		return fmt.Errorf("set %s through the API: %w", u.Branch, err)
	}
	return nil
}
