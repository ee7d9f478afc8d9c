package helm

import (
	"testing"

	"github.com/gitops-promote/promote/internal/promotable"
	"github.com/gitops-promote/promote/internal/promotable/promotabletest"
)

func FuzzScanValues(f *testing.F) {
	newScanner := func() promotable.Scanner {
		return Values{Files: []ValuesFile{{File: "values.yaml", Paths: []string{"image", "image.tag", "workers[name=a].image.tag"}}}}
	}
	promotabletest.FuzzScan(f, newScanner, "values.yaml", "testdata/golden",
		"image: {repository: web, tag: \"1.2\"}\n", "workers:\n  - name: a\n    image: {tag: x}\n")
}

func FuzzScanCharts(f *testing.F) {
	promotabletest.FuzzScan(f, func() promotable.Scanner { return Charts{} }, "kustomization.yaml", "testdata/golden",
		"helmCharts:\n  - {name: redis, version: 1.2.3, repo: https://charts.example}\n")
}
