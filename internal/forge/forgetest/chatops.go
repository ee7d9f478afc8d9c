package forgetest

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"sync"
)

// The chat-command endpoints (permissions, team memberships) join the
// part of GitHub's description requests are checked against.
func init() {
	usedPaths = regexp.MustCompile(usedPaths.String() + `|^/repos/\{owner\}/\{repo\}/collaborators/\{username\}/permission$|^/orgs/\{org\}/teams/\{team_slug\}/memberships/\{username\}$`)
}

// Reaction is a reaction left on a comment.
type Reaction struct {
	CommentID int64
	Content   string
}

// ChatState holds what the chat-command endpoints of a fake forge
// answer and record: users' permissions, team members, reactions.
type ChatState struct {
	mu        sync.Mutex
	perms     map[string]string
	teams     map[string][]string
	reactions []Reaction
}

func newChatState() *ChatState {
	return &ChatState{perms: map[string]string{}, teams: map[string][]string{}}
}

// SetPermission gives user a role: admin, maintain, write, triage, read
// (GitHub) or an access level number as a string (GitLab: 30 developer,
// 40 maintainer). Users without one are unknown to the repository.
func (c *ChatState) SetPermission(user, role string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.perms[user] = role
}

// AddMember makes user an active member of team (org/team on GitHub, a
// group path on GitLab).
func (c *ChatState) AddMember(team, user string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.teams[team] = append(c.teams[team], user)
}

// Reactions returns the reactions left, in order.
func (c *ChatState) Reactions() []Reaction {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.reactions)
}

func (c *ChatState) role(user string) (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	r, ok := c.perms[user]
	return r, ok
}

func (c *ChatState) member(team, user string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Contains(c.teams[team], user)
}

func (c *ChatState) react(id int64, content string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.reactions = append(c.reactions, Reaction{CommentID: id, Content: content})
	return len(c.reactions)
}

// EnableChatOps adds the endpoints chat commands use to the fake GitHub
// (collaborator permission, team membership, comment reactions) and
// returns their state. Call it before the first request. Comments on an
// issue land on the pull request of the same number (AddPull one).
func (g *GitHub) EnableChatOps() *ChatState {
	st := newChatState()
	repo := "^/repos/" + regexp.QuoteMeta(g.Owner) + "/" + regexp.QuoteMeta(g.Repo)
	re := regexp.MustCompile
	routes := []route{
		{"GET", re(repo + `/collaborators/([^/]+)/permission$`), st.githubPermission},
		{"GET", re(`^/orgs/([^/]+)/teams/([^/]+)/memberships/([^/]+)$`), st.githubMembership},
		{"POST", re(repo + `/issues/comments/(\d+)/reactions$`), st.githubReaction},
	}
	// The recorder's lock orders this write before every request's read.
	g.recorder.mu.Lock()
	g.routes = append(routes, g.routes...)
	g.recorder.mu.Unlock()
	return st
}

func (c *ChatState) githubPermission(w http.ResponseWriter, _ *http.Request, m []string, _ []byte) {
	user, _ := url.PathUnescape(m[1])
	role, ok := c.role(user)
	if !ok {
		writeJSON(w, http.StatusNotFound, map[string]string{"message": user + " is not a user"})
		return
	}
	perm := role
	if role == "maintain" {
		perm = "write"
	}
	if role == "triage" {
		perm = "read"
	}
	writeJSON(w, http.StatusOK, map[string]any{"permission": perm, "role_name": role, "user": map[string]any{"login": user}})
}

func (c *ChatState) githubMembership(w http.ResponseWriter, _ *http.Request, m []string, _ []byte) {
	user, _ := url.PathUnescape(m[3])
	if !c.member(m[1]+"/"+m[2], user) {
		writeJSON(w, http.StatusNotFound, map[string]string{"message": "Not Found"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"state": "active", "role": "member"})
}

func (c *ChatState) githubReaction(w http.ResponseWriter, _ *http.Request, m []string, body []byte) {
	var in struct {
		Content string `json:"content"`
	}
	_ = json.Unmarshal(body, &in)
	id, _ := strconv.ParseInt(m[1], 10, 64)
	n := c.react(id, in.Content)
	writeJSON(w, http.StatusCreated, map[string]any{"id": n, "content": in.Content})
}

// EnableChatOps adds the endpoints chat commands use to the fake GitLab
// (inherited project and group members, award emoji on notes, notes on
// issues) and returns their state. Users must be in Users to be found;
// SetPermission takes an access level ("30" for developer). Issue notes
// land on the merge request of the same number.
func (g *GitLab) EnableChatOps() *ChatState {
	st := newChatState()
	project := g.projectRE()
	re := regexp.MustCompile
	routes := []route{
		{"GET", re(project + `/members/all/(\d+)$`), func(w http.ResponseWriter, r *http.Request, m []string, b []byte) {
			st.gitlabMember(w, g, "", m[1])
		}},
		{"GET", re(`^` + regexp.QuoteMeta(g.Root) + `/api/v4/groups/([^/]+)/members/all/(\d+)$`), func(w http.ResponseWriter, r *http.Request, m []string, b []byte) {
			group, _ := url.PathUnescape(m[1])
			st.gitlabMember(w, g, group, m[2])
		}},
		{"POST", re(project + `/(merge_requests|issues)/(\d+)/notes/(\d+)/award_emoji$`), st.gitlabAward},
		{"POST", re(project + `/issues/(\d+)/notes$`), g.note},
	}
	g.recorder.mu.Lock()
	g.routes = append(routes, g.routes...)
	g.recorder.mu.Unlock()
	return st
}

// gitlabMember answers a membership: of the project when group is
// empty (with the user's access level), else of the group.
func (c *ChatState) gitlabMember(w http.ResponseWriter, g *GitLab, group, uid string) {
	id, _ := strconv.ParseInt(uid, 10, 64)
	name := ""
	for n, i := range g.Users {
		if i == id {
			name = n
		}
	}
	level := 0
	if group == "" {
		role, _ := c.role(name)
		level, _ = strconv.Atoi(role)
	} else if c.member(group, name) {
		level = 30
	}
	if name == "" || level == 0 {
		writeJSON(w, http.StatusNotFound, map[string]string{"message": "404 Not found"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"id": id, "username": name, "state": "active", "access_level": level})
}

func (c *ChatState) gitlabAward(w http.ResponseWriter, _ *http.Request, m []string, body []byte) {
	var in struct {
		Name string `json:"name"`
	}
	_ = json.Unmarshal(body, &in)
	id, _ := strconv.ParseInt(m[3], 10, 64)
	n := c.react(id, in.Name)
	writeJSON(w, http.StatusCreated, map[string]any{"id": n, "name": in.Name})
}

// AddMergeRequest adds an open merge request as if someone had opened
// it, and returns its iid.
func (g *GitLab) AddMergeRequest(m MergeRequest) int {
	g.mu.Lock()
	defer g.mu.Unlock()
	m.IID = len(g.mrs) + 1
	if m.State == "" {
		m.State = "opened"
	}
	m.pipelineDue = -1
	g.mrs = append(g.mrs, &m)
	return m.IID
}
