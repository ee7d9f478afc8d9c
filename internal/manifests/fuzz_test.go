package manifests

import (
	"testing"

	"github.com/gitops-promote/promote/internal/promotable"
	"github.com/gitops-promote/promote/internal/promotable/promotabletest"
)

func FuzzScanImages(f *testing.F) {
	promotabletest.FuzzScan(f, func() promotable.Scanner { return Images{} }, "deploy.yaml", "testdata/golden",
		"kind: Deployment\nspec: {template: {spec: {containers: [{name: web, image: web:1}]}}}\n",
		"kind: CronJob\nspec:\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          initContainers:\n          - {name: a, image: 'reg:5000/a@sha256:00'}\n")
}
