package forgetest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
)

// MergeRequest is a merge request on the fake GitLab.
type MergeRequest struct {
	IID                                                   int
	Title, Description, SourceBranch, TargetBranch, State string
	Labels                                                []string
	AssigneeIDs, ReviewerIDs                              []int64
	AutoMerge, RemoveSourceBranch                         bool
	// Notes are the comments posted on it, in order.
	Notes []string
}

// GitLab is a fake GitLab REST API (v4) for one project. Source branches
// are checked against the repository on Git.
type GitLab struct {
	recorder
	// URL is the instance's base URL (--gitlab-url).
	URL string
	// Token is the PRIVATE-TOKEN requests must carry.
	Token string
	// Project is the project's path.
	Project string
	// Users maps user names to ids for /users?username=.
	Users map[string]int64
	// AutoMergeRefused makes setting auto-merge fail as on a project
	// whose settings do not allow it.
	AutoMergeRefused bool

	git      *GitServer
	t        testing.TB
	mu       sync.Mutex
	mrs      []*MergeRequest
	statuses map[string][]CommitStatus
	routes   []route
}

// SetStatus posts a commit status (or a pipeline job's) on commit: a
// later status of the same name replaces it, as GitLab lists only the
// latest of each name.
func (g *GitLab) SetStatus(commit string, s CommitStatus) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.statuses[commit] = setStatus(g.statuses[commit], s)
}

// NewGitLab starts a fake GitLab for project whose git side is git's
// repository of the same path, accepting token.
func NewGitLab(t testing.TB, git *GitServer, project, token string) *GitLab {
	t.Helper()
	g := &GitLab{Token: token, Project: project, git: git, t: t, Users: map[string]int64{}, statuses: map[string][]CommitStatus{}}
	g.routes = g.makeRoutes()
	srv := httptest.NewServer(g)
	t.Cleanup(srv.Close)
	g.URL = srv.URL
	return g
}

// MergeRequests returns copies of the merge requests, in creation order.
func (g *GitLab) MergeRequests() []MergeRequest {
	g.mu.Lock()
	defer g.mu.Unlock()
	return snapshot(g.mrs, func(m MergeRequest) MergeRequest {
		m.Labels, m.Notes = slices.Clone(m.Labels), slices.Clone(m.Notes)
		return m
	})
}

// Opened returns the open merge requests.
func (g *GitLab) Opened() []MergeRequest {
	return where(g.MergeRequests(), func(m MergeRequest) bool { return m.State == "opened" })
}

// ServeHTTP implements http.Handler.
func (g *GitLab) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	allow := func(r *http.Request, _ []byte) bool { return r.Header.Get("Private-Token") == g.Token }
	fake{routes: g.routes, allow: allow, unauthorized: "401 Unauthorized", notFound: "404 Not Found"}.serve(&g.recorder, w, r)
}

func (g *GitLab) makeRoutes() []route {
	project := "^/api/v4/projects/" + regexp.QuoteMeta(strings.ReplaceAll(url.PathEscape(g.Project), ".", "%2E"))
	re := regexp.MustCompile
	return []route{
		{"GET", re(project + "/merge_requests$"), g.list},
		{"POST", re(project + "/merge_requests$"), g.create},
		{"PUT", re(project + `/merge_requests/(\d+)$`), g.update},
		{"PUT", re(project + `/merge_requests/(\d+)/merge$`), g.merge},
		{"POST", re(project + `/merge_requests/(\d+)/notes$`), g.note},
		{"GET", re(`^/api/v4/users$`), g.users},
		{"GET", re(project + `/repository/commits/([^/]+)/statuses$`), g.commitStatuses},
	}
}

func (g *GitLab) mrJSON(m *MergeRequest) map[string]any {
	return map[string]any{
		"id": 1000 + m.IID, "iid": m.IID, "title": m.Title, "description": m.Description, "state": m.State,
		"source_branch": m.SourceBranch, "target_branch": m.TargetBranch, "labels": m.Labels,
		"draft": strings.HasPrefix(m.Title, "Draft:"), "merge_when_pipeline_succeeds": m.AutoMerge,
		"web_url": fmt.Sprintf("https://gitlab.example/%s/-/merge_requests/%d", g.Project, m.IID),
	}
}

func (g *GitLab) mr(w http.ResponseWriter, iid string) *MergeRequest {
	return numbered(w, g.mrs, iid, "404 Not found")
}

func (g *GitLab) list(w http.ResponseWriter, r *http.Request, _ []string, _ []byte) {
	q := r.URL.Query()
	g.mu.Lock()
	defer g.mu.Unlock()
	out := []map[string]any{}
	for _, m := range g.mrs {
		switch {
		case q.Get("state") != "" && q.Get("state") != "all" && q.Get("state") != m.State,
			q.Get("source_branch") != "" && q.Get("source_branch") != m.SourceBranch,
			q.Get("target_branch") != "" && q.Get("target_branch") != m.TargetBranch:
			continue
		}
		out = append(out, g.mrJSON(m))
	}
	writeJSON(w, http.StatusOK, out)
}

// mrInput is what create and update read; labels come as a comma list.
type mrInput struct {
	Title              *string `json:"title"`
	Description        *string `json:"description"`
	SourceBranch       string  `json:"source_branch"`
	TargetBranch       *string `json:"target_branch"`
	Labels             *string `json:"labels"`
	AddLabels          *string `json:"add_labels"`
	AssigneeIDs        []int64 `json:"assignee_ids"`
	ReviewerIDs        []int64 `json:"reviewer_ids"`
	StateEvent         string  `json:"state_event"`
	RemoveSourceBranch bool    `json:"remove_source_branch"`
}

func splitLabels(s *string) []string {
	if s == nil || *s == "" {
		return nil
	}
	return strings.Split(*s, ",")
}

func (g *GitLab) create(w http.ResponseWriter, _ *http.Request, _ []string, body []byte) {
	var in mrInput
	if err := json.Unmarshal(body, &in); err != nil || in.Title == nil || in.TargetBranch == nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "title, source_branch, target_branch are missing"})
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.git.Branch(g.t, g.Project, in.SourceBranch) == "" {
		writeJSON(w, http.StatusBadRequest, map[string]any{"message": []string{"Source branch does not exist"}})
		return
	}
	for _, m := range g.mrs {
		if m.State == "opened" && m.SourceBranch == in.SourceBranch {
			writeJSON(w, http.StatusConflict, map[string]any{"message": []string{fmt.Sprintf("Another open merge request already exists for this source branch: !%d", m.IID)}})
			return
		}
	}
	m := &MergeRequest{IID: len(g.mrs) + 1, Title: *in.Title, SourceBranch: in.SourceBranch, TargetBranch: *in.TargetBranch,
		State: "opened", Labels: splitLabels(in.Labels), AssigneeIDs: in.AssigneeIDs, ReviewerIDs: in.ReviewerIDs, RemoveSourceBranch: in.RemoveSourceBranch}
	if in.Description != nil {
		m.Description = *in.Description
	}
	g.mrs = append(g.mrs, m)
	writeJSON(w, http.StatusCreated, g.mrJSON(m))
}

func (g *GitLab) update(w http.ResponseWriter, _ *http.Request, mm []string, body []byte) {
	var in mrInput
	_ = json.Unmarshal(body, &in)
	g.mu.Lock()
	defer g.mu.Unlock()
	m := g.mr(w, mm[1])
	if m == nil {
		return
	}
	if in.Title != nil {
		m.Title = *in.Title
	}
	if in.Description != nil {
		m.Description = *in.Description
	}
	if in.TargetBranch != nil {
		m.TargetBranch = *in.TargetBranch
	}
	if in.Labels != nil {
		m.Labels = splitLabels(in.Labels)
	}
	for _, l := range splitLabels(in.AddLabels) {
		if !slices.Contains(m.Labels, l) {
			m.Labels = append(m.Labels, l)
		}
	}
	if in.StateEvent == "close" {
		m.State = "closed"
	}
	writeJSON(w, http.StatusOK, g.mrJSON(m))
}

func (g *GitLab) merge(w http.ResponseWriter, _ *http.Request, mm []string, body []byte) {
	var in struct {
		AutoMerge bool `json:"auto_merge"`
	}
	_ = json.Unmarshal(body, &in)
	g.mu.Lock()
	defer g.mu.Unlock()
	m := g.mr(w, mm[1])
	if m == nil {
		return
	}
	if g.AutoMergeRefused || !in.AutoMerge {
		writeJSON(w, http.StatusMethodNotAllowed, map[string]string{"message": "405 Method Not Allowed"})
		return
	}
	m.AutoMerge = true
	writeJSON(w, http.StatusOK, g.mrJSON(m))
}

func (g *GitLab) note(w http.ResponseWriter, _ *http.Request, mm []string, body []byte) {
	text := commentBody(body)
	g.mu.Lock()
	defer g.mu.Unlock()
	if m := g.mr(w, mm[1]); m != nil {
		m.Notes = append(m.Notes, text)
		writeJSON(w, http.StatusCreated, map[string]any{"id": len(m.Notes), "body": text})
	}
}

func (g *GitLab) users(w http.ResponseWriter, r *http.Request, _ []string, _ []byte) {
	name := r.URL.Query().Get("username")
	out := []map[string]any{}
	if id, ok := g.Users[name]; ok {
		out = append(out, map[string]any{"id": id, "username": name})
	}
	writeJSON(w, http.StatusOK, out)
}

// commitStatuses answers GET /projects/:id/repository/commits/:sha/statuses:
// the latest status of each name, paginated (X-Next-Page; 20 a page by
// default).
func (g *GitLab) commitStatuses(w http.ResponseWriter, r *http.Request, m []string, _ []byte) {
	sha := unescape(m[1])
	g.mu.Lock()
	all := slices.Clone(g.statuses[sha])
	g.mu.Unlock()
	if r.URL.Query().Get("per_page") == "" {
		q := r.URL.Query()
		q.Set("per_page", "20")
		r.URL.RawQuery = q.Encode()
	}
	items, next := page(r, all)
	out := []map[string]any{}
	for i, s := range items {
		out = append(out, map[string]any{"id": i + 1, "sha": sha, "name": s.Name, "status": s.State, "allow_failure": s.AllowFailure,
			"target_url": "https://ci.example/" + s.Name, "ref": "main"})
	}
	gitLabPages(w, r, next, len(all))
	writeJSON(w, http.StatusOK, out)
}
