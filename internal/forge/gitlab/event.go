package gitlab

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/gitops-promote/promote/internal/forge"
)

// gitlabPayload is the part of GitLab's note and merge request events
// promote reads.
type gitlabPayload struct {
	ObjectKind string `json:"object_kind"`
	User       struct {
		Username string `json:"username"`
	} `json:"user"`
	Project struct {
		ID                int64  `json:"id"`
		PathWithNamespace string `json:"path_with_namespace"`
		DefaultBranch     string `json:"default_branch"`
		GitHTTPURL        string `json:"git_http_url"`
	} `json:"project"`
	ObjectAttributes struct {
		ID           int64  `json:"id"`
		IID          int    `json:"iid"`
		Note         string `json:"note"`
		NoteableType string `json:"noteable_type"`
		Action       string `json:"action"`
		State        string `json:"state"`
		SourceBranch string `json:"source_branch"`
		TargetBranch string `json:"target_branch"`
		Description  string `json:"description"`
		Title        string `json:"title"`
		SourceProjID int64  `json:"source_project_id"`
		TargetProjID int64  `json:"target_project_id"`
	} `json:"object_attributes"`
	MergeRequest *struct {
		IID          int   `json:"iid"`
		SourceProjID int64 `json:"source_project_id"`
		TargetProjID int64 `json:"target_project_id"`
	} `json:"merge_request"`
	Issue *struct {
		IID int `json:"iid"`
	} `json:"issue"`
}

// ParseEvent reads a GitLab webhook payload of type eventType (the
// X-Gitlab-Event header: Note Hook, Merge Request Hook). Notes on merge
// requests and issues give a Comment, merged merge requests a Merged;
// other events give an Event with neither.
func ParseEvent(eventType string, payload []byte) (*forge.Event, error) {
	if eventType != "Note Hook" && eventType != "Merge Request Hook" {
		return &forge.Event{}, nil
	}
	var p gitlabPayload
	if err := json.Unmarshal(payload, &p); err != nil {
		return nil, fmt.Errorf("read %s event: %w", eventType, err)
	}
	if p.Project.PathWithNamespace == "" || p.Project.DefaultBranch == "" {
		return nil, fmt.Errorf("%s event: expected project.path_with_namespace and project.default_branch", eventType)
	}
	ev := &forge.Event{Repository: forge.Repository{Forge: "gitlab", Path: p.Project.PathWithNamespace, DefaultBranch: p.Project.DefaultBranch, CloneURL: p.Project.GitHTTPURL}}
	switch p.ObjectKind {
	case "note":
		ev.Comment = gitlabNote(&p)
	case "merge_request":
		ev.Merged = gitlabMerged(&p)
	}
	return ev, nil
}

func gitlabNote(p *gitlabPayload) *forge.Comment {
	a := p.ObjectAttributes
	c := &forge.Comment{ID: a.ID, Body: a.Note, Author: forge.Actor{Login: p.User.Username, Bot: gitlabBot(p.User.Username)},
		// Older GitLab versions send no action; a note event without one
		// is a new note.
		Created: a.Action == "" || a.Action == "create"}
	switch {
	case a.NoteableType == "MergeRequest" && p.MergeRequest != nil:
		c.Thread = forge.Thread{Kind: forge.ThreadMergeRequest, Number: p.MergeRequest.IID}
		c.FromFork = p.MergeRequest.SourceProjID != 0 && p.MergeRequest.SourceProjID != p.MergeRequest.TargetProjID
	case a.NoteableType == "Issue" && p.Issue != nil:
		c.Thread = forge.Thread{Kind: forge.ThreadIssue, Number: p.Issue.IID}
	default:
		return nil // notes on commits and snippets carry no commands
	}
	return c
}

func gitlabMerged(p *gitlabPayload) *forge.Merged {
	a := p.ObjectAttributes
	// Only the merge itself: an update of a merged request (a label or
	// title edit) also says state: merged, and must not promote again.
	if a.Action != "merge" {
		return nil
	}
	m := &forge.Merged{Thread: forge.Thread{Kind: forge.ThreadMergeRequest, Number: a.IID}, Merged: true, Base: a.TargetBranch, Head: a.SourceBranch, Body: a.Description, Title: a.Title}
	if a.SourceProjID != 0 && a.SourceProjID != a.TargetProjID {
		m.Head, m.Body = "", "" // from a fork: never a promotion
	}
	return m
}

// gitlabBot tells GitLab's bot users: project and group access token
// users (project_123_bot_…, group_45_bot_…) and names ending in [bot].
func gitlabBot(username string) bool {
	u := strings.ToLower(username)
	return forge.IsBot(u, false) || (strings.HasPrefix(u, "project_") || strings.HasPrefix(u, "group_")) && strings.Contains(u, "_bot")
}
