package terraform

import (
	"testing"

	"github.com/gitops-promote/promote/internal/promotable"
	"github.com/gitops-promote/promote/internal/promotable/promotabletest"
)

func FuzzScanVariables(f *testing.F) {
	promotabletest.FuzzScan(f, func() promotable.Scanner { return Variables{Names: []string{"image_tag", "chart"}} }, "terraform.tfvars", "testdata/golden",
		"image_tag = \"1.2.3\"\nchart = { version = \"1\" }\n", "image_tag = <<EOT\nx\nEOT\n")
}

func FuzzScanModules(f *testing.F) {
	promotabletest.FuzzScan(f, func() promotable.Scanner { return Modules{} }, "main.tf", "testdata/golden",
		"module \"app\" {\n  source = \"git::https://x/y.git?ref=v1.2.3\"\n}\nmodule \"b\" {\n  source  = \"acme/b/aws\"\n  version = \"~> 1.2\"\n}\n")
}
