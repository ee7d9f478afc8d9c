package review

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"time"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/gitops-promote/promote/internal/forge"
	"github.com/gitops-promote/promote/internal/gitrepo"
	"github.com/gitops-promote/promote/internal/workspace"
	"github.com/gitops-promote/promote/promote"
)

// maxCheckCommits bounds the commits whose checks are read: the commit
// that last changed the source and at most this many later ones.
const maxCheckCommits = 20

// Sources read what the gates need besides the plan: the clock, the
// source environment's history and the forge's checks. Evaluating the
// gates themselves stays pure (promote.EvaluateGates).
type Sources struct {
	// Now is the clock.
	Now func() time.Time
	// Workspace holds the repository whose history is read.
	Workspace *workspace.Workspace
	// Checks reads commit statuses and check runs; nil when the forge
	// reports none (the checks gate then waits and says so).
	Checks forge.CheckReader
	// ChecksErr, when Checks is nil, says why (the forge could not be
	// reached, or has no checks).
	ChecksErr error
	// Deepen, when set, fetches more of a shallow clone's history (see
	// proposal.Deepener) when the soak gate needs older commits.
	Deepen func(tip plumbing.Hash, depth int) error
}

// Input reads the gate input for plan, planned from tree at the base
// commit tip: the base tree for stop files, the source's history for the
// soak gate and the checks of the commit that last changed the source
// and of the later ones for the checks gate. Only what the target asks
// for is read.
func (s Sources) Input(ctx context.Context, cfg *promote.Config, plan *promote.Plan, tree fs.FS, tip plumbing.Hash) promote.GateInput {
	in := promote.GateInput{Now: s.Now(), Base: tree}
	to, ok := cfg.Env(plan.To)
	from, okFrom := cfg.Env(plan.From)
	if !ok || !okFrom || plan.Empty() || (to.Soak() == 0 && len(to.RequireChecks) == 0) {
		return in
	}
	walkTip, err := sourceTip(plan, tree, from, tip)
	if err != nil {
		in.HistoryErr, in.ChecksErr = err, err
		return in
	}
	if to.Soak() > 0 {
		in.SourceHistory, in.HistoryErr = s.soakHistory(cfg, plan, from, walkTip)
	}
	if len(to.RequireChecks) > 0 {
		in.Checks, in.ChecksErr = s.readChecks(ctx, cfg, plan, from, walkTip)
	}
	return in
}

// Deepening a shallow clone for the soak gate starts at minDeepen
// commits and doubles, at most maxDeepen times.
const (
	minDeepen = 50
	maxDeepen = 10
)

// soakHistory reads the source's history the soak gate needs, deepening
// a shallow clone until it reaches the commit that brought each value (a
// value whose arrival is not in the clone must not count as soaked).
func (s Sources) soakHistory(cfg *promote.Config, plan *promote.Plan, from promote.Environment, tip plumbing.Hash) ([]promote.HistoryEntry, error) {
	var history []promote.HistoryEntry
	err := s.deepened(tip, from.Name, func() (bool, error) {
		var err error
		history, err = promote.SoakHistory(cfg, plan, s.Workspace.EnvCommits(cfg, from, plan.Apps, tip, false))
		return err == nil && promote.SoakReached(plan, history), err
	})
	return history, err
}

// deepened runs read until it reports that the history it needs was
// there. In a shallow clone that ends first it deepens the history of
// tip (with s.Deepen, doubling) until read is satisfied or the history is
// complete; without Deepen, or when it stays shallow, it is an error
// naming where the clone ends.
func (s Sources) deepened(tip plumbing.Hash, env string, read func() (bool, error)) error {
	repo, err := s.Workspace.Repo()
	if err != nil {
		return err
	}
	for round := 0; ; round++ {
		done, err := read()
		if err != nil || done {
			return err
		}
		depth, _, shallow, err := repo.ShallowEdge(tip)
		if err != nil || !shallow {
			return err
		}
		if s.Deepen == nil || round == maxDeepen {
			msg, err := s.Workspace.ShallowEnd(tip)
			if err != nil {
				return err
			}
			return fmt.Errorf("the history %s", msg)
		}
		if err := s.Deepen(tip, max(2*depth, minDeepen)); err != nil {
			return fmt.Errorf("fetch more of %s's history: %w", env, err)
		}
	}
}

// sourceTip is the commit the source's state is read at: the plan's
// source commit when it names one (a release set), the source branch's
// tip for a branch environment, else the base tip.
func sourceTip(plan *promote.Plan, tree fs.FS, from promote.Environment, tip plumbing.Hash) (plumbing.Hash, error) {
	if plan.SourceRev != "" && plan.SourceCommit != "" {
		return plumbing.NewHash(plan.SourceCommit), nil
	}
	b, err := workspace.EnvBranchOf(tree, from)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	if b != nil {
		return b.Commit, nil
	}
	return tip, nil
}

// readChecks reads the checks of the commit that last changed the source
// (apps selected) and of up to maxCheckCommits later commits of the
// branch, that commit first.
func (s Sources) readChecks(ctx context.Context, cfg *promote.Config, plan *promote.Plan, from promote.Environment, tip plumbing.Hash) ([]promote.CommitChecks, error) {
	if s.Checks == nil {
		if s.ChecksErr != nil {
			return nil, s.ChecksErr
		}
		return nil, errors.New("the forge reports no commit statuses or checks")
	}
	commits, err := s.checkCommits(cfg, plan, from, tip)
	if err != nil {
		return nil, err
	}
	out := make([]promote.CommitChecks, 0, len(commits))
	for _, c := range commits {
		checks, err := s.Checks.Checks(ctx, c.String())
		if err != nil {
			return nil, fmt.Errorf("read checks of %s: %w", c.String()[:12], err)
		}
		cc := promote.CommitChecks{Commit: c.String(), Checks: map[string]promote.CheckState{}}
		for _, ch := range checks {
			cc.Checks[ch.Name] = promote.CheckState(ch.State)
		}
		out = append(out, cc)
	}
	return out, nil
}

// checkCommits are the commit that last changed the source's directories
// and the first-parent commits after it up to tip, oldest first.
func (s Sources) checkCommits(cfg *promote.Config, plan *promote.Plan, from promote.Environment, tip plumbing.Hash) ([]plumbing.Hash, error) {
	repo, err := s.Workspace.Repo()
	if err != nil {
		return nil, err
	}
	prefix, err := s.Workspace.Prefix()
	if err != nil {
		return nil, err
	}
	var pats []string
	for _, p := range cfg.EnvPatterns(from, plan.Apps) {
		pats = append(pats, path.Join(prefix, p))
	}
	last := plumbing.ZeroHash
	err = s.deepened(tip, from.Name, func() (bool, error) {
		for pc, err := range repo.PathLog(tip, gitrepo.LogOptions{Patterns: pats}) {
			if err != nil {
				return false, err
			}
			last = pc.Hash
			break
		}
		return !last.IsZero(), nil
	})
	if err != nil {
		return nil, err
	}
	if last.IsZero() {
		return nil, fmt.Errorf("no commit changed %s", from.Name)
	}
	return laterCommits(repo, last, tip)
}

// maxLaterWalk bounds the first-parent walk from the tip back to the
// commit that last changed the source.
const maxLaterWalk = 10000

// laterCommits walks the first parents from tip back to last: last and
// up to maxCheckCommits commits after it (the newest), oldest first.
func laterCommits(repo *gitrepo.Repo, last, tip plumbing.Hash) ([]plumbing.Hash, error) {
	var later []plumbing.Hash
	for h := tip; h != last && len(later) < maxLaterWalk; {
		later = append(later, h)
		parents, err := repo.ParentsOf(h)
		if err != nil {
			return nil, err
		}
		if len(parents) == 0 {
			break
		}
		h = parents[0]
	}
	later = later[:min(len(later), maxCheckCommits)]
	out := []plumbing.Hash{last}
	for i := len(later) - 1; i >= 0; i-- {
		out = append(out, later[i])
	}
	return out, nil
}

// Evaluate returns the gates of plan, planned from tree at commit tip,
// without enforcing them: for plan and status.
// trees.Target is the tree at tip.
func (s Sources) Evaluate(ctx context.Context, cfg *promote.Config, plan *promote.Plan, trees promote.Trees, tip plumbing.Hash) ([]promote.Gate, error) {
	in := s.Input(ctx, cfg, plan, trees.Target, tip)
	return promote.EvaluateGates(cfg, plan, trees, in)
}

// StatusGates evaluates the gates of every edge of st that is behind.
func (s Sources) StatusGates(ctx context.Context, cfg *promote.Config, st *promote.Status, tree fs.FS, tip plumbing.Hash) error {
	for i, e := range st.Pipeline {
		if !e.Behind || e.Plan() == nil {
			continue
		}
		gates, err := s.Evaluate(ctx, cfg, e.Plan(), promote.Trees{Source: tree, Target: tree}, tip)
		if err != nil {
			return fmt.Errorf("gates of %s → %s: %w", e.From, e.To, err)
		}
		st.Pipeline[i].Gates = gates
	}
	return nil
}
