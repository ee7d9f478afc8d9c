package actions

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/gitops-promote/promote/internal/kustomize"
	"github.com/gitops-promote/promote/internal/proposal"
	"github.com/gitops-promote/promote/promote"
)

// ReportProposal tells the CI system about a proposal (commands is
// where workflow commands go, stderr): under GitHub
// Actions the step outputs (pr-url, pr-number, changed, plan-json,
// branch, action, commit) and the markdown plan as the step summary;
// under GitLab CI the merge request's URL in the dotenv report.
func ReportProposal(getenv func(string) string, commands io.Writer, res *proposal.Result) error {
	outs, err := ProposalOutputs(res)
	if err != nil {
		return err
	}
	if gh := DetectGitHub(getenv, commands); gh != nil {
		if err := gh.SetOutputs(outs...); err != nil {
			return err
		}
		if err := gh.Summary("## " + res.Title + "\n\n" + res.Body); err != nil {
			return err
		}
	}
	if gl := DetectGitLab(getenv); gl != nil {
		return gl.WriteDotenv(
			Output{Name: "PROMOTE_MR_URL", Value: res.URL}, Output{Name: "PROMOTE_MR_IID", Value: number(res.Number)},
			Output{Name: "PROMOTE_CHANGED", Value: strconv.FormatBool(res.Plan != nil && !res.Plan.Empty())},
			Output{Name: "PROMOTE_BRANCH", Value: res.Branch}, Output{Name: "PROMOTE_ACTION", Value: string(res.Action)})
	}
	return nil
}

// ProposalOutputs are the action's outputs for a proposal.
func ProposalOutputs(res *proposal.Result) ([]Output, error) {
	plan, err := json.Marshal(res.Plan)
	if err != nil {
		return nil, err
	}
	changed := res.Plan != nil && !res.Plan.Empty()
	return []Output{
		{Name: "pr-url", Value: res.URL}, {Name: "pr-number", Value: number(res.Number)},
		{Name: "changed", Value: strconv.FormatBool(changed)}, {Name: "plan-json", Value: string(plan)},
		{Name: "branch", Value: res.Branch}, {Name: "action", Value: string(res.Action)}, {Name: "commit", Value: res.Commit},
		// gated is set by ReportGated when gates hold the promotion back.
		{Name: "gated", Value: ""},
	}, nil
}

func number(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}

// fileLine finds "file.yaml:12:" at the start of a message.
var fileLine = regexp.MustCompile(`^([^\s:]+\.(?:ya?ml|json)):(\d+):`)

// RepoRelative makes an error's file (relative to dir when not
// absolute) relative to the workspace ($GITHUB_WORKSPACE, else the
// current directory), as annotations need.
func RepoRelative(getenv func(string) string, dir, file string) string {
	if file == "" {
		return ""
	}
	if !filepath.IsAbs(file) {
		if dir == "" {
			dir = "."
		}
		file = filepath.Join(dir, file)
	}
	abs, err := filepath.Abs(file)
	if err != nil {
		return filepath.ToSlash(file)
	}
	base := getenv("GITHUB_WORKSPACE")
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

// ErrorPosition is the file and line an error is about, when it says.
func ErrorPosition(err error) (string, int) {
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

// ReportGated tells GitHub Actions that gates held the promotion back:
// the output gated (waiting or blocked) and the gate table as the step
// summary, so that a scheduled workflow tells "not yet" from a failure.
func ReportGated(getenv func(string) string, commands io.Writer, pe *promote.PolicyError) error {
	gh := DetectGitHub(getenv, commands)
	if gh == nil {
		return nil
	}
	state := "blocked"
	if pe.Waiting() {
		state = "waiting"
	}
	if err := gh.SetOutputs(Output{Name: "gated", Value: state}); err != nil {
		return err
	}
	return gh.Summary(fmt.Sprintf("## %s → %s held back by its gates\n\n%s", pe.From, pe.To, promote.GateMarkdown(pe.Gates)))
}
