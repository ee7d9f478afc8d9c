package forgetest

import (
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/golang-jwt/jwt/v5"
)

// Pull is a pull request on the fake GitHub.
type Pull struct {
	Number                                      int
	NodeID, Title, Body, Head, Base, State      string
	Draft, AutoMerge                            bool
	Labels, Assignees, Reviewers, TeamReviewers []string
	// Comments are the comments posted on it, in order.
	Comments []string
	// HeadSHA is the head branch's commit when the pull request was
	// closed (while open, the head's live tip is reported).
	HeadSHA string
}

// GitHub is a fake GitHub REST and GraphQL API for one repository. Head
// branches are checked against the repository on Git.
type GitHub struct {
	recorder
	// URL is the API's base URL (GITHUB_API_URL).
	URL string
	// Token is the token requests must carry (Bearer or token scheme).
	Token string
	// Owner and Repo name the repository.
	Owner, Repo string
	// AutoMergeAllowed says whether the repository allows auto-merge.
	AutoMergeAllowed bool
	// NoDrafts makes draft pull requests unavailable.
	NoDrafts bool
	// AppID, AppKey and InstallationToken make the fake accept GitHub App
	// JWTs signed with AppKey and hand out InstallationToken.
	AppID             int64
	AppKey            *rsa.PublicKey
	InstallationToken string

	git       *GitServer
	t         testing.TB
	oapi      *OpenAPI
	mu        sync.Mutex
	pulls     []*Pull
	labels    map[string]bool
	statuses  map[string][]CommitStatus
	checkRuns map[string][]CheckRun
	routes    []route
	// apiCommits are the commits created through the Git Data API.
	apiCommits []string
}

// SetStatus posts a commit status on commit, as a deployment tool (Argo
// CD, Flux) does: a later status of the same context replaces it.
func (g *GitHub) SetStatus(commit string, s CommitStatus) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.statuses[commit] = setStatus(g.statuses[commit], s)
}

// AddCheckRun adds a check run on commit (status queued, in_progress or
// completed with a conclusion).
func (g *GitHub) AddCheckRun(commit string, c CheckRun) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.checkRuns[commit] = append(g.checkRuns[commit], c)
}

// NewGitHub starts a fake GitHub for owner/repo whose git side is
// git's repository owner/repo, accepting token. Every request is checked
// against GitHub's OpenAPI description when it is installed (see
// GitHubOpenAPI); a request it does not allow fails t.
func NewGitHub(t testing.TB, git *GitServer, owner, repo, token string) *GitHub {
	t.Helper()
	g := &GitHub{Token: token, Owner: owner, Repo: repo, git: git, t: t, labels: map[string]bool{}, oapi: GitHubOpenAPI(t),
		statuses: map[string][]CommitStatus{}, checkRuns: map[string][]CheckRun{}}
	g.routes = g.makeRoutes()
	srv := httptest.NewServer(g)
	t.Cleanup(srv.Close)
	g.URL = srv.URL + "/"
	return g
}

// Pulls returns copies of the pull requests, in creation order.
func (g *GitHub) Pulls() []Pull {
	g.mu.Lock()
	defer g.mu.Unlock()
	return snapshot(g.pulls, func(p Pull) Pull {
		p.Labels, p.Comments = slices.Clone(p.Labels), slices.Clone(p.Comments)
		return p
	})
}

// Open returns the open pull requests.
func (g *GitHub) Open() []Pull {
	return where(g.Pulls(), func(p Pull) bool { return p.State == "open" })
}

// RepoLabels returns the labels the repository has.
func (g *GitHub) RepoLabels() []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	var out []string
	for l := range g.labels {
		out = append(out, l)
	}
	slices.Sort(out)
	return out
}

// AddPull adds an open pull request as if someone had opened it.
func (g *GitHub) AddPull(p Pull) int {
	g.mu.Lock()
	defer g.mu.Unlock()
	p.Number = len(g.pulls) + 1
	p.NodeID = fmt.Sprintf("PR_node%d", p.Number)
	if p.State == "" {
		p.State = "open"
	}
	g.pulls = append(g.pulls, &p)
	return p.Number
}

// ServeHTTP implements http.Handler.
func (g *GitHub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	allow := func(r *http.Request, body []byte) bool {
		g.check(r, body)
		return g.authorized(r)
	}
	fake{routes: g.routes, allow: allow, unauthorized: "Bad credentials", notFound: "Not Found"}.serve(&g.recorder, w, r)
}

// check validates a request against the OpenAPI description (REST) or
// the shape GraphQL requests have.
func (g *GitHub) check(r *http.Request, body []byte) {
	if r.URL.Path == "/graphql" {
		g.checkGraphQL(body)
		return
	}
	if g.oapi != nil {
		if err := g.oapi.Validate(r, body); err != nil {
			g.t.Errorf("GitHub's OpenAPI description does not allow %s %s: %v", r.Method, r.URL.RequestURI(), err)
		}
	}
}

func (g *GitHub) checkGraphQL(body []byte) {
	var req struct {
		Query     string         `json:"query"`
		Variables map[string]any `json:"variables"`
	}
	if err := json.Unmarshal(body, &req); err != nil || !strings.HasPrefix(strings.TrimSpace(req.Query), "mutation") && !strings.HasPrefix(strings.TrimSpace(req.Query), "query") {
		g.t.Errorf("GraphQL request is not {query, variables}: %s", body)
	}
}

// authorized accepts the token, or an app JWT on the app endpoints.
func (g *GitHub) authorized(r *http.Request) bool {
	auth := r.Header.Get("Authorization")
	scheme, cred, _ := strings.Cut(auth, " ")
	if !strings.EqualFold(scheme, "bearer") && !strings.EqualFold(scheme, "token") {
		return false
	}
	if g.appEndpoint(r) {
		return g.validJWT(cred)
	}
	return cred == g.Token || (g.InstallationToken != "" && cred == g.InstallationToken)
}

func (g *GitHub) appEndpoint(r *http.Request) bool {
	return strings.HasPrefix(r.URL.Path, "/app/") || strings.HasSuffix(r.URL.Path, "/installation")
}

// validJWT checks an app JWT: RS256 with the app's key, issued by AppID,
// valid now.
func (g *GitHub) validJWT(s string) bool {
	if g.AppKey == nil {
		return false
	}
	tok, err := jwt.Parse(s, func(*jwt.Token) (any, error) { return g.AppKey, nil }, jwt.WithValidMethods([]string{"RS256"}), jwt.WithIssuedAt())
	if err != nil || !tok.Valid {
		return false
	}
	iss, _ := tok.Claims.GetIssuer()
	return iss == strconv.FormatInt(g.AppID, 10)
}

func (g *GitHub) makeRoutes() []route {
	repo := "^/repos/" + regexp.QuoteMeta(g.Owner) + "/" + regexp.QuoteMeta(g.Repo)
	re := regexp.MustCompile
	return []route{
		{"GET", re(repo + "/pulls$"), g.listPulls},
		{"POST", re(repo + "/pulls$"), g.createPull},
		{"PATCH", re(repo + `/pulls/(\d+)$`), g.updatePull},
		{"POST", re(repo + `/pulls/(\d+)/requested_reviewers$`), g.requestReviewers},
		{"PATCH", re(repo + `/issues/(\d+)$`), g.updateIssue},
		{"POST", re(repo + `/issues/(\d+)/labels$`), g.addLabels},
		{"POST", re(repo + `/issues/(\d+)/comments$`), g.comment},
		{"GET", re(repo + `/installation$`), g.installation},
		{"GET", re(repo + `/commits/([^/]+)/status$`), g.combinedStatus},
		{"GET", re(repo + `/commits/([^/]+)/check-runs$`), g.listCheckRuns},
		{"POST", re(`^/app/installations/(\d+)/access_tokens$`), g.accessToken},
		{"POST", re(`^/graphql$`), g.graphQL},
		{"POST", re(repo + `/git/blobs$`), g.createBlob},
		{"POST", re(repo + `/git/trees$`), g.createTree},
		{"POST", re(repo + `/git/commits$`), g.createCommit},
		{"POST", re(repo + `/git/refs$`), g.createRef},
		{"PATCH", re(repo + `/git/refs/(heads/.+)$`), g.updateRef},
	}
}

// pullJSON renders a pull request as the REST API does (the fields
// go-github reads).
func (g *GitHub) pullJSON(p *Pull) map[string]any {
	labels := []map[string]any{}
	for _, l := range p.Labels {
		labels = append(labels, map[string]any{"name": l})
	}
	users := func(names []string) []map[string]any {
		out := []map[string]any{}
		for _, n := range names {
			out = append(out, map[string]any{"login": n})
		}
		return out
	}
	var auto any
	if p.AutoMerge {
		auto = map[string]any{"merge_method": "merge", "enabled_by": map[string]any{"login": "promote"}}
	}
	return map[string]any{
		"number": p.Number, "node_id": p.NodeID, "title": p.Title, "body": p.Body, "state": p.State, "draft": p.Draft,
		"html_url": fmt.Sprintf("https://github.example/%s/%s/pull/%d", g.Owner, g.Repo, p.Number),
		"head":     map[string]any{"ref": p.Head, "label": g.Owner + ":" + p.Head, "sha": g.headSHA(p)},
		"base":     map[string]any{"ref": p.Base},
		"labels":   labels, "assignees": users(p.Assignees), "requested_reviewers": users(p.Reviewers),
		"auto_merge": auto,
	}
}

// headSHA is the commit a pull request's head is at: the branch's live
// tip while open, the one recorded when it was closed.
func (g *GitHub) headSHA(p *Pull) string {
	if p.State == "closed" && p.HeadSHA != "" {
		return p.HeadSHA
	}
	return g.git.Branch(g.t, g.Owner+"/"+g.Repo, p.Head)
}

// setState changes a pull request's state, recording its head's commit
// when it closes.
func (g *GitHub) setState(p *Pull, state string) {
	if state == "closed" && p.State != "closed" {
		p.HeadSHA = g.git.Branch(g.t, g.Owner+"/"+g.Repo, p.Head)
	}
	p.State = state
}

// ClosePull closes pull request number as a person would on the web.
func (g *GitHub) ClosePull(number int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.setState(g.pulls[number-1], "closed")
}

func (g *GitHub) pull(w http.ResponseWriter, num string) *Pull {
	return numbered(w, g.pulls, num, "Not Found")
}

func (g *GitHub) listPulls(w http.ResponseWriter, r *http.Request, _ []string, _ []byte) {
	q := r.URL.Query()
	state := q.Get("state")
	if state == "" {
		state = "open"
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	out := []map[string]any{}
	for _, p := range g.pulls {
		switch {
		case state != "all" && p.State != state,
			q.Get("head") != "" && q.Get("head") != g.Owner+":"+p.Head,
			q.Get("base") != "" && q.Get("base") != p.Base:
			continue
		}
		out = append(out, g.pullJSON(p))
	}
	writeJSON(w, http.StatusOK, out)
}

func validationFailed(w http.ResponseWriter, msg string) {
	writeJSON(w, http.StatusUnprocessableEntity, map[string]any{
		"message": "Validation Failed", "documentation_url": "https://docs.github.com/rest",
		"errors": []map[string]any{{"resource": "PullRequest", "code": "custom", "message": msg}},
	})
}

func (g *GitHub) createPull(w http.ResponseWriter, _ *http.Request, _ []string, body []byte) {
	var in struct {
		Title, Head, Base, Body string
		Draft                   bool
	}
	if err := json.Unmarshal(body, &in); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"message": "Problems parsing JSON"})
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	switch {
	case g.git.Branch(g.t, g.Owner+"/"+g.Repo, in.Head) == "":
		validationFailed(w, "head: branch "+in.Head+" does not exist")
		return
	case g.git.Branch(g.t, g.Owner+"/"+g.Repo, in.Base) == "":
		validationFailed(w, "base: branch "+in.Base+" does not exist")
		return
	case in.Draft && g.NoDrafts:
		validationFailed(w, "Draft pull requests are not supported in this repository.")
		return
	}
	for _, p := range g.pulls {
		if p.State == "open" && p.Head == in.Head {
			validationFailed(w, fmt.Sprintf("A pull request already exists for %s:%s.", g.Owner, in.Head))
			return
		}
	}
	p := &Pull{Number: len(g.pulls) + 1, Title: in.Title, Head: in.Head, Base: in.Base, Body: in.Body, Draft: in.Draft, State: "open"}
	p.NodeID = fmt.Sprintf("PR_node%d", p.Number)
	g.pulls = append(g.pulls, p)
	writeJSON(w, http.StatusCreated, g.pullJSON(p))
}

func (g *GitHub) updatePull(w http.ResponseWriter, _ *http.Request, m []string, body []byte) {
	var in map[string]any
	_ = json.Unmarshal(body, &in)
	g.mu.Lock()
	defer g.mu.Unlock()
	p := g.pull(w, m[1])
	if p == nil {
		return
	}
	for k, v := range in {
		s, _ := v.(string)
		switch k {
		case "title":
			p.Title = s
		case "body":
			p.Body = s
		case "base":
			p.Base = s
		case "state":
			g.setState(p, s)
		}
	}
	writeJSON(w, http.StatusOK, g.pullJSON(p))
}

func (g *GitHub) requestReviewers(w http.ResponseWriter, _ *http.Request, m []string, body []byte) {
	var in struct {
		Reviewers     []string `json:"reviewers"`
		TeamReviewers []string `json:"team_reviewers"`
	}
	_ = json.Unmarshal(body, &in)
	g.mu.Lock()
	defer g.mu.Unlock()
	if p := g.pull(w, m[1]); p != nil {
		p.Reviewers = append(p.Reviewers, in.Reviewers...)
		p.TeamReviewers = append(p.TeamReviewers, in.TeamReviewers...)
		writeJSON(w, http.StatusCreated, g.pullJSON(p))
	}
}

// issueJSON renders a pull request as the issues API does.
func (g *GitHub) issueJSON(p *Pull) map[string]any {
	j := g.pullJSON(p)
	delete(j, "head")
	delete(j, "base")
	return j
}

func (g *GitHub) updateIssue(w http.ResponseWriter, _ *http.Request, m []string, body []byte) {
	var in struct {
		Labels    *[]string `json:"labels"`
		Assignees *[]string `json:"assignees"`
		State     *string   `json:"state"`
	}
	_ = json.Unmarshal(body, &in)
	g.mu.Lock()
	defer g.mu.Unlock()
	p := g.pull(w, m[1])
	if p == nil {
		return
	}
	if in.Labels != nil {
		p.Labels = nil
		g.addLabelsLocked(p, *in.Labels)
	}
	if in.Assignees != nil {
		p.Assignees = *in.Assignees
	}
	if in.State != nil {
		g.setState(p, *in.State)
	}
	writeJSON(w, http.StatusOK, g.issueJSON(p))
}

// addLabelsLocked adds labels to p, creating those the repository lacks
// (as GitHub does).
func (g *GitHub) addLabelsLocked(p *Pull, labels []string) {
	for _, l := range labels {
		g.labels[l] = true
		if !slices.Contains(p.Labels, l) {
			p.Labels = append(p.Labels, l)
		}
	}
}

func (g *GitHub) addLabels(w http.ResponseWriter, _ *http.Request, m []string, body []byte) {
	var in struct {
		Labels []string `json:"labels"`
	}
	if err := json.Unmarshal(body, &in); err != nil {
		_ = json.Unmarshal(body, &in.Labels)
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	p := g.pull(w, m[1])
	if p == nil {
		return
	}
	g.addLabelsLocked(p, in.Labels)
	writeJSON(w, http.StatusOK, g.issueJSON(p)["labels"])
}

func (g *GitHub) comment(w http.ResponseWriter, _ *http.Request, m []string, body []byte) {
	text := commentBody(body)
	g.mu.Lock()
	defer g.mu.Unlock()
	if p := g.pull(w, m[1]); p != nil {
		p.Comments = append(p.Comments, text)
		writeJSON(w, http.StatusCreated, map[string]any{"id": len(p.Comments), "body": text})
	}
}

func (g *GitHub) installation(w http.ResponseWriter, _ *http.Request, _ []string, _ []byte) {
	writeJSON(w, http.StatusOK, map[string]any{"id": 4242, "app_id": g.AppID})
}

func (g *GitHub) accessToken(w http.ResponseWriter, _ *http.Request, m []string, _ []byte) {
	if m[1] != "4242" {
		writeJSON(w, http.StatusNotFound, map[string]string{"message": "Not Found"})
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"token": g.InstallationToken, "expires_at": "2099-01-01T00:00:00Z"})
}

func (g *GitHub) graphQL(w http.ResponseWriter, _ *http.Request, _ []string, body []byte) {
	var in struct {
		Query     string `json:"query"`
		Variables struct {
			ID string `json:"id"`
		} `json:"variables"`
	}
	_ = json.Unmarshal(body, &in)
	if !strings.Contains(in.Query, "enablePullRequestAutoMerge") {
		writeJSON(w, http.StatusOK, map[string]any{"errors": []map[string]string{{"message": "unsupported query"}}})
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, p := range g.pulls {
		if p.NodeID != in.Variables.ID {
			continue
		}
		if !g.AutoMergeAllowed {
			writeJSON(w, http.StatusOK, map[string]any{"data": map[string]any{"enablePullRequestAutoMerge": nil},
				"errors": []map[string]string{{"message": "Auto merge is not allowed for this repository"}}})
			return
		}
		p.AutoMerge = true
		writeJSON(w, http.StatusOK, map[string]any{"data": map[string]any{"enablePullRequestAutoMerge": map[string]any{"pullRequest": map[string]any{"number": p.Number}}}})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"errors": []map[string]string{{"message": "Could not resolve to a node with the global id of '" + in.Variables.ID + "'"}}})
}

// combinedStatus answers GET /repos/{owner}/{repo}/commits/{ref}/status:
// the latest status of each context, paginated (Link), with the
// combined state of all of them.
func (g *GitHub) combinedStatus(w http.ResponseWriter, r *http.Request, m []string, _ []byte) {
	sha := unescape(m[1])
	g.mu.Lock()
	all := slices.Clone(g.statuses[sha])
	g.mu.Unlock()
	state := "success"
	for _, s := range all {
		switch {
		case s.State == "failure" || s.State == "error":
			state = "failure"
		case s.State == "pending" && state != "failure":
			state = "pending"
		}
	}
	if len(all) == 0 {
		state = "pending"
	}
	items, next := page(r, all)
	out := []map[string]any{}
	for i, s := range items {
		out = append(out, map[string]any{"id": i + 1, "context": s.Name, "state": s.State, "target_url": "https://ci.example/" + s.Name})
	}
	linkNext(w, r, next)
	writeJSON(w, http.StatusOK, map[string]any{"state": state, "sha": sha, "total_count": len(all), "statuses": out})
}

// listCheckRuns answers GET /repos/{owner}/{repo}/commits/{ref}/check-runs:
// with filter=latest (the default) the last run of each name, paginated
// (Link).
func (g *GitHub) listCheckRuns(w http.ResponseWriter, r *http.Request, m []string, _ []byte) {
	sha := unescape(m[1])
	g.mu.Lock()
	all := slices.Clone(g.checkRuns[sha])
	g.mu.Unlock()
	if r.URL.Query().Get("filter") != "all" {
		var latest []CheckRun
		for i := len(all) - 1; i >= 0; i-- {
			if !slices.ContainsFunc(latest, func(c CheckRun) bool { return c.Name == all[i].Name }) {
				latest = append(latest, all[i])
			}
		}
		all = latest
	}
	items, next := page(r, all)
	out := []map[string]any{}
	for i, c := range items {
		run := map[string]any{"id": i + 1, "name": c.Name, "head_sha": sha, "status": c.Status, "conclusion": nil,
			"html_url": fmt.Sprintf("https://github.example/%s/%s/runs/%d", g.Owner, g.Repo, i+1)}
		if c.Conclusion != "" {
			run["conclusion"] = c.Conclusion
		}
		out = append(out, run)
	}
	linkNext(w, r, next)
	writeJSON(w, http.StatusOK, map[string]any{"total_count": len(all), "check_runs": out})
}
