package chatops

import (
	"fmt"
	"strings"

	"github.com/gitops-promote/promote/internal/forge"

	gh "github.com/google/go-github/v89/github"
)

// ParseGitHub reads a GitHub webhook payload of type eventType (the
// X-GitHub-Event header, or GITHUB_EVENT_NAME in Actions). issue_comment
// and pull_request events give a Comment or a Merged; other types give
// an Event with neither.
func ParseGitHub(eventType string, payload []byte) (*Event, error) {
	switch eventType {
	case "issue_comment", "pull_request":
	default:
		return &Event{}, nil
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
	return &Event{}, nil
}

func githubRepo(r *gh.Repository) (Repository, error) {
	if r == nil || r.GetFullName() == "" {
		return Repository{}, fmt.Errorf("event has no repository.full_name")
	}
	if r.GetDefaultBranch() == "" {
		return Repository{}, fmt.Errorf("event has no repository.default_branch")
	}
	return Repository{Forge: "github", Path: r.GetFullName(), DefaultBranch: r.GetDefaultBranch(), CloneURL: r.GetCloneURL()}, nil
}

func githubComment(e *gh.IssueCommentEvent) (*Event, error) {
	repo, err := githubRepo(e.GetRepo())
	if err != nil {
		return nil, fmt.Errorf("issue_comment event: %w", err)
	}
	if e.GetIssue().GetNumber() == 0 || e.GetComment().GetID() == 0 {
		return nil, fmt.Errorf("issue_comment event: expected issue.number and comment.id")
	}
	u := e.GetComment().GetUser()
	c := &Comment{
		Thread: forge.Thread{Kind: forge.ThreadIssue, Number: e.GetIssue().GetNumber()},
		ID:     e.GetComment().GetID(), Body: e.GetComment().GetBody(),
		Author:  Actor{Login: u.GetLogin(), Bot: IsBot(u.GetLogin(), strings.EqualFold(u.GetType(), "Bot"))},
		Created: e.GetAction() == "created",
	}
	return &Event{Repository: repo, Comment: c}, nil
}

func githubPull(e *gh.PullRequestEvent) (*Event, error) {
	repo, err := githubRepo(e.GetRepo())
	if err != nil {
		return nil, fmt.Errorf("pull_request event: %w", err)
	}
	if e.GetAction() != "closed" {
		return &Event{Repository: repo}, nil
	}
	pr := e.GetPullRequest()
	m := &Merged{
		Thread: forge.Thread{Kind: forge.ThreadIssue, Number: pr.GetNumber()},
		Merged: pr.GetMerged(), Base: pr.GetBase().GetRef(), Head: pr.GetHead().GetRef(), Body: pr.GetBody(),
		Title: pr.GetTitle(),
	}
	// A head in another repository (a fork) is never a promotion.
	if pr.GetHead().GetRepo().GetFullName() != "" && !strings.EqualFold(pr.GetHead().GetRepo().GetFullName(), repo.Path) {
		m.Head, m.Body = "", ""
	}
	return &Event{Repository: repo, Merged: m}, nil
}
