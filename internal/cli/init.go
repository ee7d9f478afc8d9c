package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/gitops-promote/promote/internal/report"
	"github.com/gitops-promote/promote/internal/scaffold"
	"github.com/gitops-promote/promote/promote"
)

type initOptions struct {
	out    output
	envs   []string
	force  bool
	dryRun bool
}

func newInitCmd(f *Factory) *cobra.Command {
	o := &initOptions{}
	cmd := &cobra.Command{
		Use:   "init",
		Short: "Write a first promote.yaml for this repository",
		Long: `Init looks at the repository's directories (up to 5 levels deep) and
branches for environments: directories such as envs/*, environments/*,
overlays/*, env/*, stages/*, a monorepo's apps/*/overlays/* or
clusters/*/overlays/*, or environment branches env/*. It orders them by
their conventional names (dev, qa, test, int, staging, uat, preprod,
prod, production; regions such as prod-eu and prod-us become parallel
targets), infers what travels (images always; version.yml and
settings.yml patch files and config/*.properties present in every
environment; Helm values with an image; chart versions and refs where
the manifests pin them), writes a commented promote.yaml, checks it, and
shows the plan of the first promotion.

An existing promote.yaml is never replaced unless --force is given.`,
		Example: `  promote init
  promote init --dry-run                  # print promote.yaml, write nothing
  promote init --envs blue,green          # names promote cannot order by itself
  promote -C gitops init -o json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runInit(f, o)
		},
	}
	o.out.register(cmd, "text", "json")
	cmd.Flags().StringSliceVar(&o.envs, "envs", nil, "the environments in pipeline order, comma-separated (`a,b,c`): each is promoted from the one before")
	cmd.Flags().BoolVar(&o.force, "force", false, "replace an existing promote.yaml")
	cmd.Flags().BoolVar(&o.dryRun, "dry-run", false, "print the configuration on stdout and write nothing")
	return cmd
}

func runInit(f *Factory, o *initOptions) error {
	if err := o.out.check(); err != nil {
		return err
	}
	dir := f.Dir
	if dir == "" {
		dir = "."
	}
	res, err := scaffold.Init(scaffold.InitOptions{Dir: dir, Envs: o.envs, Force: o.force, DryRun: o.dryRun})
	if err != nil {
		return err
	}
	if o.out.format == "json" {
		return writeJSON(f.Stdout, res)
	}
	if o.dryRun {
		fmt.Fprint(f.Stdout, res.Config)
		return nil
	}
	return reportInit(f, res)
}

// reportInit says what was written, prints the plan of the first
// promotion, and the next commands.
func reportInit(f *Factory, res *scaffold.InitResult) error {
	l := res.Layout
	fmt.Fprintf(f.Stderr, "wrote %s: %s\n", res.File, l.Pipeline())
	for _, n := range l.Notes {
		fmt.Fprintf(f.Stderr, "note: %s\n", n)
	}
	to := l.FirstEdge()
	if to == "" {
		return nil
	}
	if err := printFirstPlan(f, to); err != nil {
		fmt.Fprintf(f.Stderr, "warning: the first plan failed (%v): fix promote.yaml, then run promote validate\n", err)
	}
	fmt.Fprintf(f.Stderr, "next:\n  promote validate\n  promote apply --to %[1]s && git diff\n  promote run --to %[1]s --forge local\n", to)
	return nil
}

func printFirstPlan(f *Factory, to string) error {
	cfg, tree, err := loadTree(f, "")
	if err != nil {
		return err
	}
	plan, err := promote.NewPlan(cfg, promote.Request{To: to}, promote.Trees{Source: tree, Target: tree})
	if err != nil {
		return err
	}
	report.PlanText(f.Stdout, plan, f.color())
	return nil
}
