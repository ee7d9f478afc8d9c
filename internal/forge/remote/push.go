package remote

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/format/packfile"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/protocol/packp"
	"github.com/go-git/go-git/v5/plumbing/protocol/packp/capability"
	"github.com/go-git/go-git/v5/plumbing/revlist"
	"github.com/go-git/go-git/v5/plumbing/storer"

	"github.com/gitops-promote/promote/internal/gitrepo"
)

// Update is one compare-and-swap of a promotion branch on the remote.
type Update struct {
	// Branch is the promotion branch (promote/...).
	Branch string
	// Old is the commit the branch must hold now; zero means it must not
	// exist.
	Old plumbing.Hash
	// New is the commit to set; zero deletes the branch.
	New plumbing.Hash
	// Base and BaseCommit, when set, require the remote's base branch to
	// still be at BaseCommit: a proposal is never pushed onto a base that
	// moved since it was planned.
	Base       string
	BaseCommit plumbing.Hash
}

// Push applies u. When the remote does not hold what u expects (the
// branch or the base moved), the error wraps gitrepo.ErrRefChanged and
// nothing changed. A push whose result is already on the remote (an
// earlier attempt landed) succeeds without sending anything.
func (r *Remote) Push(ctx context.Context, u Update) error {
	if !strings.HasPrefix(u.Branch, BranchPrefix) {
		return fmt.Errorf("refusing to update branch %s: %w: promote only writes branches under %s", u.Branch, ErrNotPromotionBranch, BranchPrefix)
	}
	what := "push " + u.Branch + " to"
	if u.New.IsZero() {
		what = "delete " + u.Branch + " on"
	}
	err := r.do(ctx, what, func(ctx context.Context) error { return r.pushOnce(ctx, u) })
	if err == nil || errors.Is(err, gitrepo.ErrRefChanged) || errors.Is(err, ErrNotPromotionBranch) {
		return err
	}
	after := "deleted"
	if !u.New.IsZero() {
		after = "at " + short(u.New)
	}
	return fmt.Errorf("%w (left behind: branch %s on origin is as before or, if the last attempt landed, %s; run promote again to finish)", err, u.Branch, after)
}

// MoveBase implements forge.BaseMover: it fast-forwards base on the
// remote from old to new. This is the documented exception to "only
// promote/... branches are written": the update is a compare-and-swap
// (the remote must still hold old) and a fast-forward (new must descend
// from old), so no commit on base is ever lost and base is never
// force-updated. A lost race wraps gitrepo.ErrRefChanged.
func (r *Remote) MoveBase(ctx context.Context, base, old, new string) error {
	u := Update{Branch: base, Old: plumbing.NewHash(old), New: plumbing.NewHash(new)}
	if err := r.fastForward(u.Old, u.New); err != nil {
		return fmt.Errorf("move %s: %w", base, err)
	}
	return r.do(ctx, "fast-forward "+base+" on", func(ctx context.Context) error { return r.pushOnce(ctx, u) })
}

// fastForward checks that new descends from old, both non-zero.
func (r *Remote) fastForward(old, new plumbing.Hash) error {
	if old.IsZero() || new.IsZero() {
		return errors.New("a fast-forward needs the branch's tip and a new commit")
	}
	st := r.Repo.Git().Storer
	from, err := object.GetCommit(st, old)
	if err != nil {
		return fmt.Errorf("read commit %s: %w", old, err)
	}
	to, err := object.GetCommit(st, new)
	if err != nil {
		return fmt.Errorf("read commit %s: %w", new, err)
	}
	ok, err := from.IsAncestor(to)
	if err != nil {
		return fmt.Errorf("check that %s descends from %s: %w", short(new), short(old), err)
	}
	if !ok {
		return fmt.Errorf("%s does not descend from %s: refusing a non-fast-forward update", short(new), short(old))
	}
	return nil
}

func (r *Remote) pushOnce(ctx context.Context, u Update) error {
	sess, err := r.receiveSession(ctx)
	if err != nil {
		return err
	}
	defer sess.Close()
	adv, err := sess.AdvertisedReferencesContext(ctx)
	if err != nil {
		return err
	}
	refs, err := advertised(adv)
	if err != nil {
		return err
	}
	name := plumbing.NewBranchReferenceName(u.Branch)
	if refs[name] == u.New {
		return nil
	}
	if err := checkLease(refs, u); err != nil {
		return err
	}
	req := packp.NewReferenceUpdateRequestFromCapabilities(adv.Capabilities)
	req.Commands = []*packp.Command{{Name: name, Old: u.Old, New: u.New}}
	if r.Progress != nil {
		req.Progress = r.Progress
		switch {
		case adv.Capabilities.Supports(capability.Sideband64k):
			_ = req.Capabilities.Set(capability.Sideband64k)
		case adv.Capabilities.Supports(capability.Sideband):
			_ = req.Capabilities.Set(capability.Sideband)
		}
	}
	if u.New.IsZero() && !adv.Capabilities.Supports(capability.DeleteRefs) {
		return fmt.Errorf("the remote does not allow deleting branches")
	}
	return r.send(ctx, sess, req, u)
}

// checkLease verifies the advertised values against what u expects.
func checkLease(refs Refs, u Update) error {
	if u.Base != "" {
		if now := refs.Branch(u.Base); now != u.BaseCommit {
			return fmt.Errorf("base branch %s moved on the remote since the plan was made (planned on %s, now %s): %w", u.Base, short(u.BaseCommit), describeHash(now), gitrepo.ErrRefChanged)
		}
	}
	if now := refs.Branch(u.Branch); now != u.Old {
		return fmt.Errorf("branch %s changed on the remote (expected %s, found %s): %w", u.Branch, describeHash(u.Old), describeHash(now), gitrepo.ErrRefChanged)
	}
	return nil
}

// send transmits the update and the objects it needs, and reads the
// remote's verdict.
func (r *Remote) send(ctx context.Context, sess interface {
	ReceivePack(context.Context, *packp.ReferenceUpdateRequest) (*packp.ReportStatus, error)
}, req *packp.ReferenceUpdateRequest, u Update) error {
	done := make(chan error, 1)
	if !u.New.IsZero() {
		objs, err := r.objectsToSend(u.New, u.BaseCommit, u.Old)
		if err != nil {
			return err
		}
		rd, wr := io.Pipe()
		req.Packfile = rd
		go func() {
			_, err := packfile.NewEncoder(wr, r.Repo.Git().Storer, false).Encode(objs, 10)
			done <- wr.CloseWithError(err)
		}()
		defer rd.Close()
	} else {
		close(done)
	}
	status, err := sess.ReceivePack(ctx, req)
	if status != nil {
		if serr := status.Error(); serr != nil {
			return rejected(u.Branch, serr)
		}
	}
	if err != nil {
		return err
	}
	if err := <-done; err != nil {
		return fmt.Errorf("write pack: %w", err)
	}
	return nil
}

// rejected explains a reference update the remote refused: a lost race
// wraps gitrepo.ErrRefChanged so the caller re-plans.
func rejected(branch string, err error) error {
	msg := strings.ToLower(err.Error())
	for _, s := range []string{"lock", "failed to update ref", "stale", "fetch first", "non-fast-forward", "expected", "already exists", "reference changed"} {
		if strings.Contains(msg, s) {
			return fmt.Errorf("the remote refused to update %s because it changed meanwhile (%v): %w", branch, err, gitrepo.ErrRefChanged)
		}
	}
	return fmt.Errorf("the remote refused to update %s: %w", branch, err)
}

// objectsToSend lists the objects the remote needs for commit, given that
// it has the commits in have (zero hashes are skipped). For a promotion
// commit on have's tip that is the commit and the trees and blobs that
// differ from its parent's; anything else walks the history.
func (r *Remote) objectsToSend(commit plumbing.Hash, have ...plumbing.Hash) ([]plumbing.Hash, error) {
	st := r.Repo.Git().Storer
	have = slices.DeleteFunc(slices.Clone(have), func(h plumbing.Hash) bool { return h.IsZero() || !r.has(h) })
	c, err := object.GetCommit(st, commit)
	if err != nil {
		return nil, fmt.Errorf("read commit %s: %w", commit, err)
	}
	if len(c.ParentHashes) != 1 || !slices.Contains(have, c.ParentHashes[0]) {
		return revlist.Objects(st, []plumbing.Hash{commit}, have)
	}
	parent, err := object.GetCommit(st, c.ParentHashes[0])
	if err != nil {
		return nil, fmt.Errorf("read commit %s: %w", c.ParentHashes[0], err)
	}
	out := []plumbing.Hash{commit}
	seen := map[plumbing.Hash]bool{commit: true}
	if err := diffTrees(st, c.TreeHash, parent.TreeHash, seen, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// diffTrees appends to out the trees and blobs under tree that are not
// under old (zero for none).
func diffTrees(st storer.EncodedObjectStorer, tree, old plumbing.Hash, seen map[plumbing.Hash]bool, out *[]plumbing.Hash) error {
	if tree == old || seen[tree] {
		return nil
	}
	seen[tree] = true
	*out = append(*out, tree)
	t, err := object.GetTree(st, tree)
	if err != nil {
		return fmt.Errorf("read tree %s: %w", tree, err)
	}
	before := map[string]object.TreeEntry{}
	if !old.IsZero() {
		ot, err := object.GetTree(st, old)
		if err != nil {
			return fmt.Errorf("read tree %s: %w", old, err)
		}
		for _, e := range ot.Entries {
			before[e.Name] = e
		}
	}
	for _, e := range t.Entries {
		prev, ok := before[e.Name]
		switch {
		case ok && prev.Hash == e.Hash, e.Mode == filemode.Submodule:
		case e.Mode == filemode.Dir:
			var sub plumbing.Hash
			if ok && prev.Mode == filemode.Dir {
				sub = prev.Hash
			}
			if err := diffTrees(st, e.Hash, sub, seen, out); err != nil {
				return err
			}
		case !seen[e.Hash]:
			seen[e.Hash] = true
			*out = append(*out, e.Hash)
		}
	}
	return nil
}

func short(h plumbing.Hash) string { return h.String()[:12] }

func describeHash(h plumbing.Hash) string {
	if h.IsZero() {
		return "no branch"
	}
	return short(h)
}

// ErrNotPromotionBranch is returned when asked to publish a branch outside
// promote/.
var ErrNotPromotionBranch = errors.New("not a promotion branch")
