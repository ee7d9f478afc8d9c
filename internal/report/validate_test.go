package report

import (
	"bytes"
	"testing"

	"github.com/gitops-promote/promote/promote"
)

func TestChecksText(t *testing.T) {
	var buf bytes.Buffer
	ChecksText(&buf, []promote.Check{
		{Env: "dev", Dir: "envs/dev", OK: true, Images: 1, Resources: 3, Notes: []string{"remote base not rendered"}},
		{Env: "prod", App: "web", Dir: "apps/web/prod", Images: 2, Resources: 1, Errors: []string{"kustomization.yaml:4: two entries for web"}},
	})
	// Each environment's lines are a table of their own: errors and notes
	// end the columns.
	want := "ok    dev  envs/dev  1 image  3 resources\n        note: remote base not rendered\n" +
		"FAIL  prod/web  apps/web/prod  2 images  1 resource\n        kustomization.yaml:4: two entries for web\n"
	if buf.String() != want {
		t.Errorf("ChecksText:\n%q\nwant:\n%q", buf.String(), want)
	}
}
