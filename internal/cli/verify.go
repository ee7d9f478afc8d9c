package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/gitops-promote/promote/internal/report"
	"github.com/gitops-promote/promote/internal/workspace"
	"github.com/gitops-promote/promote/promote"
)

type verifyOptions struct {
	env           string
	apps          []string
	since         string
	ref           string
	requireSigned bool
	out           output
	refSet        bool
}

func newVerifyCmd(f *Factory) *cobra.Command {
	o := &verifyOptions{}
	cmd := &cobra.Command{
		Use:   "verify --env ENV",
		Short: "Prove that every change to an environment came from a promotion",
		Long: `Verify walks the environment's history (like history) and checks each
commit that changed its promotables: the commit (or, for a merge commit,
the merged branch's tip) must be a promotion, rollback or set-image
commit, by its Promote-* trailers, and the values it wrote must be the
ones its recorded source held: the source environment at
Promote-Source-Commit, the environment itself at Promote-Rollback-To, or
the Promote-Image trailers of a set-image. With --require-signed its
signature must also verify, as git verify-commit checks it (the gpg
keyring, or gpg.ssh.allowedSignersFile for SSH signatures).

Every other change is listed with its commit, author, file:line, old →
new value and why. Exit status: 0 when every change is traced, 1
otherwise. The commit that created the environment is not a promotion:
start after it with --since.`,
		Example: `  promote verify --env prod --since v1.0
  promote verify --env prod --since 3f2a9c1 --require-signed
  promote verify --env prod -o json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o.refSet = cmd.Flags().Changed("ref")
			return runVerify(f, o)
		},
	}
	cmd.Flags().StringVar(&o.env, "env", "", "the `ENV`ironment (required)")
	addAppsFlag(cmd, &o.apps)
	cmd.Flags().StringVar(&o.since, "since", "", "check only the commits after `REV` (not REV and its ancestors)")
	cmd.Flags().StringVar(&o.ref, "ref", "HEAD", "verify the history of `REV`")
	cmd.Flags().BoolVar(&o.requireSigned, "require-signed", false, "also require each promotion commit's signature to verify")
	o.out.register(cmd, "text", "json")
	_ = cmd.MarkFlagRequired("env")
	return cmd
}

func runVerify(f *Factory, o *verifyOptions) error {
	if err := o.out.check(); err != nil {
		return err
	}
	ws, err := f.Workspace()
	if err != nil {
		return err
	}
	res, err := ws.Verify(workspace.VerifyRequest{VerifyRequest: promote.VerifyRequest{Env: o.env, Apps: o.apps, RequireSigned: o.requireSigned},
		Ref: o.ref, RefGiven: o.refSet, SinceRev: o.since})
	if err != nil {
		return err
	}
	if res.Shallow != "" {
		fmt.Fprintf(f.Stderr, "note: the history verified %s\n", res.Shallow)
	}
	if o.out.format == "json" {
		err = writeJSON(f.Stdout, res)
	} else {
		report.VerifyText(f.Stdout, res.VerifyReport, res.Since)
	}
	if err != nil {
		return err
	}
	if !res.OK {
		return &ExitError{Code: ExitFailure}
	}
	return nil
}
