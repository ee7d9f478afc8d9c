package workspace

import (
	"fmt"
	"io/fs"
	"iter"
	"path"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/gitops-promote/promote/internal/gitrepo"
	"github.com/gitops-promote/promote/promote"
)

// HistoryRequest selects the changes to an environment's promotables
// that History lists.
type HistoryRequest struct {
	promote.HistoryRequest
	// Ref is the revision whose history is walked; a branch environment
	// is walked from its branch instead unless RefGiven.
	Ref      string
	RefGiven bool
	// AllParents visits every commit reachable, not only the first-parent
	// chain.
	AllParents bool
}

// HistoryResult is what History found (the JSON of promote history).
type HistoryResult struct {
	Environment string                 `json:"environment"`
	Ref         string                 `json:"ref"`
	Commit      string                 `json:"commit"`
	Entries     []promote.HistoryEntry `json:"entries"`
}

// EnvWalk is an environment's history as history, its statistics and
// verify read it.
type EnvWalk struct {
	Workspace *Workspace
	Config    *promote.Config
	Env       promote.Environment
	// Tip is the commit the walk starts from, Ref how it was named.
	Tip plumbing.Hash
	Ref string
	// Commits are the commits that changed the environment's directories.
	Commits iter.Seq2[promote.EnvCommit, error]
}

// Walk resolves ref (a branch environment's branch instead unless
// refGiven) and walks the commits that changed env's directories (those
// of apps, when given).
func (w *Workspace) Walk(envName string, apps []string, ref string, refGiven, allParents bool) (*EnvWalk, error) {
	repo, err := w.Repo()
	if err != nil {
		return nil, err
	}
	tip, err := repo.Resolve(ref)
	if err != nil {
		return nil, fmt.Errorf("--ref: %w", err)
	}
	cfg, tree, err := w.AtCommit(tip)
	if err != nil {
		return nil, err
	}
	env, err := cfg.Lookup(envName)
	if err != nil {
		return nil, err
	}
	if !refGiven {
		if tip, ref, err = EnvWalkTip(tree, env, tip, ref); err != nil {
			return nil, err
		}
	}
	return &EnvWalk{Workspace: w, Config: cfg, Env: env, Tip: tip, Ref: ref, Commits: w.EnvCommits(cfg, env, apps, tip, allParents)}, nil
}

// DeliveryStats computes the delivery metrics of req.Env (its apps, at
// req.Ref) at now over the window since (0: the whole history): its own
// history, and the first environment's for lead times.
func (w *Workspace) DeliveryStats(req HistoryRequest, now time.Time, since time.Duration) (promote.Stats, error) {
	walk, err := w.Walk(req.Env, req.Apps, req.Ref, req.RefGiven, req.AllParents)
	if err != nil {
		return promote.Stats{}, err
	}
	env, err := promote.History(walk.Config, promote.HistoryRequest{Env: walk.Env.Name, Apps: req.Apps}, walk.Commits)
	if err != nil {
		return promote.Stats{}, err
	}
	first := walk.Config.FirstOf(walk.Env)
	firstEntries := env
	if first.Name != walk.Env.Name {
		if firstEntries, err = w.firstHistory(req, walk.Config, first.Name, promote.PromotedApps(env)); err != nil {
			return promote.Stats{}, err
		}
	}
	return promote.DeliveryStats(promote.StatsRequest{Env: walk.Env.Name, First: first.Name, Now: now, Since: since}, env, firstEntries), nil
}

// firstHistory reads the history of the first environment of the
// pipeline. In a monorepo only the apps that promotions into the
// measured environment changed are walked: their values are the only
// ones whose origin is looked up.
func (w *Workspace) firstHistory(req HistoryRequest, cfg *promote.Config, first string, changed []string) ([]promote.HistoryEntry, error) {
	apps := req.Apps
	if len(apps) == 0 && cfg.Apps != nil {
		if len(changed) == 0 {
			return nil, nil
		}
		apps = changed
	}
	fw, err := w.Walk(first, apps, req.Ref, req.RefGiven, req.AllParents)
	if err != nil {
		return nil, err
	}
	return promote.History(fw.Config, promote.HistoryRequest{Env: first, Apps: apps}, fw.Commits)
}

// EnvCommits walks the commits reachable from tip that changed env's
// directories (those of apps, when given), newest first, with the
// workspace's trees before and after each: the input of promote.History.
func (w *Workspace) EnvCommits(cfg *promote.Config, env promote.Environment, apps []string, tip plumbing.Hash, allParents bool) iter.Seq2[promote.EnvCommit, error] {
	return func(yield func(promote.EnvCommit, error) bool) {
		repo, err := w.Repo()
		if err != nil {
			yield(promote.EnvCommit{}, err)
			return
		}
		prefix, err := w.Prefix()
		if err != nil {
			yield(promote.EnvCommit{}, err)
			return
		}
		var pats []string
		for _, p := range cfg.EnvPatterns(env, apps) {
			pats = append(pats, path.Join(prefix, p))
		}
		for pc, err := range repo.PathLog(tip, gitrepo.LogOptions{Patterns: pats, AllParents: allParents}) {
			var ec promote.EnvCommit
			if err == nil {
				ec, err = envCommit(repo, prefix, cfg, env, pc)
			}
			if !yield(ec, err) || err != nil {
				return
			}
		}
	}
}

// envCommit reads the trees and messages of a commit the walk found.
func envCommit(repo *gitrepo.Repo, prefix string, cfg *promote.Config, env promote.Environment, pc gitrepo.PathChange) (promote.EnvCommit, error) {
	ec := promote.EnvCommit{
		Commit: pc.Hash.String(), Author: pc.Author.Name, Email: pc.Author.Email,
		Date: pc.Committer.When, Message: pc.Message,
	}
	var err error
	if ec.After, err = subTree(repo, pc.Hash, prefix); err != nil {
		return ec, err
	}
	if !pc.Parent.IsZero() {
		ec.Parent = pc.Parent.String()
		if ec.Before, err = subTree(repo, pc.Parent, prefix); err != nil {
			return ec, err
		}
	}
	if len(pc.Parents) > 1 {
		if merged, err := repo.Commit(pc.Parents[1]); err == nil {
			ec.MergedMessage, ec.Merged = merged.Message, pc.Parents[1].String()
		}
	}
	for _, p := range pc.Paths {
		rel := p
		if prefix != "." {
			rel = strings.TrimPrefix(p, prefix+"/")
		}
		if app, ok := cfg.AppOfDir(env, rel); ok && app != "" {
			ec.Apps = append(ec.Apps, app)
		}
	}
	return ec, nil
}

// subTree is the tree of commit at the workspace prefix.
func subTree(repo *gitrepo.Repo, commit plumbing.Hash, prefix string) (fs.FS, error) {
	tree, err := repo.TreeFS(commit)
	if err != nil {
		return nil, err
	}
	return fs.Sub(tree, prefix)
}

// EnvWalkTip is where the history of env starts: the tip of its branch
// (local, else origin/<branch>) for a branch environment, tip otherwise;
// ref names it.
func EnvWalkTip(tree fs.FS, env promote.Environment, tip plumbing.Hash, ref string) (plumbing.Hash, string, error) {
	b, err := EnvBranchOf(tree, env)
	if err != nil || b == nil {
		return tip, ref, err
	}
	return b.Commit, env.Branch, nil
}
