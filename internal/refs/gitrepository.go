package refs

import (
	"bytes"
	"strings"

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
	files, err := d.ManifestFiles()
	if err != nil {
		return nil, err
	}
	var out []promotable.Found
	for _, f := range files {
		data, err := d.ReadFile(f)
		if err != nil {
			return nil, err
		}
		if !bytes.Contains(data, []byte("GitRepository")) {
			continue
		}
		docs, err := d.Documents(f)
		if err != nil {
			return nil, err
		}
		for i, root := range docs {
			if promotable.Scalar(root, "kind") != "GitRepository" || !strings.HasPrefix(promotable.Scalar(root, "apiVersion"), "source.toolkit.fluxcd.io/") {
				continue
			}
			url := promotable.Scalar(promotable.Child(root, "spec"), "url")
			tag := promotable.Lookup(root, tagPath)
			if url == "" || tag == nil || tag.Value == "" {
				continue
			}
			out = append(out, promotable.Found{Kind: promotable.KindRef, Key: url, Name: url, Value: tag.Value, File: f, Line: tag.Line,
				At: promotable.Locator{Scanner: GitRepositoriesName, Doc: i, Path: tagPath.String()}})
		}
	}
	return out, nil
}

// Edit implements promotable.Editor.
func (GitRepositories) Edit(data []byte, e promotable.Edit) ([]byte, error) {
	return promotable.SetYAML(data, e, e.New)
}
