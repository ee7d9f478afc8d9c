package workspace

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"strings"
	"sync"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/gitops-promote/promote/promote"
)

// CheckApplyTarget refuses to apply into a branch environment whose
// branch is not checked out: apply writes into the working directory.
func CheckApplyTarget(cfg *promote.Config, tree fs.FS, req promote.Request) error {
	_, to, err := cfg.Edge(req.From, req.To)
	if err != nil || to.Branch == "" {
		return err
	}
	t, ok := tree.(*Tree)
	if ok && t.Current() == to.Branch {
		return nil
	}
	current := "no branch"
	if ok && t.Current() != "" {
		current = t.Current()
	}
	return fmt.Errorf("%s lives on branch %s, but the working directory has %s checked out and apply writes into it: check out %s first (git switch %s), or propose with run",
		to.Name, to.Branch, current, to.Branch, to.Branch)
}

// Apply plans req in the working directory and writes its edits there
// (none when any edit fails). fetch, when not nil, runs once the
// configuration is read and before planning (it fetches the branches of
// branch environments).
func (w *Workspace) Apply(req promote.Request, fetch func(*promote.Config) error) (*promote.Plan, []promote.Edit, error) {
	cfg, tree, err := w.Disk()
	if err != nil {
		return nil, nil, err
	}
	if err := CheckApplyTarget(cfg, tree, req); err != nil {
		return nil, nil, err
	}
	if fetch != nil {
		if err := fetch(cfg); err != nil {
			return nil, nil, err
		}
	}
	trees := promote.Trees{Source: tree, Target: tree}
	plan, err := promote.NewPlan(cfg, req, trees)
	if err != nil {
		return nil, nil, err
	}
	if err := promote.CheckRenders(plan, trees); err != nil {
		return nil, nil, err
	}
	edits, err := promote.Apply(plan, trees)
	if err != nil {
		return nil, nil, err
	}
	if err := WriteEdits(w.Dir, edits); err != nil {
		return nil, nil, err
	}
	return plan, edits, nil
}

// Tree reads the configuration and tree from the working directory
// (rev empty), or from the commit rev names.
func (w *Workspace) Tree(rev string) (*promote.Config, fs.FS, error) {
	if rev == "" {
		return w.Disk()
	}
	repo, err := w.Repo()
	if err != nil {
		return nil, nil, err
	}
	commit, err := repo.Resolve(rev)
	if err != nil {
		return nil, nil, err
	}
	return w.AtCommit(commit)
}

// TreeWithCommit is Tree and the commit the tree is at: rev's, or
// HEAD's for the working directory (zero when there is none).
func (w *Workspace) TreeWithCommit(rev string) (*promote.Config, fs.FS, plumbing.Hash, error) {
	cfg, tree, err := w.Tree(rev)
	if err != nil {
		return nil, nil, plumbing.ZeroHash, err
	}
	repo, err := w.Repo()
	if err != nil {
		return cfg, tree, plumbing.ZeroHash, nil
	}
	if rev == "" {
		rev = "HEAD"
	}
	tip, _ := repo.Resolve(rev)
	return cfg, tree, tip, nil
}

// FetchConfig reads the configuration that names the branches to
// fetch: from the working directory, or from rev (the base branch) in a
// bare repository.
func (w *Workspace) FetchConfig(rev string) (*promote.Config, error) {
	cfg, _, err := w.Disk()
	if err != nil && rev != "" {
		cfg, _, err = w.Tree(rev)
	}
	return cfg, err
}

// WriteEdits writes each edit through an os.Root, so no path can leave
// dir, replacing files by rename so none is seen half-written. Files are
// written by a few goroutines: on network and virtual filesystems the
// cost is syscall latency, which overlaps.
func WriteEdits(dir string, edits []promote.Edit) error {
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
