package forge_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/gitops-promote/promote/internal/forge"
)

// origin records what a Hosted asks of its remote.
type origin struct {
	calls []string
	tip   string
}

func (o *origin) Publish(_ context.Context, p forge.Proposal) (forge.Publication, error) {
	o.calls = append(o.calls, "publish "+p.Branch)
	o.tip = p.Commit
	return forge.Publication{Pushed: true, Commit: p.Commit}, nil
}

func (o *origin) Remove(_ context.Context, branch string) (bool, error) {
	o.calls = append(o.calls, "remove "+branch)
	return o.tip != "", nil
}

func (o *origin) Tip(context.Context, string) (string, error) { return o.tip, nil }

func (o *origin) FetchBase(_ context.Context, base string) (string, error) {
	o.calls = append(o.calls, "fetch "+base)
	return "tip-of-" + base, nil
}

func (o *origin) FetchHistory(_ context.Context, commit string, depth int) error {
	o.calls = append(o.calls, fmt.Sprintf("deepen %s %d", commit, depth))
	return nil
}

func (o *origin) MoveBase(_ context.Context, base, old, new string) error {
	o.calls = append(o.calls, fmt.Sprintf("move %s %s→%s", base, old, new))
	return nil
}

// request is a fake forge's request; requests keeps them, none open.
type request struct {
	number int
	branch string
}

type requests struct{ closed bool }

func (requests) Find(context.Context, forge.Proposal) (*request, []*request, error) {
	return nil, nil, nil
}
func (requests) Open(_ context.Context, p forge.Proposal) (*request, error) {
	return &request{number: 7, branch: p.Branch}, nil
}
func (requests) Update(context.Context, *request, forge.Proposal, bool) (bool, error) {
	return false, nil
}
func (requests) Fit(p forge.Proposal) (forge.Proposal, error)  { return p, nil }
func (requests) Close(context.Context, *request, string) error { return nil }
func (requests) Describe(r *request) forge.RequestInfo {
	return forge.RequestInfo{Number: r.number, Branch: r.branch, URL: fmt.Sprintf("https://forge.example/pr/%d", r.number)}
}
func (r requests) ClosedAt(context.Context, forge.Proposal, string) (bool, error) {
	return r.closed, nil
}

// TestHostedDelegates: an adapter embedding Hosted reads and moves the
// base on its origin and proposes through the shared flow.
func TestHostedDelegates(t *testing.T) {
	ctx := context.Background()
	o := &origin{}
	var notes []string
	h := forge.NewHosted(forge.PullRequest, o, forge.Requests[*request](requests{closed: true}), func(s string) { notes = append(notes, s) })
	if tip, err := h.FetchBase(ctx, "main"); err != nil || tip != "tip-of-main" {
		t.Errorf("FetchBase: %s, %v", tip, err)
	}
	if err := h.FetchHistory(ctx, "abc", 4); err != nil {
		t.Fatal(err)
	}
	if err := h.MoveBase(ctx, "main", "abc", "def"); err != nil {
		t.Fatal(err)
	}
	p := forge.Proposal{Branch: "promote/dev-to-prod", Base: "main", Commit: "c0ffee", From: "dev", To: "prod", Title: "Promote dev to prod"}
	res, err := h.Propose(ctx, p)
	if err != nil || res.Action != forge.Created || res.Number != 7 || res.URL != "https://forge.example/pr/7" || res.Commit != "c0ffee" {
		t.Errorf("Propose: %+v, %v", res, err)
	}
	pend, err := h.Pending(ctx, p)
	if err != nil || !pend.Branch || pend.Open || !pend.Closed {
		t.Errorf("Pending of a pushed branch whose request was closed: %+v, %v", pend, err)
	}
	want := []string{"fetch main", "deepen abc 4", "move main abc→def", "publish promote/dev-to-prod"}
	if !slices.Equal(o.calls, want) {
		t.Errorf("origin was asked %q, want %q", o.calls, want)
	}
	h.Notef("auto-merge is not allowed on %s", "acme/gitops")
	if !slices.Equal(notes, []string{"auto-merge is not allowed on acme/gitops"}) {
		t.Errorf("notes: %q", notes)
	}
	forge.NewHosted(forge.PullRequest, o, forge.Requests[*request](requests{}), nil).Notef("nobody listens")
}
