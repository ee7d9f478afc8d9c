package forgetest

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// The Git Data API (blobs, trees, commits, refs) of the fake GitHub
// writes real objects into the git server's repository with the git
// binary, as GitHub does into its own. Commits it creates without an
// author are marked verified, as GitHub marks the commits a GitHub App
// creates.

// APICommits returns the commits created through the Git Data API.
func (g *GitHub) APICommits() []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]string(nil), g.apiCommits...)
}

// gitData runs git in the repository with stdin and returns its output.
func (g *GitHub) gitData(stdin []byte, env []string, args ...string) (string, error) {
	cmd := exec.Command("git", args...)
	cmd.Dir = g.git.Dir(g.Owner + "/" + g.Repo)
	cmd.Env = append(gitEnv(g.git.Root), env...)
	cmd.Stdin = bytes.NewReader(stdin)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("git %s: %v: %s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out)), nil
}

func (g *GitHub) createBlob(w http.ResponseWriter, _ *http.Request, _ []string, body []byte) {
	var in struct{ Content, Encoding string }
	if err := json.Unmarshal(body, &in); err != nil {
		validationFailed(w, "Problems parsing JSON")
		return
	}
	data := []byte(in.Content)
	if in.Encoding == "base64" {
		var err error
		if data, err = base64.StdEncoding.DecodeString(in.Content); err != nil {
			validationFailed(w, "content is not base64")
			return
		}
	}
	sha, err := g.gitData(data, nil, "hash-object", "-w", "--stdin")
	if err != nil {
		g.t.Errorf("fake GitHub: %v", err)
		writeJSON(w, http.StatusInternalServerError, map[string]string{"message": "Server Error"})
		return
	}
	writeJSON(w, http.StatusCreated, map[string]string{"sha": sha, "url": g.URL + "blobs/" + sha})
}

func (g *GitHub) createTree(w http.ResponseWriter, _ *http.Request, _ []string, body []byte) {
	var in struct {
		BaseTree string `json:"base_tree"`
		Tree     []struct {
			Path, Mode, Type string
			SHA              *string
		}
	}
	if err := json.Unmarshal(body, &in); err != nil {
		validationFailed(w, "Problems parsing JSON")
		return
	}
	index := filepath.Join(g.t.TempDir(), "index")
	env := []string{"GIT_INDEX_FILE=" + index}
	if in.BaseTree != "" {
		if _, err := g.gitData(nil, env, "read-tree", in.BaseTree); err != nil {
			validationFailed(w, "base_tree: "+err.Error())
			return
		}
	}
	for _, e := range in.Tree {
		var err error
		if e.SHA == nil {
			_, err = g.gitData(nil, env, "update-index", "--force-remove", "--", e.Path)
		} else {
			_, err = g.gitData(nil, env, "update-index", "--add", "--cacheinfo", e.Mode+","+*e.SHA+","+e.Path)
		}
		if err != nil {
			validationFailed(w, "tree: "+err.Error())
			return
		}
	}
	sha, err := g.gitData(nil, env, "write-tree")
	_ = os.Remove(index)
	if err != nil {
		validationFailed(w, err.Error())
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"sha": sha, "tree": []any{}, "truncated": false})
}

func (g *GitHub) createCommit(w http.ResponseWriter, _ *http.Request, _ []string, body []byte) {
	var in struct {
		Message string
		Tree    string
		Parents []string
		Author  map[string]any
	}
	if err := json.Unmarshal(body, &in); err != nil {
		validationFailed(w, "Problems parsing JSON")
		return
	}
	args := []string{"commit-tree", in.Tree}
	for _, p := range in.Parents {
		args = append(args, "-p", p)
	}
	// GitHub commits as the token's user or app; here a fixed bot.
	env := []string{"GIT_AUTHOR_NAME=promote-app[bot]", "GIT_AUTHOR_EMAIL=promote-app[bot]@users.noreply.github.com",
		"GIT_COMMITTER_NAME=GitHub", "GIT_COMMITTER_EMAIL=noreply@github.com"}
	sha, err := g.gitData([]byte(in.Message), env, args...)
	if err != nil {
		validationFailed(w, err.Error())
		return
	}
	g.mu.Lock()
	g.apiCommits = append(g.apiCommits, sha)
	g.mu.Unlock()
	verified := in.Author == nil
	reason := "valid"
	if !verified {
		reason = "unsigned"
	}
	writeJSON(w, http.StatusCreated, map[string]any{
		"sha": sha, "message": in.Message, "tree": map[string]string{"sha": in.Tree},
		"verification": map[string]any{"verified": verified, "reason": reason},
	})
}

func (g *GitHub) createRef(w http.ResponseWriter, _ *http.Request, _ []string, body []byte) {
	var in struct{ Ref, SHA string }
	if err := json.Unmarshal(body, &in); err != nil || !strings.HasPrefix(in.Ref, "refs/") {
		validationFailed(w, "ref: expected refs/...")
		return
	}
	// Creating an existing reference fails, as on GitHub.
	if _, err := g.gitData(nil, nil, "update-ref", in.Ref, in.SHA, strings.Repeat("0", 40)); err != nil {
		validationFailed(w, "Reference already exists")
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"ref": in.Ref, "object": map[string]string{"sha": in.SHA, "type": "commit"}})
}

func (g *GitHub) updateRef(w http.ResponseWriter, _ *http.Request, m []string, body []byte) {
	var in struct {
		SHA   string
		Force bool
	}
	if err := json.Unmarshal(body, &in); err != nil {
		validationFailed(w, "Problems parsing JSON")
		return
	}
	ref := "refs/" + m[1]
	old, err := g.gitData(nil, nil, "rev-parse", "--verify", "-q", ref)
	if err != nil {
		writeJSON(w, http.StatusUnprocessableEntity, map[string]string{"message": "Reference does not exist"})
		return
	}
	if !in.Force {
		if _, err := g.gitData(nil, nil, "merge-base", "--is-ancestor", old, in.SHA); err != nil {
			writeJSON(w, http.StatusUnprocessableEntity, map[string]string{"message": "Update is not a fast forward"})
			return
		}
	}
	if _, err := g.gitData(nil, nil, "update-ref", ref, in.SHA, old); err != nil {
		validationFailed(w, err.Error())
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"ref": ref, "object": map[string]string{"sha": in.SHA, "type": "commit"}})
}
