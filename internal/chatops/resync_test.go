package chatops_test

import (
	"context"
	"slices"
	"testing"

	"github.com/gitops-promote/promote/internal/chatops"
	"github.com/gitops-promote/promote/internal/forge"
	"github.com/gitops-promote/promote/internal/proposal"
	"github.com/gitops-promote/promote/promote"
)

// checker is a Runner and Checker over fixed answers: pending says what
// stands on the forge for each request (key from-to[/app]); a request
// missing from it has nothing to promote.
type checker struct {
	cfg      *promote.Config
	apps     []string
	pending  map[string]forge.Pendency
	promoted []string
}

func key(req promote.Request) string {
	k := req.From + "-" + req.To
	if len(req.Apps) == 1 {
		k += "/" + req.Apps[0]
	}
	return k
}

func (c *checker) Config(context.Context) (*promote.Config, error) { return c.cfg, nil }
func (c *checker) Status(context.Context) (string, error)          { return "", nil }
func (c *checker) Rollback(context.Context, chatops.RollbackRequest) (*proposal.Result, error) {
	return nil, nil
}
func (c *checker) Apps(context.Context, string) ([]string, error) { return c.apps, nil }

func (c *checker) Promote(_ context.Context, req promote.Request, _ string) (*proposal.Result, error) {
	c.promoted = append(c.promoted, key(req))
	return &proposal.Result{Result: forge.Result{Action: forge.Created, Branch: "promote/" + key(req)}}, nil
}

func (c *checker) Pending(_ context.Context, req promote.Request) (*proposal.Result, forge.Pendency, error) {
	pend, ok := c.pending[key(req)]
	plan := &promote.Plan{From: req.From, To: req.To}
	if ok {
		plan.Changes = []promote.Change{{File: "x.yaml"}}
	}
	return &proposal.Result{Plan: plan}, pend, nil
}

// TestResync: for each autoPromote edge (each app in a monorepo) whose
// source differs, a missing or open proposal is proposed; one a person
// closed is left alone, as are edges without autoPromote or with
// nothing to promote.
func TestResync(t *testing.T) {
	cases := []struct {
		name, config string
		apps         []string
		pending      map[string]forge.Pendency
		want         []string
	}{
		{"missing and open are proposed, closed left alone",
			"environments:\n  - {name: dev, path: d}\n  - {name: staging, path: s, from: dev, autoPromote: true}\n  - {name: prod, path: p, from: staging, autoPromote: true}\n  - {name: dr, path: r, from: prod}\n",
			nil, map[string]forge.Pendency{"dev-staging": {}, "staging-prod": {Branch: true, Open: true}, "prod-dr": {}},
			[]string{"dev-staging", "staging-prod"}},
		{"a closed promotion stays closed",
			"environments:\n  - {name: staging, path: s}\n  - {name: prod, path: p, from: staging, autoPromote: true}\n",
			nil, map[string]forge.Pendency{"staging-prod": {Branch: true, Closed: true}}, nil},
		{"nothing to promote",
			"environments:\n  - {name: staging, path: s}\n  - {name: prod, path: p, from: staging, autoPromote: true}\n",
			nil, map[string]forge.Pendency{}, nil},
		{"a monorepo goes app by app",
			"apps: {path: 'apps/{app}/{env}'}\nenvironments:\n  - {name: staging}\n  - {name: prod, from: staging, autoPromote: true}\n",
			[]string{"api", "web"}, map[string]forge.Pendency{"staging-prod/web": {}, "staging-prod/api": {Branch: true, Closed: true}},
			[]string{"staging-prod/web"}},
	}
	for _, c := range cases {
		cfg, err := promote.ParseConfig("promote.yaml", []byte(c.config))
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		run := &checker{cfg: cfg, apps: c.apps, pending: c.pending}
		res, err := (&chatops.Handler{Runner: run}).Resync(context.Background())
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if !slices.Equal(run.promoted, c.want) {
			t.Errorf("%s: proposed %q, want %q", c.name, run.promoted, c.want)
		}
		want := chatops.Unchanged
		if len(c.want) > 0 {
			want = chatops.Proposed
		}
		if res.Outcome != want {
			t.Errorf("%s: outcome %s, want %s", c.name, res.Outcome, want)
		}
	}
}
