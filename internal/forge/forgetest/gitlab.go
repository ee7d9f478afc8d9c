package forgetest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"
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
	// SHA is the source branch's tip GitLab last saw; Pipelines the
	// commits it ran a pipeline for.
	SHA       string
	Pipelines []string
	// pipelineDue counts the requests to come before the pipeline of
	// SHA is created (-1: none due).
	pipelineDue int
}

// GitLab is a fake GitLab REST API (v4) for one project, answering the
// way GitLab does where promote depends on it:
//   - it may be served under a relative URL root (Root), the git side
//     included, so that origin is https://host/gitlab/group/project.git;
//   - the project is addressed by its URL-encoded path or its id;
//   - merge request pipelines are created asynchronously, PipelineAfter
//     requests after the merge request is opened or its branch moves, and
//     only when the source branch holds .gitlab-ci.yml; they keep running;
//   - auto-merge is refused (405) while the merge request's commit has no
//     pipeline; without CI it is accepted and waits for the other checks
//     (merge when checks pass); a push to the source branch cancels it;
//   - titles over 255 characters and descriptions over 1,048,576 are 400;
//   - lists are paginated by offset (page, per_page up to 100, default
//     20) with X-Page, X-Per-Page, X-Next-Page, X-Prev-Page, X-Total,
//     X-Total-Pages and Link headers;
//   - creating a merge request is 409 only when an open one has the same
//     source and target branches.
//
// Every request is checked against the contract in testdata/gitlab-api.tsv.
type GitLab struct {
	recorder
	// URL is the instance's base URL (--gitlab-url), Root included.
	URL string
	// Root is the relative URL root the instance is served under ("" or
	// "/gitlab").
	Root string
	// Token is the PRIVATE-TOKEN requests must carry.
	Token string
	// Project is the project's path; ProjectID its numeric id.
	Project   string
	ProjectID int
	// Users maps user names to ids for /users?username=.
	Users map[string]int64
	// AutoMergeRefused makes setting auto-merge fail as on a project
	// whose settings do not allow it.
	AutoMergeRefused bool
	// PipelineAfter is how many requests pass before a pipeline is
	// created (default 1); PipelinesOff means GitLab never creates one
	// (a stuck runner queue).
	PipelineAfter int
	PipelinesOff  bool

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
	return NewGitLabAt(t, git, project, token, "")
}

// NewGitLabAt starts a fake GitLab served under the relative URL root
// (e.g. "/gitlab"); its git side answers at URL/<project>.git too.
func NewGitLabAt(t testing.TB, git *GitServer, project, token, root string) *GitLab {
	t.Helper()
	g := &GitLab{Token: token, Project: project, ProjectID: 42, Root: strings.TrimSuffix(root, "/"), git: git, t: t, Users: map[string]int64{},
		PipelineAfter: 1, statuses: map[string][]CommitStatus{}}
	g.routes = g.makeRoutes()
	srv := httptest.NewServer(g)
	t.Cleanup(srv.Close)
	g.URL = srv.URL + g.Root
	return g
}

// RepoURL is the project's clone URL on this instance (under Root).
func (g *GitLab) RepoURL() string { return g.URL + "/" + g.Project + ".git" }

// MergeRequests returns copies of the merge requests, in creation order.
func (g *GitLab) MergeRequests() []MergeRequest {
	g.mu.Lock()
	defer g.mu.Unlock()
	return snapshot(g.mrs, func(m MergeRequest) MergeRequest {
		m.Labels, m.Notes, m.Pipelines = slices.Clone(m.Labels), slices.Clone(m.Notes), slices.Clone(m.Pipelines)
		return m
	})
}

// Opened returns the open merge requests.
func (g *GitLab) Opened() []MergeRequest {
	return where(g.MergeRequests(), func(m MergeRequest) bool { return m.State == "opened" })
}

// ServeHTTP implements http.Handler.
func (g *GitLab) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rest, ok := strings.CutPrefix(r.URL.Path, g.Root+"/")
	if !ok {
		http.NotFound(w, r)
		return
	}
	if !strings.HasPrefix(rest, "api/v4/") {
		g.serveGit(w, r, "/"+rest)
		return
	}
	g.observe()
	allow := func(r *http.Request, body []byte) bool {
		if err := gitlabContract.Validate(r.Method, strings.TrimPrefix(r.URL.EscapedPath(), g.Root+"/api/v4"), r.URL.RawQuery, body); err != nil {
			g.t.Errorf("GitLab's API (testdata/gitlab-api.tsv) does not allow %s %s: %v", r.Method, r.URL.RequestURI(), err)
		}
		return r.Header.Get("Private-Token") == g.Token
	}
	fake{routes: g.routes, allow: allow, unauthorized: "401 Unauthorized", notFound: "404 Not Found"}.serve(&g.recorder, w, r)
}

// serveGit passes git's smart-HTTP requests under Root to the git server.
func (g *GitLab) serveGit(w http.ResponseWriter, r *http.Request, p string) {
	r2 := r.Clone(r.Context())
	r2.URL.Path, r2.URL.RawPath, r2.RequestURI = p, "", ""
	g.git.ServeHTTP(w, r2)
}

// observe is what GitLab does in the background between requests: it
// notices pushes to merge requests' branches (cancelling auto-merge) and
// creates the pipelines that are due.
func (g *GitLab) observe() {
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, m := range g.mrs {
		if m.State != "opened" {
			continue
		}
		if tip := g.git.Branch(g.t, g.Project, m.SourceBranch); tip != "" && tip != m.SHA {
			if m.SHA != "" {
				m.AutoMerge = false
			}
			m.SHA = tip
			m.pipelineDue = g.PipelineAfter
		}
		switch {
		case m.pipelineDue > 0:
			m.pipelineDue--
		case m.pipelineDue == 0 && !g.PipelinesOff:
			if g.hasCI(m.SHA) {
				m.Pipelines = append(m.Pipelines, m.SHA)
			}
			m.pipelineDue = -1
		}
	}
}

// hasCI reports whether commit holds a CI configuration.
func (g *GitLab) hasCI(commit string) bool {
	if commit == "" {
		return false
	}
	return strings.TrimSpace(Git(g.t, g.git.Dir(g.Project), "ls-tree", "--name-only", commit, ".gitlab-ci.yml")) != ""
}

// projectRE matches the start of the project's API paths: by its path
// (escaped as client-go does, dots included) or by its id.
func (g *GitLab) projectRE() string {
	escaped := strings.ReplaceAll(url.PathEscape(g.Project), ".", "%2E")
	return "^" + regexp.QuoteMeta(g.Root) + "/api/v4/projects/(?:" + regexp.QuoteMeta(escaped) + "|" + strconv.Itoa(g.ProjectID) + ")"
}

func (g *GitLab) makeRoutes() []route {
	project := g.projectRE()
	re := regexp.MustCompile
	return []route{
		{"GET", re(project + "/merge_requests$"), g.list},
		{"POST", re(project + "/merge_requests$"), g.create},
		{"PUT", re(project + `/merge_requests/(\d+)$`), g.update},
		{"PUT", re(project + `/merge_requests/(\d+)/merge$`), g.merge},
		{"GET", re(project + `/merge_requests/(\d+)/pipelines$`), g.pipelines},
		{"POST", re(project + `/merge_requests/(\d+)/notes$`), g.note},
		{"GET", re(`^` + regexp.QuoteMeta(g.Root) + `/api/v4/users$`), g.users},
		{"GET", re(project + `/repository/commits/([^/]+)/statuses$`), g.commitStatuses},
	}
}

func (g *GitLab) status(m *MergeRequest) string {
	switch {
	case slices.Contains(m.Pipelines, m.SHA):
		return "ci_still_running"
	case !g.hasCI(m.SHA):
		return "mergeable"
	}
	return "checking"
}

func (g *GitLab) mrJSON(m *MergeRequest) map[string]any {
	return map[string]any{
		"id": 1000 + m.IID, "iid": m.IID, "project_id": g.ProjectID, "title": m.Title, "description": m.Description, "state": m.State,
		"source_branch": m.SourceBranch, "target_branch": m.TargetBranch, "labels": m.Labels, "sha": m.SHA,
		"source_project_id": g.ProjectID, "target_project_id": g.ProjectID,
		"draft": strings.HasPrefix(m.Title, "Draft:"), "merge_when_pipeline_succeeds": m.AutoMerge,
		"detailed_merge_status": g.status(m),
		"web_url":               fmt.Sprintf("https://gitlab.example/%s/-/merge_requests/%d", g.Project, m.IID),
	}
}

func (g *GitLab) mr(w http.ResponseWriter, iid string) *MergeRequest {
	return numbered(w, g.mrs, iid, "404 Not found")
}

func (g *GitLab) list(w http.ResponseWriter, r *http.Request, _ []string, _ []byte) {
	q := r.URL.Query()
	g.mu.Lock()
	defer g.mu.Unlock()
	var out []map[string]any
	for _, m := range g.mrs {
		switch {
		case q.Get("state") != "" && q.Get("state") != "all" && q.Get("state") != m.State,
			q.Get("source_branch") != "" && q.Get("source_branch") != m.SourceBranch,
			q.Get("target_branch") != "" && q.Get("target_branch") != m.TargetBranch:
			continue
		}
		out = append(out, g.mrJSON(m))
	}
	writePage(w, r, out)
}

// writePage answers one page of items with GitLab's offset pagination
// headers.
func writePage(w http.ResponseWriter, r *http.Request, items []map[string]any) {
	q := r.URL.Query()
	page, _ := strconv.Atoi(q.Get("page"))
	per, _ := strconv.Atoi(q.Get("per_page"))
	page = max(page, 1)
	if per < 1 {
		per = 20
	}
	per = min(per, 100)
	pages := max((len(items)+per-1)/per, 1)
	lo, hi := min((page-1)*per, len(items)), min(page*per, len(items))
	h := w.Header()
	h.Set("X-Page", strconv.Itoa(page))
	h.Set("X-Per-Page", strconv.Itoa(per))
	h.Set("X-Total", strconv.Itoa(len(items)))
	h.Set("X-Total-Pages", strconv.Itoa(pages))
	h.Set("X-Next-Page", "")
	h.Set("X-Prev-Page", "")
	link := func(p int, rel string) string {
		u := *r.URL
		u.Scheme, u.Host = "http", r.Host
		v := u.Query()
		v.Set("page", strconv.Itoa(p))
		v.Set("per_page", strconv.Itoa(per))
		u.RawQuery = v.Encode()
		return fmt.Sprintf("<%s>; rel=%q", u.String(), rel)
	}
	links := []string{link(1, "first"), link(pages, "last")}
	if page < pages {
		h.Set("X-Next-Page", strconv.Itoa(page+1))
		links = append(links, link(page+1, "next"))
	}
	if page > 1 {
		h.Set("X-Prev-Page", strconv.Itoa(page-1))
		links = append(links, link(page-1, "prev"))
	}
	h.Set("Link", strings.Join(links, ", "))
	out := items[lo:hi]
	if out == nil {
		out = []map[string]any{}
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

// invalid answers GitLab's 400 for fields over their limits.
func (in mrInput) invalid(w http.ResponseWriter) bool {
	msg := map[string][]string{}
	if in.Title != nil && utf8.RuneCountInString(*in.Title) > 255 {
		msg["title"] = []string{"is too long (maximum is 255 characters)"}
	}
	if in.Description != nil && utf8.RuneCountInString(*in.Description) > 1048576 {
		msg["description"] = []string{"is too long (maximum is 1048576 characters)"}
	}
	if len(msg) == 0 {
		return false
	}
	writeJSON(w, http.StatusBadRequest, map[string]any{"message": msg})
	return true
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
	if in.invalid(w) {
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	tip := g.git.Branch(g.t, g.Project, in.SourceBranch)
	if tip == "" {
		writeJSON(w, http.StatusBadRequest, map[string]any{"message": []string{"Source branch does not exist"}})
		return
	}
	for _, m := range g.mrs {
		if m.State == "opened" && m.SourceBranch == in.SourceBranch && m.TargetBranch == *in.TargetBranch {
			writeJSON(w, http.StatusConflict, map[string]any{"message": []string{fmt.Sprintf("Another open merge request already exists for this source branch: !%d", m.IID)}})
			return
		}
	}
	m := &MergeRequest{IID: len(g.mrs) + 1, Title: *in.Title, SourceBranch: in.SourceBranch, TargetBranch: *in.TargetBranch,
		State: "opened", Labels: splitLabels(in.Labels), AssigneeIDs: in.AssigneeIDs, ReviewerIDs: in.ReviewerIDs, RemoveSourceBranch: in.RemoveSourceBranch,
		SHA: tip, pipelineDue: g.PipelineAfter}
	if in.Description != nil {
		m.Description = *in.Description
	}
	g.mrs = append(g.mrs, m)
	writeJSON(w, http.StatusCreated, g.mrJSON(m))
}

func (g *GitLab) update(w http.ResponseWriter, _ *http.Request, mm []string, body []byte) {
	var in mrInput
	_ = json.Unmarshal(body, &in)
	if in.invalid(w) {
		return
	}
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
	if in.StateEvent == "close" && m.State != "closed" {
		m.State, m.SHA = "closed", g.git.Branch(g.t, g.Project, m.SourceBranch)
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
	ciReady := slices.Contains(m.Pipelines, m.SHA) || !g.hasCI(m.SHA)
	if g.AutoMergeRefused || !in.AutoMerge || !ciReady {
		writeJSON(w, http.StatusMethodNotAllowed, map[string]string{"message": "405 Method Not Allowed"})
		return
	}
	m.AutoMerge = true
	writeJSON(w, http.StatusOK, g.mrJSON(m))
}

func (g *GitLab) pipelines(w http.ResponseWriter, r *http.Request, mm []string, _ []byte) {
	g.mu.Lock()
	defer g.mu.Unlock()
	m := g.mr(w, mm[1])
	if m == nil {
		return
	}
	var out []map[string]any
	for i := len(m.Pipelines) - 1; i >= 0; i-- {
		out = append(out, map[string]any{"id": 500 + i, "sha": m.Pipelines[i], "ref": m.SourceBranch, "status": "running", "source": "merge_request_event"})
	}
	writePage(w, r, out)
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
