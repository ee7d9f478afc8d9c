package github

import (
	"fmt"
	"strings"

	gh "github.com/google/go-github/v89/github"

	"github.com/gitops-promote/promote/internal/forge"
)

// ParseEvent reads a GitHub webhook payload of type eventType (the
// X-GitHub-Event header, or GITHUB_EVENT_NAME in Actions). issue_comment
// and pull_request events give a Comment or a Merged; other types give
// an Event with neither.
func ParseEvent(eventType string, payload []byte) (*forge.Event, error) {
	switch eventType {
	case "issue_comment", "pull_request":
	default:
		return &forge.Event{}, nil
	}
	v, err := gh.ParseWebHook(eventType, payload)
	if err != nil {
		return nil, fmt.Errorf("read %s event: %w", eventType, err)
	}
	switch e := v.(type) {
	case *gh.IssueCommentEvent:
		return githubComment(e)
	case *gh.PullRequestEvent:
		return githubPull(e)
	}
	return &forge.Event{}, nil
}

func githubRepo(r *gh.Repository) (forge.Repository, error) {
	if r == nil || r.GetFullName() == "" {
		return forge.Repository{}, fmt.Errorf("event has no repository.full_name")
	}
	if r.GetDefaultBranch() == "" {
		return forge.Repository{}, fmt.Errorf("event has no repository.default_branch")
	}
	return forge.Repository{Forge: "github", Path: r.GetFullName(), DefaultBranch: r.GetDefaultBranch(), CloneURL: r.GetCloneURL()}, nil
}

func githubComment(e *gh.IssueCommentEvent) (*forge.Event, error) {
	repo, err := githubRepo(e.GetRepo())
	if err != nil {
		return nil, fmt.Errorf("issue_comment event: %w", err)
	}
	if e.GetIssue().GetNumber() == 0 || e.GetComment().GetID() == 0 {
		return nil, fmt.Errorf("issue_comment event: expected issue.number and comment.id")
	}
	u := e.GetComment().GetUser()
	c := &forge.Comment{
		Thread: forge.Thread{Kind: forge.ThreadIssue, Number: e.GetIssue().GetNumber()},
		ID:     e.GetComment().GetID(), Body: e.GetComment().GetBody(),
		Author:  forge.Actor{Login: u.GetLogin(), Bot: forge.IsBot(u.GetLogin(), strings.EqualFold(u.GetType(), "Bot"))},
		Created: e.GetAction() == "created",
	}
	return &forge.Event{Repository: repo, Comment: c}, nil
}

func githubPull(e *gh.PullRequestEvent) (*forge.Event, error) {
	repo, err := githubRepo(e.GetRepo())
	if err != nil {
		return nil, fmt.Errorf("pull_request event: %w", err)
	}
	if e.GetAction() != "closed" {
		return &forge.Event{Repository: repo}, nil
	}
	pr := e.GetPullRequest()
	m := &forge.Merged{
		Thread: forge.Thread{Kind: forge.ThreadIssue, Number: pr.GetNumber()},
		Merged: pr.GetMerged(), Base: pr.GetBase().GetRef(), Head: pr.GetHead().GetRef(), Body: pr.GetBody(),
		Title: pr.GetTitle(),
	}
	// A head in another repository (a fork) is never a promotion.
	if pr.GetHead().GetRepo().GetFullName() != "" && !strings.EqualFold(pr.GetHead().GetRepo().GetFullName(), repo.Path) {
		m.Head, m.Body = "", ""
	}
	return &forge.Event{Repository: repo, Merged: m}, nil
}
