package refs

import (
	"testing"

	"github.com/gitops-promote/promote/internal/promotable"
	"github.com/gitops-promote/promote/internal/promotable/promotabletest"
)

func FuzzScanRemoteBases(f *testing.F) {
	promotabletest.FuzzScan(f, func() promotable.Scanner { return RemoteBases{} }, "kustomization.yaml", "testdata/golden",
		"resources:\n  - https://github.com/acme/base//app?ref=v1.2.3\n  - github.com/acme/x?ref=main\n")
}

func FuzzScanGitRepositories(f *testing.F) {
	promotabletest.FuzzScan(f, func() promotable.Scanner { return GitRepositories{} }, "source.yaml", "testdata/golden",
		"apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata: {name: app}\nspec: {url: https://x/y, ref: {tag: v1}}\n")
}
