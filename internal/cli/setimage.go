package cli

import (
	"github.com/spf13/cobra"

	"github.com/gitops-promote/promote/internal/actions"
	"github.com/gitops-promote/promote/internal/proposal"
)

type setImageOptions struct {
	env    string
	app    string
	images []string
	proposeFlags
	direct bool
	out    output
}

// newSetImageCmd builds set-image; runF, when set, receives the options
// (the images of --image and of the arguments) instead of running.
func newSetImageCmd(f *Factory, runF func(*setImageOptions) error) *cobra.Command {
	o := &setImageOptions{}
	cmd := &cobra.Command{
		Use:   "set-image --env ENV NAME=IMAGE[:TAG][@DIGEST]...",
		Short: "Record a new build in an environment's kustomization, as a proposal or a direct commit",
		Long: `Set-image sets the images an environment runs to a new build, the way
CI records what it just pushed: NAME is an image of the environment's
kustomizations (its images: name, or the last segment of it when that is
unique: web for ghcr.io/acme/web), IMAGE[:TAG][@DIGEST] what it should
run. Arguments read as ` + "`kustomize edit set image`" + ` reads them: IMAGE
becomes the entry's newName (kept even when it equals NAME; without
NAME= newName is cleared), "*" keeps the entry's current name, tag or
digest (web=*:1.5.0), and a part not given is cleared. Every entry for
the image in the environment is edited byte-minimally; an image no
entry sets is set where the planner reads it (plain manifests, patch
files, inline patches, Helm image blocks), else an images: entry is added to the
environment's kustomization. Names, tags and digests are checked by
their grammar before anything is written.

By default the change is proposed like a promotion, from "build": one
commit on promote/build-to-<env> and a pull or merge request (merging it
opens the next promotion when that environment has autoPromote: true).
With --direct the commit goes straight onto the base branch (for dev
environments without review): a compare-and-swap of the branch, retried
when someone else pushed meanwhile, never a force push.`,
		Example: `  promote set-image --env dev web=ghcr.io/acme/web:3f2a1c9
  promote set-image --env dev quay.io/x/server=quay.io/x/server:v1.1.0   # CI form: newName kept
  promote set-image --env dev 'web=*:1.5.0'                              # tag only
  promote set-image --env dev --direct web=ghcr.io/acme/web:3f2a1c9 worker=ghcr.io/acme/worker@sha256:9b1f...
  promote set-image --env dev --app web --image web=ghcr.io/acme/web:1.5.0 --dry-run -o json`,
		RunE: func(cmd *cobra.Command, args []string) error {
			o.images = append(o.images, args...)
			if runF != nil {
				return runF(o)
			}
			return runSetImage(cmd, f, o)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&o.env, "env", "", "the `ENV`ironment to set the images of (required)")
	fl.StringVar(&o.app, "app", "", "the `APP` (monorepos)")
	fl.StringArrayVar(&o.images, "image", nil, "`NAME=IMAGE[:TAG][@DIGEST]` to set (repeatable; or give them as arguments)")
	o.proposeFlags.register(cmd, f, proposeUsage{forge: forgesUsage, base: baseUsage,
		dryRun: "plan and print without writing anything", skipValidation: "propose even when the environment does not build after the change"})
	fl.BoolVar(&o.direct, "direct", false, "commit onto the base branch instead of proposing (compare-and-swap, no force)")
	o.out.register(cmd, "text", "json", "markdown")
	o.out.registerShowBody(cmd)
	_ = cmd.MarkFlagRequired("env")
	return cmd
}

func runSetImage(cmd *cobra.Command, f *Factory, o *setImageOptions) error {
	if err := o.out.check(); err != nil {
		return err
	}
	sets, err := proposal.ParseImageSets(o.images)
	if err != nil {
		return err
	}
	opts, err := o.options(f)
	if err != nil {
		return err
	}
	ctx, cancel := o.context(cmd)
	defer cancel()
	opts.Plan, opts.Reviewers = proposal.SetImage(o.env, o.app, sets), []proposal.Reviewer{o.rendered(f)}
	var res *proposal.Result
	if o.direct {
		res, err = proposal.Direct(ctx, opts)
	} else {
		res, err = proposal.Run(ctx, opts)
	}
	if err != nil {
		return err
	}
	if err := actions.ReportProposal(f.Getenv, f.commands(), res); err != nil {
		return err
	}
	return writeRunResult(f, o.out, res)
}
