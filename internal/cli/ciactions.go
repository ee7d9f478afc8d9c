package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/gitops-promote/promote/internal/actions"
	"github.com/gitops-promote/promote/internal/kustomize"
	"github.com/gitops-promote/promote/internal/proposal"
	"github.com/gitops-promote/promote/promote"
)

// reportProposal tells the CI system about a proposal: under GitHub
// Actions the step outputs (pr-url, pr-number, changed, plan-json,
// branch, action, commit) and the markdown plan as the step summary;
// under GitLab CI the merge request's URL in the dotenv report.
func reportProposal(f *Factory, res *proposal.Result) error {
	outs, err := proposalOutputs(res)
	if err != nil {
		return err
	}
	if gh := f.gitHub(); gh != nil {
		if err := gh.SetOutputs(outs...); err != nil {
			return err
		}
		if err := gh.Summary("## " + res.Title + "\n\n" + res.Body); err != nil {
			return err
		}
	}
	if gl := actions.DetectGitLab(f.Getenv); gl != nil {
		return gl.WriteDotenv(
			actions.Output{Name: "PROMOTE_MR_URL", Value: res.URL}, actions.Output{Name: "PROMOTE_MR_IID", Value: number(res.Number)},
			actions.Output{Name: "PROMOTE_CHANGED", Value: strconv.FormatBool(res.Plan != nil && !res.Plan.Empty())},
			actions.Output{Name: "PROMOTE_BRANCH", Value: res.Branch}, actions.Output{Name: "PROMOTE_ACTION", Value: string(res.Action)})
	}
	return nil
}

// proposalOutputs are the action's outputs for a proposal.
func proposalOutputs(res *proposal.Result) ([]actions.Output, error) {
	plan, err := json.Marshal(res.Plan)
	if err != nil {
		return nil, err
	}
	changed := res.Plan != nil && !res.Plan.Empty()
	return []actions.Output{
		{Name: "pr-url", Value: res.URL}, {Name: "pr-number", Value: number(res.Number)},
		{Name: "changed", Value: strconv.FormatBool(changed)}, {Name: "plan-json", Value: string(plan)},
		{Name: "branch", Value: res.Branch}, {Name: "action", Value: string(res.Action)}, {Name: "commit", Value: res.Commit},
		// gated is set by reportGated when gates hold the promotion back.
		{Name: "gated", Value: ""},
	}, nil
}

func number(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}

// annotateErrors makes every command's error, inside GitHub Actions, an
// ::error annotation on the file and line it names (promote.yaml, a
// kustomization), so that it shows in the pull request's diff.
func annotateErrors(f *Factory, root *cobra.Command) {
	for _, c := range root.Commands() {
		annotateErrors(f, c)
		run := c.RunE
		if run == nil || c.Name() == "action" {
			continue // action runs a command tree of its own, which annotates
		}
		c.RunE = func(cmd *cobra.Command, args []string) error {
			err := run(cmd, args)
			annotate(f, err)
			return err
		}
	}
}

// fileLine finds "file.yaml:12:" at the start of a message.
var fileLine = regexp.MustCompile(`^([^\s:]+\.(?:ya?ml|json)):(\d+):`)

func annotate(f *Factory, err error) {
	var ee *ExitError
	if err == nil || errors.As(err, &ee) && ee.Err == nil {
		return
	}
	gh := f.gitHub()
	if gh == nil {
		return
	}
	f.annotated = true
	file, line := errorPosition(err)
	gh.Error(repoRelative(f, file), line, err.Error())
}

// repoRelative makes an error's file relative to the workspace
// ($GITHUB_WORKSPACE, else the current directory), as annotations need.
func repoRelative(f *Factory, file string) string {
	if file == "" {
		return ""
	}
	if !filepath.IsAbs(file) {
		file = filepath.Join(first(f.Dir, "."), file)
	}
	abs, err := filepath.Abs(file)
	if err != nil {
		return filepath.ToSlash(file)
	}
	base := f.Getenv("GITHUB_WORKSPACE")
	if base == "" {
		if base, err = os.Getwd(); err != nil {
			return filepath.ToSlash(file)
		}
	}
	rel, err := filepath.Rel(base, abs)
	if err != nil || strings.HasPrefix(rel, "..") {
		return filepath.ToSlash(abs)
	}
	return filepath.ToSlash(rel)
}

// errorPosition is the file and line an error is about, when it says.
func errorPosition(err error) (string, int) {
	var ce *promote.ConfigError
	var ke *kustomize.Error
	var be *kustomize.BuildError
	switch {
	case errors.As(err, &ce):
		return ce.File, ce.Line
	case errors.As(err, &ke):
		return ke.File, ke.Line
	case errors.As(err, &be) && be.File != "":
		return be.File, 0
	}
	if m := fileLine.FindStringSubmatch(err.Error()); m != nil {
		n, _ := strconv.Atoi(m[2])
		return m[1], n
	}
	return "", 0
}

// reportGated tells GitHub Actions that gates held the promotion back:
// the output gated (waiting or blocked) and the gate table as the step
// summary, so that a scheduled workflow tells "not yet" from a failure.
func reportGated(f *Factory, pe *promote.PolicyError) error {
	gh := actions.DetectGitHub(f.Getenv, f.Stderr)
	if gh == nil {
		return nil
	}
	state := "blocked"
	if pe.Waiting() {
		state = "waiting"
	}
	if err := gh.SetOutputs(actions.Output{Name: "gated", Value: state}); err != nil {
		return err
	}
	return gh.Summary(fmt.Sprintf("## %s → %s held back by its gates\n\n%s", pe.From, pe.To, promote.GateMarkdown(pe.Gates)))
}
