package cli

import (
	"github.com/spf13/cobra"

	"github.com/gitops-promote/promote/internal/buildinfo"
)

// NewRootCmd builds the promote command tree.
func NewRootCmd(f *Factory) *cobra.Command {
	root := &cobra.Command{
		Use:   "promote",
		Short: "Promote releases between GitOps environments by pull request",
		Long: `promote moves releases through environments (dev → staging → prod) in a
GitOps repository. It reads what runs in one environment, computes the
smallest edit that makes the next run the same, and proposes it as one
reviewable commit.

Configuration is read from promote.yaml in the current directory or a
parent, up to the repository's top.`,
		Example: `  promote plan --to prod
  promote apply --to prod
  promote run --to prod --forge local
  promote -C environments plan --to prod -o json`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       buildinfo.Read().String(),
	}
	root.SetVersionTemplate("{{.Version}}\n")
	root.PersistentFlags().StringVarP(&f.Dir, "chdir", "C", "", "run as if started in `DIR`")
	root.PersistentFlags().StringVar(&f.ConfigFile, "config", "", "read configuration from `FILE` instead of promote.yaml")
	f.Signing.register(root)
	root.AddCommand(newPlanCmd(f), newApplyCmd(f), newRunCmd(f, nil), newValidateCmd(f), newVersionCmd(f))
	root.AddCommand(newStatusCmd(f), newHistoryCmd(f, nil), newRollbackCmd(f, nil), newDiffCmd(f), newVerifyCmd(f))
	root.AddCommand(newChatOpsCmd(f), newServeCmd(f, nil), newServeJobCmd(f), newSetImageCmd(f, nil), newActionCmd(f), newInitCmd(f))
	root.AddCommand(newFreezeCmd(f), newUnfreezeCmd(f))
	addCompletionExamples(root)
	annotateErrors(f, root)
	return root
}

// addCompletionExamples creates cobra's completion command now, rather
// than when the command line is parsed, so its help shows examples like
// every other command's.
func addCompletionExamples(root *cobra.Command) {
	root.InitDefaultCompletionCmd()
	for _, c := range root.Commands() {
		if c.Name() == "completion" {
			c.Example = `  source <(promote completion bash)
  promote completion zsh > "${fpath[1]}/_promote"
  promote completion fish > ~/.config/fish/completions/promote.fish`
		}
	}
}
