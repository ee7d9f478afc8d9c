package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"strings"
	"sync"

	"github.com/spf13/cobra"

	"github.com/gitops-promote/promote/promote"
)

type applyOptions struct {
	sel   selection
	out   output
	fetch bool
}

func newApplyCmd(f *Factory) *cobra.Command {
	o := &applyOptions{}
	cmd := &cobra.Command{
		Use:   "apply --to ENV",
		Short: "Write a promotion into the working directory",
		Long: `Apply plans like plan does and writes the changes into the working
directory: only the bytes of changed values are edited, comments and
formatting are kept. Nothing is committed. When any change cannot be
made, no file is written. For an environment that lives on a branch
(branch: in promote.yaml), check that branch out first: the source is
read from its own branch, the edits go into the working directory.`,
		Example: `  promote apply --to prod
  promote apply --to prod --app web && git diff
  git switch env/prod && promote apply --to prod --fetch   # prod lives on branch env/prod`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runApply(cmd.Context(), f, o)
		},
	}
	o.sel.register(cmd)
	o.out.register(cmd, "text", "json", "markdown")
	addFetchFlag(cmd, &o.fetch)
	return cmd
}

func runApply(ctx context.Context, f *Factory, o *applyOptions) error {
	if err := o.out.check(); err != nil {
		return err
	}
	ws, err := f.Workspace()
	if err != nil {
		return err
	}
	if err := o.sel.noRev("apply"); err != nil {
		return err
	}
	cfg, tree, err := ws.Disk()
	if err != nil {
		return err
	}
	if err := checkApplyTarget(cfg, tree, o.sel.request()); err != nil {
		return err
	}
	if err := fetchBranches(ctx, f, cfg, o.fetch); err != nil {
		return err
	}
	trees := promote.Trees{Source: tree, Target: tree}
	plan, err := promote.NewPlan(cfg, o.sel.request(), trees)
	if err != nil {
		return err
	}
	if err := promote.CheckRenders(plan, trees); err != nil {
		return err
	}
	edits, err := promote.Apply(plan, trees)
	if err != nil {
		return err
	}
	if err := writeEdits(ws.Dir, edits); err != nil {
		return err
	}
	if err := writePlan(f, o.out.format, plan); err != nil {
		return err
	}
	fmt.Fprintf(f.Stderr, "wrote %d %s\n", len(edits), plural(len(edits), "file"))
	return nil
}

// writeEdits writes each edit through an os.Root, so no path can leave
// dir, replacing files by rename so none is seen half-written. Files are
// written by a few goroutines: on network and virtual filesystems the
// cost is syscall latency, which overlaps.
func writeEdits(dir string, edits []promote.Edit) error {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return fmt.Errorf("open %s: %w", dir, err)
	}
	defer root.Close()
	errs := make([]error, len(edits))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(8, len(edits)) {
		wg.Go(func() {
			for i := range next {
				errs[i] = writeEdit(root, edits[i])
			}
		})
	}
	for i := range edits {
		next <- i
	}
	close(next)
	wg.Wait()
	return errors.Join(errs...)
}

// writeEdit writes one file through a root opened on its directory, so
// the path is resolved once rather than for every call.
func writeEdit(root *os.Root, e promote.Edit) error {
	dir, name := path.Split(e.Path)
	dir = strings.TrimSuffix(dir, "/")
	if dir == "" {
		dir = "."
	}
	d, err := root.OpenRoot(dir)
	if errors.Is(err, fs.ErrNotExist) {
		if err = root.MkdirAll(dir, 0o755); err == nil {
			d, err = root.OpenRoot(dir)
		}
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", e.Path, err)
	}
	defer d.Close()
	mode := os.FileMode(0o644)
	if info, err := d.Stat(name); err == nil {
		mode = info.Mode().Perm()
	}
	tmp := "." + name + ".promote-tmp"
	if err := d.WriteFile(tmp, e.Data, mode); err != nil {
		return fmt.Errorf("write %s: %w", e.Path, err)
	}
	if err := d.Rename(tmp, name); err != nil {
		_ = d.Remove(tmp)
		return fmt.Errorf("write %s: %w", e.Path, err)
	}
	return nil
}
