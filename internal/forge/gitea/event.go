package gitea

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/gitops-promote/promote/internal/forge"
)

// giteaRepo is the repository of a Gitea or Forgejo webhook payload.
type giteaRepo struct {
	FullName      string `json:"full_name"`
	DefaultBranch string `json:"default_branch"`
	CloneURL      string `json:"clone_url"`
}

// giteaBranch is a pull request's base or head.
type giteaBranch struct {
	Ref  string `json:"ref"`
	Repo *struct {
		FullName string `json:"full_name"`
	} `json:"repo"`
}

// giteaPayload is the part of Gitea's issue_comment and pull_request
// events promote reads.
type giteaPayload struct {
	Action string `json:"action"`
	Issue  *struct {
		Number int `json:"number"`
	} `json:"issue"`
	Comment *struct {
		ID   int64  `json:"id"`
		Body string `json:"body"`
		User struct {
			Login string `json:"login"`
		} `json:"user"`
	} `json:"comment"`
	PullRequest *struct {
		Number int          `json:"number"`
		Merged bool         `json:"merged"`
		Body   string       `json:"body"`
		Base   *giteaBranch `json:"base"`
		Head   *giteaBranch `json:"head"`
	} `json:"pull_request"`
	IsPull     bool       `json:"is_pull"`
	Repository *giteaRepo `json:"repository"`
}

// ParseEvent reads a Gitea or Forgejo webhook payload of type eventType
// (the X-Gitea-Event or X-Forgejo-Event header, or GITHUB_EVENT_NAME in
// their Actions): issue_comment gives a Comment (on an issue or a pull
// request), a closed pull_request a Merged; other events give an Event
// with neither.
func ParseEvent(eventType string, payload []byte) (*forge.Event, error) {
	switch eventType {
	case "issue_comment", "pull_request":
	default:
		return &forge.Event{}, nil
	}
	var p giteaPayload
	if err := json.Unmarshal(payload, &p); err != nil {
		return nil, fmt.Errorf("read %s event: %w", eventType, err)
	}
	if p.Repository == nil || p.Repository.FullName == "" || p.Repository.DefaultBranch == "" {
		return nil, fmt.Errorf("%s event: expected repository.full_name and repository.default_branch", eventType)
	}
	r := p.Repository
	ev := &forge.Event{Repository: forge.Repository{Forge: "gitea", Path: r.FullName, DefaultBranch: r.DefaultBranch, CloneURL: r.CloneURL}}
	if eventType == "issue_comment" {
		c, err := giteaComment(&p)
		ev.Comment = c
		return ev, err
	}
	ev.Merged = giteaMerged(&p, r.FullName)
	return ev, nil
}

func giteaComment(p *giteaPayload) (*forge.Comment, error) {
	if p.Issue == nil || p.Issue.Number == 0 || p.Comment == nil || p.Comment.ID == 0 {
		return nil, fmt.Errorf("issue_comment event: expected issue.number and comment.id")
	}
	login := p.Comment.User.Login
	return &forge.Comment{
		Thread: forge.Thread{Kind: forge.ThreadIssue, Number: p.Issue.Number},
		ID:     p.Comment.ID, Body: p.Comment.Body,
		Author:  forge.Actor{Login: login, Bot: forge.IsBot(login, strings.EqualFold(login, "gitea-actions") || strings.EqualFold(login, "forgejo-actions"))},
		Created: p.Action == "created",
	}, nil
}

func giteaMerged(p *giteaPayload, repo string) *forge.Merged {
	pr := p.PullRequest
	if p.Action != "closed" || pr == nil || pr.Base == nil || pr.Head == nil {
		return nil
	}
	m := &forge.Merged{Thread: forge.Thread{Kind: forge.ThreadIssue, Number: pr.Number}, Merged: pr.Merged, Base: pr.Base.Ref, Head: pr.Head.Ref, Body: pr.Body}
	if pr.Head.Repo != nil && pr.Head.Repo.FullName != "" && !strings.EqualFold(pr.Head.Repo.FullName, repo) {
		m.Head, m.Body = "", "" // from a fork: never a promotion
	}
	return m
}
