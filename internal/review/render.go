package review

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"runtime"
	"slices"
	"strings"

	"github.com/gitops-promote/promote/internal/kustomize"
	"github.com/gitops-promote/promote/internal/parallel"
	"github.com/gitops-promote/promote/internal/proposal"
	"github.com/gitops-promote/promote/internal/renderdiff"
	"github.com/gitops-promote/promote/promote"
)

// Rendering is one target directory rendered before and after a plan's
// edits.
type Rendering struct {
	// Dir is the target environment (or app) directory.
	Dir string
	// Report compares the renders; nil when the build after failed.
	Report *renderdiff.Report
	// Before and After are the build failures, nil when it built.
	Before, After error
}

// Render builds every target directory the plan changes with kustomize,
// as trees.Target has it and with the edits laid over it, and compares
// the two, building directories on every core (kustomize's builds share
// no state: see kustomize.TestRenderConcurrently). It reads trees and
// writes nothing.
func Render(cfg *promote.Config, plan *promote.Plan, trees promote.Trees, edits []promote.Edit) ([]Rendering, error) {
	dirs, err := TargetDirs(cfg, plan)
	if err != nil {
		return nil, err
	}
	after := withEdits(trees.Target, edits)
	out := make([]Rendering, len(dirs))
	_ = parallel.ForEach(len(dirs), func(i int) error {
		out[i] = renderDir(dirs[i], trees.Target, after)
		return nil
	})
	return out, nil
}

// TargetDirs are the target directories the plan's changes land in:
// the target environment's, or one per app, sorted.
func TargetDirs(cfg *promote.Config, plan *promote.Plan) ([]string, error) {
	to, err := cfg.Lookup(plan.To)
	if err != nil {
		return nil, err
	}
	var dirs []string
	for _, c := range plan.Changes {
		dirs = append(dirs, cfg.Dir(to, c.App))
	}
	slices.Sort(dirs)
	return slices.Compact(dirs), nil
}

func renderDir(dir string, before, after fs.FS) Rendering {
	r := Rendering{Dir: dir}
	old, errB := kustomize.RenderEnv(before, dir)
	cur, errA := kustomize.RenderEnv(after, dir)
	r.Before, r.After = errB, errA
	if errA != nil {
		return r
	}
	var oldRes []kustomize.Resource
	if errB == nil {
		oldRes = old.Resources
	}
	r.Report = renderdiff.Compare(dir, oldRes, cur.Resources)
	if errB != nil {
		r.Report.Notes = append(r.Report.Notes, fmt.Sprintf("%s did not build before this change, so every resource shows as added: %v", dir, errB))
	}
	r.Report.Notes = append(r.Report.Notes, notRendered(old, cur)...)
	return r
}

// notRendered describes, once each, what either render left out.
func notRendered(rs ...*kustomize.Rendering) []string {
	var out []string
	for _, r := range rs {
		if r == nil {
			continue
		}
		for _, n := range r.NotRendered {
			if s := n.String(); !slices.Contains(out, s) {
				out = append(out, s)
			}
		}
	}
	return out
}

// ValidationError refuses a promotion whose target does not build after
// its edits.
type ValidationError struct {
	Env string
	// Dir is the directory that fails; Build is kustomize's error.
	Dir   string
	Build error
	// BuiltBefore is true when the directory built before the change.
	BuiltBefore bool
}

func (e *ValidationError) Error() string {
	when := "does not build before or after this promotion"
	if e.BuiltBefore {
		when = "builds now but would not after this promotion"
	}
	msg := fmt.Sprintf("validation: %s (%s) %s, so nothing was proposed (--skip-validation proposes anyway): %v", e.Env, e.Dir, when, e.Build)
	var be *kustomize.BuildError
	if errors.As(e.Build, &be) && be.File != "" {
		msg += " (in " + be.File + ")"
	}
	return msg
}

func (e *ValidationError) Unwrap() error { return e.Build }

// Gate returns a *ValidationError for the first directory that does not
// build after the change, nil when all do.
func Gate(env string, rs []Rendering) error {
	for _, r := range rs {
		if r.After != nil {
			return &ValidationError{Env: env, Dir: r.Dir, Build: r.After, BuiltBefore: r.Before == nil}
		}
	}
	return nil
}

// Reports returns the comparisons of the directories that built.
func Reports(rs []Rendering) []*renderdiff.Report {
	var out []*renderdiff.Report
	for _, r := range rs {
		if r.Report != nil {
			out = append(out, r.Report)
		}
	}
	return out
}

// Options tune the Rendered reviewer.
type Options struct {
	// SkipValidation proposes even when the target does not build after
	// the change; the body says so.
	SkipValidation bool
	// Budget caps the markdown section in bytes (0: renderdiff's default).
	Budget int
	// Progress, when set, is called after each batch of directories with
	// how many of them were built and what they are ("apps" or
	// "directories").
	Progress func(done, total int, unit string)
}

// Rendered is the reviewer that renders the target before and after the
// plan's edits: it refuses the proposal (nothing is written) when the
// target does not build after them, unless o.SkipValidation, and returns
// the per-resource diff for the proposal body.
//
// Every directory is built after the edits (that is the gate); it is
// built before them, and compared, only while the body has room for its
// diff, and only the body's text is kept, so a promotion of thousands of
// apps builds each once past the first screenful and holds no rendering.
func Rendered(o Options) proposal.Reviewer {
	return func(_ context.Context, cfg *promote.Config, plan *promote.Plan, trees promote.Trees, edits []promote.Edit) (string, error) {
		dirs, err := TargetDirs(cfg, plan)
		if err != nil {
			return "", err
		}
		hint := fmt.Sprintf("`promote plan --from %s --to %s --rendered` shows everything.", plan.From, plan.To)
		if plan.Rollback {
			hint = fmt.Sprintf("`promote rollback --env %s --dry-run` shows the whole body.", plan.To)
		}
		md := renderdiff.NewMarkdownWriter(renderdiff.MarkdownOptions{Budget: o.Budget, Hint: hint}, len(dirs))
		var progress func(done, total int)
		if o.Progress != nil {
			unit := "directories"
			if cfg.Apps != nil {
				unit = "apps"
			}
			progress = func(done, total int) { o.Progress(done, total, unit) }
		}
		var gate error
		if ve := stream(dirs, trees.Target, withEdits(trees.Target, edits), md, !o.SkipValidation, progress); ve != nil {
			ve.Env = plan.To
			if !o.SkipValidation {
				return "", ve
			}
			gate = ve
		}
		var b strings.Builder
		if o.SkipValidation {
			b.WriteString(skippedNote(gate))
		}
		b.WriteString(md.String())
		return b.String(), nil
	}
}

func withEdits(target fs.FS, edits []promote.Edit) fs.FS {
	files := make(map[string][]byte, len(edits))
	for _, e := range edits {
		files[e.Path] = e.Data
	}
	return kustomize.Overlay(target, files)
}

// stream builds dirs in order, a batch at a time on every core, writes
// each comparison to md and forgets it, and returns the first directory
// that does not build after the change (its Env unset), stopping there
// when stop is set. Once md is full, directories are built after the
// change only.
func stream(dirs []string, before, after fs.FS, md *renderdiff.MarkdownWriter, stop bool, progress func(done, total int)) *ValidationError {
	var gate *ValidationError
	batch := max(16, 8*runtime.GOMAXPROCS(0))
	rs := make([]Rendering, batch)
	for start := 0; start < len(dirs); start += batch {
		part := dirs[start:min(start+batch, len(dirs))]
		compare := !md.Full()
		_ = parallel.ForEach(len(part), func(i int) error {
			if compare {
				rs[i] = renderDir(part[i], before, after)
			} else {
				rs[i] = gateDir(part[i], before, after)
			}
			return nil
		})
		for i := range part {
			r := rs[i]
			rs[i] = Rendering{}
			switch {
			case r.After != nil && gate == nil:
				gate = &ValidationError{Dir: r.Dir, Build: r.After, BuiltBefore: r.Before == nil}
			case r.Report != nil:
				md.Add(r.Report)
			case r.After == nil:
				md.Skip()
			}
		}
		if progress != nil {
			progress(start+len(part), len(dirs))
		}
		if gate != nil && stop {
			break
		}
	}
	return gate
}

// gateDir builds dir after the change only, and before it when it fails
// (to say whether the change broke it).
func gateDir(dir string, before, after fs.FS) Rendering {
	r := Rendering{Dir: dir}
	if r.After = kustomize.Builds(after, dir); r.After != nil {
		r.Before = kustomize.Builds(before, dir)
	}
	return r
}

// skippedNote says in the body that validation was skipped, and what it
// would have refused.
func skippedNote(gate error) string {
	if gate == nil {
		return "> **Validation skipped** (`--skip-validation`); the target builds after this change.\n\n"
	}
	return fmt.Sprintf("> [!CAUTION]\n> **Validation skipped** (`--skip-validation`): %s\n\n", strings.ReplaceAll(gate.Error(), "\n", "\n> "))
}

// NotRendered is the reviewer used when rendering is turned off: it
// builds nothing and says so in the body.
func NotRendered(context.Context, *promote.Config, *promote.Plan, promote.Trees, []promote.Edit) (string, error) {
	return "> **Not rendered** (`--no-render`): the target was not built, so this change is not validated and the rendered diff is not shown.\n", nil
}
