package chatops_test

import (
	"context"
	"strings"
	"testing"

	"github.com/gitops-promote/promote/internal/chatops"
	"github.com/gitops-promote/promote/internal/forge"
	"github.com/gitops-promote/promote/internal/forge/forgetest"
	ghforge "github.com/gitops-promote/promote/internal/forge/github"
	"github.com/gitops-promote/promote/promote"
)

// closedPull is the pull_request closed example adjusted: merged or
// not, its head and base branches and body, numbered 1 (so replies land
// on the fake's first pull request).
func closedPull(t *testing.T, merged bool, head, base, body string) *forge.Event {
	t.Helper()
	ex := forgetest.WebhookExample(t, "pull_request", "closed")
	forgetest.Set(ex, merged, "pull_request", "merged")
	forgetest.Set(ex, head, "pull_request", "head", "ref")
	forgetest.Set(ex, base, "pull_request", "base", "ref")
	forgetest.Set(ex, body, "pull_request", "body")
	forgetest.Set(ex, 1, "pull_request", "number")
	forgetest.Set(ex, 1, "number")
	ev, err := ghforge.ParseEvent("pull_request", forgetest.Marshal(t, ex))
	if err != nil {
		t.Fatal(err)
	}
	return ev
}

func TestMergedPromotionOpensTheNext(t *testing.T) {
	cases := []struct {
		name, head, body string
	}{
		{"marker", "promote/some-branch", forge.Marker("dev", "staging", "") + "\nPromotes dev to staging\n"},
		{"branch", "promote/dev-to-staging", "hand-written body"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t, withConfig("    autoPromote: true\n", ""))
			ev := closedPull(t, true, c.head, "master", c.body)
			res, err := e.handler().HandleMerged(context.Background(), ev.Repository, ev.Merged)
			if err != nil || res.Outcome != chatops.Proposed {
				t.Fatalf("%+v, %v", res, err)
			}
			prs := e.promotions()
			if len(prs) != 1 || prs[0].Head != "promote/staging-to-prod" {
				t.Fatalf("requests: %+v", prs)
			}
			replies := e.replies()
			if len(replies) != 1 || !strings.Contains(replies[0], "Merged into staging") || !strings.Contains(replies[0], "opened [#2]") {
				t.Fatalf("replies: %q", replies)
			}
		})
	}
}

func TestMergedRequestsThatOpenNothing(t *testing.T) {
	marker := forge.Marker("dev", "staging", "")
	cases := []struct {
		name, prodLines string
		merged          bool
		head, base      string
		body            string
	}{
		{"closed without merging", "    autoPromote: true\n", false, "promote/dev-to-staging", "master", marker},
		{"not a promotion", "    autoPromote: true\n", true, "fix-typo", "master", "Fixes a typo"},
		{"into another branch", "    autoPromote: true\n", true, "promote/dev-to-staging", "release", marker},
		{"a rollback", "    autoPromote: true\n", true, "promote/rollback-staging", "master", forge.Marker("staging", "staging", "")},
		{"no autoPromote", "", true, "promote/dev-to-staging", "master", marker},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t, withConfig(c.prodLines, ""))
			e.gh.Reset()
			ev := closedPull(t, c.merged, c.head, c.base, c.body)
			res, err := e.handler().HandleMerged(context.Background(), ev.Repository, ev.Merged)
			if err != nil || res.Outcome != chatops.Ignored {
				t.Fatalf("%+v, %v; want ignored", res, err)
			}
			if w := e.gh.Writes(); len(w) != 0 {
				t.Fatalf("wrote:\n%s", forgetest.Describe(w))
			}
		})
	}
}

func TestEveryPullRequestExampleParses(t *testing.T) {
	for _, ex := range forgetest.WebhookExamples(t, "pull_request") {
		ev, err := ghforge.ParseEvent("pull_request", forgetest.Marshal(t, ex))
		if err != nil {
			t.Fatalf("%s: %v", ex["action"], err)
		}
		if ev.Repository.Path != repoPath || ev.Repository.DefaultBranch != "master" {
			t.Errorf("%s: repository %+v", ex["action"], ev.Repository)
		}
		if (ev.Merged != nil) != (ex["action"] == "closed") {
			t.Errorf("%s: merged %+v", ex["action"], ev.Merged)
		}
	}
}

func TestRecognize(t *testing.T) {
	cfg, err := promote.ParseConfig("promote.yaml", []byte("environments:\n- {name: dev, path: d}\n- {name: pre-prod, path: s, from: dev}\n- {name: prod, path: p, from: pre-prod}\n"))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		body, head string
		want       chatops.Promotion
		ok         bool
	}{
		{forge.Marker("dev", "pre-prod", "web"), "promote/x", chatops.Promotion{From: "dev", To: "pre-prod", App: "web"}, true},
		{forge.Marker("dev", "pre-prod", "web"), "x", chatops.Promotion{}, false},
		{"Promotes `" + forge.Marker("dev", "pre-prod", "") + "`", "promote/x", chatops.Promotion{}, false},
		{"", "promote/pre-prod-to-prod", chatops.Promotion{From: "pre-prod", To: "prod"}, true},
		{"", "promote/web/dev-to-pre-prod", chatops.Promotion{From: "dev", To: "pre-prod", App: "web"}, true},
		{"", "promote/build-to-dev", chatops.Promotion{From: "build", To: "dev"}, true},
		{"", "promote/rollback-prod", chatops.Promotion{}, false},
		{"", "promote/dev-to-qa", chatops.Promotion{}, false},
		{forge.Marker("prod", "prod", ""), "promote/rollback-prod", chatops.Promotion{}, false},
	}
	for _, c := range cases {
		got, ok := chatops.Recognize(cfg, c.body, c.head)
		if ok != c.ok || (ok && got != c.want) {
			t.Errorf("Recognize(%q, %q) = %+v, %v; want %+v, %v", c.body, c.head, got, ok, c.want, c.ok)
		}
	}
}
