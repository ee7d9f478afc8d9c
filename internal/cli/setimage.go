package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	gogit "github.com/go-git/go-git/v5"
	gitconfig "github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/spf13/cobra"

	"github.com/gitops-promote/promote/internal/forge"
	"github.com/gitops-promote/promote/internal/forge/connect"
	"github.com/gitops-promote/promote/internal/gitrepo"
	"github.com/gitops-promote/promote/internal/kustomize"
	"github.com/gitops-promote/promote/internal/proposal"
	"github.com/gitops-promote/promote/internal/workspace"
	"github.com/gitops-promote/promote/promote"
)

// BuildSource is the source a set-image plan names: a new build, not an
// environment.
const BuildSource = "build"

type setImageOptions struct {
	env    string
	app    string
	images []string
	proposeFlags
	direct bool
	out    output
}

func newSetImageCmd(f *Factory) *cobra.Command {
	o := &setImageOptions{}
	cmd := &cobra.Command{
		Use:   "set-image --env ENV NAME=IMAGE[:TAG][@DIGEST]...",
		Short: "Record a new build in an environment's kustomization, as a proposal or a direct commit",
		Long: `Set-image sets the images an environment runs to a new build, the way
CI records what it just pushed: NAME is an image of the environment's
kustomizations (its images: name, or the last segment of it when that is
unique: web for ghcr.io/acme/web), IMAGE[:TAG][@DIGEST] what it should
run. Every entry for the image in the environment is edited
byte-minimally.

By default the change is proposed like a promotion, from "build": one
commit on promote/build-to-<env> and a pull or merge request (merging it
opens the next promotion when that environment has autoPromote: true).
With --direct the commit goes straight onto the base branch (for dev
environments without review): a compare-and-swap of the branch, retried
when someone else pushed meanwhile, never a force push.`,
		Example: `  promote set-image --env dev web=ghcr.io/acme/web:3f2a1c9
  promote set-image --env dev --direct web=ghcr.io/acme/web:3f2a1c9 worker=ghcr.io/acme/worker@sha256:9b1f...
  promote set-image --env dev --app web --image web=ghcr.io/acme/web:1.5.0 --dry-run -o json`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runSetImage(cmd, f, o, args)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&o.env, "env", "", "the `ENV`ironment to set the images of (required)")
	fl.StringVar(&o.app, "app", "", "the `APP` (monorepos)")
	fl.StringArrayVar(&o.images, "image", nil, "`NAME=IMAGE[:TAG][@DIGEST]` to set (repeatable; or give them as arguments)")
	o.proposeFlags.register(cmd, f, proposeUsage{forge: "where to propose: auto, local, github, gitlab, gitea", base: baseUsage,
		dryRun: "plan and print without writing anything", skipValidation: "propose even when the environment does not build after the change"})
	fl.BoolVar(&o.direct, "direct", false, "commit onto the base branch instead of proposing (compare-and-swap, no force)")
	o.out.register(cmd, "text", "json", "markdown")
	_ = cmd.MarkFlagRequired("env")
	return cmd
}

// imageSet is one NAME=IMAGE[:TAG][@DIGEST] argument.
type imageSet struct {
	arg, name, image, tag, digest string
}

// parseImageSet reads NAME=IMAGE[:TAG][@DIGEST]; without NAME= the
// image's name is the name.
func parseImageSet(arg string) (imageSet, error) {
	s := imageSet{arg: arg}
	name, ref, ok := strings.Cut(arg, "=")
	if !ok {
		ref = arg
	}
	ref, s.digest, _ = strings.Cut(ref, "@")
	s.image = ref
	if i := strings.LastIndex(ref, ":"); i > strings.LastIndex(ref, "/") {
		s.image, s.tag = ref[:i], ref[i+1:]
	}
	s.name = name
	if !ok {
		s.name = s.image
	}
	switch {
	case s.name == "" || s.image == "" || strings.ContainsAny(arg, " \t\n"):
		return s, fmt.Errorf("%q: expected NAME=IMAGE[:TAG][@DIGEST], such as web=ghcr.io/acme/web:1.5.0", arg)
	case s.tag == "" && s.digest == "":
		return s, fmt.Errorf("%q: expected a tag (:TAG) or a digest (@sha256:...)", arg)
	case s.digest != "" && !strings.Contains(s.digest, ":"):
		return s, fmt.Errorf("%q: digest %q: expected ALGORITHM:HEX, such as sha256:9b1f...", arg, s.digest)
	}
	return s, nil
}

func runSetImage(cmd *cobra.Command, f *Factory, o *setImageOptions, args []string) error {
	if err := o.out.check(); err != nil {
		return err
	}
	var sets []imageSet
	for _, a := range append(append([]string{}, o.images...), args...) {
		s, err := parseImageSet(a)
		if err != nil {
			return err
		}
		sets = append(sets, s)
	}
	if len(sets) == 0 {
		return errors.New("no image to set: give NAME=IMAGE[:TAG][@DIGEST] arguments or --image")
	}
	opts, err := o.options(f)
	if err != nil {
		return err
	}
	ctx, cancel := o.context(cmd)
	defer cancel()
	opts.Plan, opts.Reviewers = setImagePlan(o.env, o.app, sets), []proposal.Reviewer{o.rendered()}
	var res *proposal.Result
	if o.direct {
		res, err = commitDirect(ctx, directOptions{ws: opts.Workspace, forge: opts.Forge, base: opts.Base, plan: opts.Plan, reviewers: opts.Reviewers, dryRun: o.dryRun})
	} else {
		res, err = proposal.Run(ctx, opts)
	}
	if err != nil {
		return err
	}
	if err := reportProposal(f, res); err != nil {
		return err
	}
	return writeRunResult(f, o.out.format, res)
}

// setImagePlan plans setting the images of env (app) to sets on the
// base tip's tree.
func setImagePlan(env, app string, sets []imageSet) proposal.PlanFunc {
	return func(cfg *promote.Config, tree fs.FS, _ plumbing.Hash) (*promote.Plan, error) {
		e, err := cfg.Lookup(env)
		if err != nil {
			return nil, err
		}
		if cfg.Apps != nil && app == "" {
			return nil, fmt.Errorf("%s is a monorepo (apps: %s): pass --app APP", cfg.File, cfg.Apps.Path)
		}
		dir := cfg.Dir(e, app)
		ks, err := kustomize.Collect(tree, dir)
		if err != nil {
			return nil, err
		}
		p := &promote.Plan{From: BuildSource, To: e.Name, Changes: []promote.Change{}, Dirs: []string{dir}}
		if app != "" {
			p.Apps = []string{app}
		}
		occ := kustomize.Occurrences(ks)
		for _, s := range sets {
			name, err := matchImage(s, occ, dir)
			if err != nil {
				return nil, err
			}
			p.Changes = append(p.Changes, imageChanges(app, name, s, occ[name])...)
		}
		return p, nil
	}
}

// matchImage finds the image s names: by its whole name, else by the
// last segment when one image has it.
func matchImage(s imageSet, occ map[string][]kustomize.Image, dir string) (string, error) {
	if _, ok := occ[s.name]; ok {
		return s.name, nil
	}
	var names, matches []string
	for n := range occ {
		names = append(names, n)
		if path.Base(n) == s.name {
			matches = append(matches, n)
		}
	}
	sort.Strings(names)
	sort.Strings(matches)
	switch len(matches) {
	case 1:
		return matches[0], nil
	case 0:
		return "", fmt.Errorf("%s: no image %q in the kustomizations of %s (images: %s)", s.arg, s.name, dir, strings.Join(names, ", "))
	}
	return "", fmt.Errorf("%s: %q could be %s: give the whole name", s.arg, s.name, strings.Join(matches, " or "))
}

// imageChanges sets every entry of the image to s's values.
func imageChanges(app, name string, s imageSet, entries []kustomize.Image) []promote.Change {
	img := kustomize.Image{Name: name, NewTag: s.tag, Digest: s.digest}
	if s.image != name {
		img.NewName = s.image
	}
	var out []promote.Change
	for _, old := range entries {
		if old.SameValues(img) {
			continue
		}
		o := old
		out = append(out, promote.Change{App: app, File: old.File, Kind: promote.KindImage, Name: name,
			Old: old.Ref(), New: img.Ref(), Line: old.Line, Image: &promote.ImageChange{Old: &o, New: img}})
	}
	return out
}

// directOptions say what --direct commits where.
type directOptions struct {
	ws        *workspace.Workspace
	forge     forge.Forge
	base      string
	plan      proposal.PlanFunc
	reviewers []proposal.Reviewer
	dryRun    bool
}

// maxDirectAttempts bounds re-planning when the base branch moved.
const maxDirectAttempts = 3

// commitDirect commits the plan onto the base branch's tip and moves the
// branch there with a compare-and-swap; when the branch moved meanwhile
// it plans again on the new tip.
func commitDirect(ctx context.Context, o directOptions) (*proposal.Result, error) {
	if err := checkDirect(o); err != nil {
		return nil, err
	}
	for attempt := 1; ; attempt++ {
		res, err := commitDirectOnce(ctx, o)
		if err == nil || !errors.Is(err, gitrepo.ErrRefChanged) || attempt == maxDirectAttempts {
			return res, err
		}
	}
}

func commitDirectOnce(ctx context.Context, o directOptions) (*proposal.Result, error) {
	repo, err := o.ws.Repo()
	if err != nil {
		return nil, err
	}
	tip, err := directTip(ctx, o, repo)
	if err != nil {
		return nil, err
	}
	cfg, tree, err := o.ws.AtCommit(tip)
	if err != nil {
		return nil, err
	}
	plan, err := o.plan(cfg, tree, tip)
	if err != nil {
		return nil, err
	}
	plan.SourceCommit = tip.String()
	res := &proposal.Result{Plan: plan, Base: o.base, Title: plan.Title(), Body: plan.Markdown()}
	res.Branch, res.Action = o.base, forge.None
	if plan.Empty() {
		return res, nil
	}
	trees := promote.Trees{Source: tree, Target: tree}
	edits, err := promote.Apply(plan, trees)
	if err != nil {
		return nil, err
	}
	for _, review := range o.reviewers {
		if _, err := review(ctx, cfg, plan, trees, edits); err != nil {
			return nil, err
		}
	}
	if o.dryRun {
		return res, nil
	}
	commit, err := proposal.WriteCommit(o.ws, repo, plan, edits, tip, "commit")
	if err != nil {
		return nil, err
	}
	if err := moveBase(ctx, o, repo, tip, commit); err != nil {
		return nil, err
	}
	res.Action, res.Commit = forge.Updated, commit.String()
	return res, nil
}

// directTip is the base branch's tip: fetched from the forge's remote,
// or the local branch.
func directTip(ctx context.Context, o directOptions, repo *gitrepo.Repo) (plumbing.Hash, error) {
	if f, ok := o.forge.(forge.BaseFetcher); ok {
		h, err := f.FetchBase(ctx, o.base)
		if err != nil {
			return plumbing.ZeroHash, fmt.Errorf("fetch base branch %s: %w", o.base, err)
		}
		return plumbing.NewHash(h), nil
	}
	return repo.BranchTip(o.base)
}

// moveBase sets the base branch from tip to commit: a compare-and-swap
// of the local branch, or a fast-forward push that the remote accepts
// only while the branch is still at tip.
func moveBase(ctx context.Context, o directOptions, repo *gitrepo.Repo, tip, commit plumbing.Hash) error {
	origin, ok := connect.Origin(o.forge)
	if !ok {
		if err := repo.SetRef(plumbing.NewBranchReferenceName(o.base).String(), commit, tip); err != nil {
			return fmt.Errorf("move %s: %w", o.base, err)
		}
		return nil
	}
	auth, err := origin.Creds.Auth(ctx, origin.Loc)
	if err != nil {
		return err
	}
	ref := plumbing.NewBranchReferenceName(o.base).String()
	err = repo.Git().PushContext(ctx, &gogit.PushOptions{
		RemoteName: "origin", RemoteURL: origin.Loc.URL, Auth: auth,
		RefSpecs:          []gitconfig.RefSpec{gitconfig.RefSpec(commit.String() + ":" + ref)},
		RequireRemoteRefs: []gitconfig.RefSpec{gitconfig.RefSpec(tip.String() + ":" + ref)},
	})
	switch {
	case err == nil || errors.Is(err, gogit.NoErrAlreadyUpToDate):
		return nil
	case strings.Contains(err.Error(), "required to be") || strings.Contains(err.Error(), "non-fast-forward"):
		return fmt.Errorf("push %s: the branch moved on the remote: %w", o.base, gitrepo.ErrRefChanged)
	}
	return fmt.Errorf("push %s to %s: %w", o.base, origin.Loc.URL, err)
}

// checkDirect refuses to move the checked-out branch of a working tree
// (the local forge has no remote branch to move instead).
func checkDirect(o directOptions) error {
	if _, remote := connect.Origin(o.forge); remote || o.dryRun {
		return nil
	}
	repo, err := o.ws.Repo()
	if err != nil {
		return err
	}
	if cur, err := repo.CurrentBranch(); err == nil && cur == o.base && repo.Root() != "" {
		return fmt.Errorf("--direct with --forge %s would move the checked-out branch %s under the working tree: use a forge (github, gitlab: the remote branch moves), --base another branch, or a bare clone", o.forge.Name(), o.base)
	}
	return nil
}
