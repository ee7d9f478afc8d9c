package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/gitops-promote/promote/internal/forge"
	"github.com/gitops-promote/promote/internal/proposal"
	"github.com/gitops-promote/promote/promote"
)

func TestProposalLine(t *testing.T) {
	change := []promote.Change{{File: "envs/prod/kustomization.yaml"}}
	plan := &promote.Plan{From: "staging", To: "prod", Changes: change}
	rollback := &promote.Plan{To: "prod", Rollback: true, RollbackTo: "3f2a1c9d8e7f6a5b", Changes: change}
	res := func(p *promote.Plan, a forge.Action, url string) *proposal.Result {
		return &proposal.Result{Result: forge.Result{Action: a, URL: url, Number: 7, Branch: "promote/staging-to-prod", Commit: "0123456789abcdef0123"}, Plan: p, Base: "main"}
	}
	for _, tc := range []struct {
		res  *proposal.Result
		want string
	}{
		{res(plan, forge.Created, ""), "created promote/staging-to-prod at 0123456789ab (base main)"},
		{res(plan, forge.Updated, "https://x/pull/7"), "updated promote/staging-to-prod to 0123456789ab (base main); request #7: https://x/pull/7"},
		{res(plan, forge.Unchanged, ""), "promote/staging-to-prod is up to date at 0123456789ab: nothing changed"},
		{res(&promote.Plan{From: "staging", To: "prod"}, forge.Closed, "https://x/pull/7"), "prod already matches staging: removed stale promote/staging-to-prod; closed request #7: https://x/pull/7"},
		{res(&promote.Plan{From: "staging", To: "prod"}, forge.None, ""), "prod already matches staging: nothing to propose"},
		{res(plan, forge.None, ""), "dry run: would propose promote/staging-to-prod on main"},
		{res(rollback, forge.Created, "https://x/pull/7"), "created promote/staging-to-prod at 0123456789ab (base main); request #7: https://x/pull/7"},
		{res(&promote.Plan{To: "prod", Rollback: true, RollbackTo: "3f2a1c9d8e7f6a5b"}, forge.None, ""), "prod already runs what it ran at 3f2a1c9d8e7f: nothing to roll back"},
		{res(&promote.Plan{To: "prod", Rollback: true, RollbackTo: "3f2a1c9d8e7f6a5b"}, forge.Closed, ""), "prod already runs what it ran at 3f2a1c9d8e7f: removed stale promote/staging-to-prod"},
	} {
		if got := ProposalLine(tc.res); got != tc.want {
			t.Errorf("ProposalLine:\n got %s\nwant %s", got, tc.want)
		}
	}
	var buf bytes.Buffer
	forced := *plan
	forced.Forced = &promote.Forced{Reason: "hotfix"}
	ProposalText(&buf, res(&forced, forge.Created, ""), false)
	if !strings.HasPrefix(buf.String(), "created promote/staging-to-prod at 0123456789ab (base main)\nforced: hotfix\n\n") {
		t.Errorf("ProposalText:\n%s", buf.String())
	}
	buf.Reset()
	ProposalText(&buf, res(plan, forge.Unchanged, ""), false)
	if strings.Count(buf.String(), "\n") != 1 {
		t.Errorf("ProposalText of an unchanged proposal shows more than its line:\n%s", buf.String())
	}
}

func TestStopLine(t *testing.T) {
	res := func(a forge.Action, url string, noop bool) *proposal.StopResult {
		return &proposal.StopResult{Result: forge.Result{Action: a, URL: url, Number: 3, Branch: "promote/freeze-prod", Commit: "0123456789abcdef"},
			File: ".promote/freeze/prod", Base: "main", Title: "Freeze prod", Noop: noop}
	}
	for _, tc := range []struct {
		res     *proposal.StopResult
		restart bool
		want    string
	}{
		{res(forge.None, "", true), true, ".promote/freeze/prod is not on main: nothing to unfreeze"},
		{res(forge.None, "", true), false, ".promote/freeze/prod is already on main with this reason: nothing to propose"},
		{res(forge.None, "", false), false, "dry run: would propose promote/freeze-prod on main"},
		{res(forge.Created, "https://x/pull/3", false), false, "created promote/freeze-prod (0123456789ab); request #3: https://x/pull/3"},
		{res(forge.Updated, "", false), false, "updated promote/freeze-prod at 0123456789ab (base main)"},
	} {
		if got := StopLine(tc.res, tc.restart); got != tc.want {
			t.Errorf("StopLine:\n got %s\nwant %s", got, tc.want)
		}
	}
	var buf bytes.Buffer
	StopText(&buf, res(forge.Created, "", false), false)
	if buf.String() != "created promote/freeze-prod at 0123456789ab (base main)\n\nFreeze prod\n" {
		t.Errorf("StopText:\n%s", buf.String())
	}
}
