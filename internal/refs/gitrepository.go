package refs

import (
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/gitops-promote/promote/internal/promotable"
	"github.com/gitops-promote/promote/internal/yamledit"
)

// GitRepositoriesName names the Flux GitRepository unit in locators.
const GitRepositoriesName = "gitrepository"

// GitRepositories is the scanner of the spec.ref.tag of Flux
// GitRepository sources among an environment's manifest files. A
// source is known by its spec.url.
type GitRepositories struct{}

// Name implements promotable.Scanner.
func (GitRepositories) Name() string { return GitRepositoriesName }

var tagPath = yamledit.Path{yamledit.Key("spec"), yamledit.Key("ref"), yamledit.Key("tag")}

// Scan implements promotable.Scanner.
func (GitRepositories) Scan(d *promotable.Dir) ([]promotable.Found, error) {
	var out []promotable.Found
	err := d.ManifestDocuments([]string{"GitRepository"}, func(f string, i int, root *yaml.Node) {
		if promotable.Scalar(root, "kind") != "GitRepository" || !strings.HasPrefix(promotable.Scalar(root, "apiVersion"), "source.toolkit.fluxcd.io/") {
			return
		}
		url := promotable.Scalar(promotable.Child(root, "spec"), "url")
		tag := promotable.Lookup(root, tagPath)
		if url == "" || tag == nil || tag.Value == "" {
			return
		}
		out = append(out, promotable.Found{Kind: promotable.KindRef, Key: url, Name: url, Value: tag.Value, File: f, Line: tag.Line,
			At: promotable.Locator{Scanner: GitRepositoriesName, Doc: i, Path: tagPath.String()}})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Edit implements promotable.Editor.
func (GitRepositories) Edit(data []byte, e promotable.Edit) ([]byte, error) {
	return promotable.SetYAML(data, e, e.New)
}
