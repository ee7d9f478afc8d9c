package proposal

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"
	"unicode"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/gitops-promote/promote/internal/forge"
	"github.com/gitops-promote/promote/internal/gitrepo"
	"github.com/gitops-promote/promote/promote"
)

// StopAll is the environment name of a stop file that stops every
// environment.
const StopAll = "all"

// maxStopReason bounds the reason a stop file holds.
const maxStopReason = 200

// StopRequest asks to stop the line into an environment (write its stop
// file, with the reason) or to restart it (remove the file).
type StopRequest struct {
	// Env is an environment of the configuration, or "all".
	Env string
	// Reason is why promotions stop: one line, required to stop.
	Reason string
	// Restart removes the stop file instead of writing it.
	Restart bool
}

// StopResult is the outcome of a stop or restart proposal.
type StopResult struct {
	forge.Result
	Env   string `json:"env"`
	File  string `json:"file"`
	Base  string `json:"base"`
	Title string `json:"title"`
	Body  string `json:"body"`
	// Noop is set when the base branch already is as asked: nothing was
	// proposed.
	Noop bool `json:"noop,omitempty"`
}

// CheckStopRequest validates req against cfg: a known environment or
// all, and a one-line reason of printable characters to stop.
func CheckStopRequest(cfg *promote.Config, req StopRequest) error {
	if req.Env != StopAll {
		if _, err := cfg.Lookup(req.Env); err != nil {
			return fmt.Errorf("--env: %w (or %q for every environment)", err, StopAll)
		}
	}
	if req.Restart {
		return nil
	}
	r := strings.TrimSpace(req.Reason)
	switch {
	case r == "":
		return errors.New("--reason is required: say why promotions stop (it is the content of the stop file and the pull request's title)")
	case strings.ContainsFunc(r, unicode.IsControl):
		return errors.New("--reason must be one line of printable characters")
	case len(r) > maxStopReason:
		return fmt.Errorf("--reason is %d bytes long: keep it to %d", len(r), maxStopReason)
	}
	return nil
}

// Stop proposes writing (or, with req.Restart, removing) the stop file
// .promote/freeze/<env> on the base branch's tip, as one commit on the
// branch promote/freeze-<env> (promote/unfreeze-<env>) with a pull or
// merge request, like a promotion: stopping the line is reviewed. When
// the base branch already is as asked, nothing is proposed.
func Stop(ctx context.Context, o Options, req StopRequest) (*StopResult, error) {
	repo, err := o.Workspace.Repo()
	if err != nil {
		return nil, err
	}
	tip, cfg, tree, err := atBase(ctx, o, repo)
	if err != nil {
		return nil, err
	}
	if err := CheckStopRequest(cfg, req); err != nil {
		return nil, err
	}
	req.Reason = strings.TrimSpace(req.Reason)
	file := path.Join(promote.StopDir, req.Env)
	current, err := fs.ReadFile(tree, file)
	exists := err == nil
	res := &StopResult{Env: req.Env, File: file, Base: o.Base}
	res.Title, res.Body = stopText(req, file, current, exists)
	res.Branch = stopBranch(req)
	if req.Restart {
		res.Noop = !exists
	} else {
		res.Noop = exists && promote.StopReason(current) == req.Reason
	}
	if res.Noop || o.DryRun {
		res.Action = forge.None
		return res, nil
	}
	commit, err := stopCommit(o, repo, tip, file, req, res.Title)
	if err != nil {
		return nil, err
	}
	// The marker names stop:<env> as source and target: no promotion is
	// recognised in it, and a restart supersedes a pending stop.
	marker := "stop:" + req.Env
	prop := forge.Proposal{Branch: res.Branch, Base: o.Base, BaseCommit: tip.String(), Commit: commit.String(),
		Title: res.Title, Body: res.Body, From: marker, To: marker}
	res.Result, err = o.Forge.Propose(ctx, prop)
	return res, err
}

// stopBranch is promote/freeze-<env> or promote/unfreeze-<env>.
func stopBranch(req StopRequest) string {
	if req.Restart {
		return "promote/unfreeze-" + req.Env
	}
	return "promote/freeze-" + req.Env
}

// stopText is the title and body of a stop or restart proposal.
func stopText(req StopRequest, file string, current []byte, exists bool) (string, string) {
	who := "promotions into **" + req.Env + "**"
	if req.Env == StopAll {
		who = "all promotions"
	}
	if req.Restart {
		body := fmt.Sprintf("Restarts %s: removes `%s`.\n", who, file)
		if r := promote.StopReason(current); exists && r != "" {
			body += fmt.Sprintf("\nThey were stopped: %s\n", mdLine(r))
		}
		return promote.Cut(fmt.Sprintf("unfreeze(%s): restart promotions", req.Env), promote.MaxTitle), body
	}
	body := fmt.Sprintf("Stops %s until `%s` is removed again (`promote unfreeze --env %s`): %s\n\n"+
		"While it is on the base branch, `promote run` refuses promotions there unless forced with `--force --reason`.\n",
		who, file, req.Env, mdLine(req.Reason))
	return promote.Cut(fmt.Sprintf("freeze(%s): %s", req.Env, req.Reason), promote.MaxTitle), body
}

// mdLine escapes a line of text for markdown.
func mdLine(s string) string {
	return strings.NewReplacer("\\", "\\\\", "<", "&lt;", ">", "&gt;", "[", "\\[", "]", "\\]", "*", "\\*", "_", "\\_", "`", "\\`").Replace(s)
}

// stopCommit writes the commit adding or removing the stop file on tip.
func stopCommit(o Options, repo *gitrepo.Repo, tip plumbing.Hash, file string, req StopRequest, title string) (plumbing.Hash, error) {
	prefix, err := o.Workspace.Prefix()
	if err != nil {
		return plumbing.ZeroHash, err
	}
	change := gitrepo.FileChange{Path: path.Join(prefix, file), Data: []byte(req.Reason + "\n"), Delete: req.Restart}
	msg := fmt.Sprintf("%s\n\n", title)
	if req.Restart {
		msg += fmt.Sprintf("Remove %s: promotions into %s may go on.\n\nPromote-Unfreeze: %s\n", file, req.Env, req.Env)
	} else {
		msg += fmt.Sprintf("Add %s: promotions into %s stop until it is removed.\n\nPromote-Freeze: %s\nPromote-Reason: %s\n", file, req.Env, req.Env, req.Reason)
	}
	commit, err := repo.CommitFiles(tip, []gitrepo.FileChange{change}, msg, repo.Identity())
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("write the %s commit: %w", strings.TrimPrefix(stopBranch(req), "promote/"), err)
	}
	return commit, nil
}
