package chatops_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/gitops-promote/promote/internal/chatops"
	"github.com/gitops-promote/promote/internal/forge"
	"github.com/gitops-promote/promote/internal/forge/forgetest"
	"github.com/gitops-promote/promote/internal/proposal"
	"github.com/gitops-promote/promote/internal/review"
	"github.com/gitops-promote/promote/promote"
)

// gatedHandle handles ev with the pipeline policy and its gates, as
// promote chatops and serve run commands.
func (e *env) gatedHandle(ev *forge.Event) *chatops.Result {
	e.t.Helper()
	h := e.handler()
	runner := h.Runner.(*chatops.Repo)
	runner.Plan = func(req promote.Request, force string) proposal.PlanFunc {
		src := review.Sources{Now: time.Now, Workspace: runner.Workspace}
		return review.Policy(context.Background(), proposal.Promotion(req), src, force)
	}
	res, err := h.HandleComment(context.Background(), ev.Comment)
	if err != nil {
		e.t.Fatal(err)
	}
	return res
}

// frozenProd is the fixture with prod frozen for this century and, when
// approvers is not empty, those approvers.
func frozenProd(approvers string) map[string]string {
	files := forgetest.GitOpsFiles()
	extra := "    freeze: [{from: \"2000-01-01T00:00:00Z\", to: \"2100-01-01T00:00:00Z\", reason: audit}]\n"
	if approvers != "" {
		extra += "    approvers: [" + approvers + "]\n"
	}
	files["promote.yaml"] = strings.Replace(files["promote.yaml"], "    from: staging\n", "    from: staging\n"+extra, 1)
	return files
}

func TestForceFromChatNeedsAnApprover(t *testing.T) {
	e := newEnv(t, frozenProd("Codertocat"))
	e.chat.SetPermission("Codertocat", "write")

	res := e.gatedHandle(comment(t, "/promote prod"))
	if res.Outcome != chatops.Failed || !strings.Contains(res.Reply, "prod is frozen from 2000-01-01T00:00:00Z to 2100-01-01T00:00:00Z (audit)") {
		t.Fatalf("unforced: %s %q, want the freeze to refuse", res.Outcome, res.Reply)
	}
	res = e.gatedHandle(comment(t, "/promote prod --force INC-42 fix the outage"))
	if res.Outcome != chatops.Proposed {
		t.Fatalf("forced by an approver: %s %q", res.Outcome, res.Reply)
	}
	prs := e.promotions()
	if len(prs) != 1 || !strings.Contains(prs[0].Body, "**Forced** past the pipeline policy: INC-42 fix the outage") ||
		!strings.Contains(prs[0].Body, "| freeze | ⏳ waiting | prod is frozen") {
		t.Fatalf("requests: %+v", prs)
	}
	msg := forgetest.Git(t, e.git.Dir(repoPath), "log", "-1", "--format=%B", "promote/staging-to-prod")
	if !strings.Contains(msg, "\nPromote-Forced: INC-42 fix the outage") {
		t.Errorf("commit lacks the trailer:\n%s", msg)
	}
}

func TestForceFromChatRefused(t *testing.T) {
	cases := map[string]struct {
		approvers, reply string
	}{
		"no approvers":    {"", "may not force a promotion into prod from a comment: promote.yaml lists no approvers for it"},
		"not an approver": {"octocat", "@Codertocat is not an approver of prod"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, frozenProd(c.approvers))
			e.chat.SetPermission("Codertocat", "admin")
			res := e.gatedHandle(comment(t, "/promote prod --force because"))
			if res.Outcome != chatops.Refused || !strings.Contains(res.Reply, c.reply) {
				t.Fatalf("%s %q, want refused: %s", res.Outcome, res.Reply, c.reply)
			}
			if len(e.promotions()) != 0 || e.git.Branch(t, repoPath, "promote/staging-to-prod") != "" {
				t.Error("a refused force proposed something")
			}
		})
	}
}
