package workspace

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/gitops-promote/promote/internal/gitrepo"
)

// ServerClone returns the workspace of the server's bare clone of a
// forge's repository (path: owner/name, group/project) under dataDir, at
// dataDir/<forge>/<path>.git: created with origin at cloneURL when it is
// missing (objects are fetched on demand), origin updated when the URL
// changed. The configuration is read from commits.
func ServerClone(dataDir, forge, path, cloneURL string) (*Workspace, error) {
	if cloneURL == "" {
		return nil, fmt.Errorf("%s: the event names no clone URL", path)
	}
	for _, seg := range strings.Split(path, "/") {
		if seg == "" || seg == "." || seg == ".." || strings.ContainsAny(seg, "\\\x00") {
			return nil, fmt.Errorf("repository path %q: expected owner/name segments", path)
		}
	}
	dir := filepath.Join(dataDir, forge, filepath.FromSlash(strings.ToLower(path))+".git")
	if err := gitrepo.EnsureBare(dir, cloneURL); err != nil {
		return nil, err
	}
	return Locate(dir, "")
}
