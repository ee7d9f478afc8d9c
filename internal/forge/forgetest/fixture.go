package forgetest

import "maps"

// gitopsFiles is a small GitOps repository with staging ahead of prod.
var gitopsFiles = map[string]string{
	"promote.yaml": `environments:
  - {name: staging, path: envs/staging}
  - name: prod
    path: envs/prod
    from: staging
    pullRequest: {reviewers: [octocat], teamReviewers: [sre], assignees: [hubot], labels: [needs-change-ticket]}
`,
	"envs/staging/kustomization.yaml": `images:
  - name: ghcr.io/acme/web
    newTag: "1.4.2"
  - name: ghcr.io/acme/worker
    newTag: 2.0.1
`,
	"envs/prod/kustomization.yaml": `# prod: change with care
images:
  - name: ghcr.io/acme/web
    newTag: "1.4.1"
  - name: ghcr.io/acme/worker
    newTag: 2.0.0
`,
}

// GitOpsFiles returns a GitOps repository's files: promote.yaml with
// staging → prod (reviewers, a team, an assignee and a label configured
// for prod), and staging running web 1.4.2 and worker 2.0.1 where prod
// runs 1.4.1 and 2.0.0.
func GitOpsFiles() map[string]string { return maps.Clone(gitopsFiles) }

// Staging returns the staging kustomization running web at webTag and
// worker at workerTag.
func Staging(webTag, workerTag string) map[string]string {
	return map[string]string{"envs/staging/kustomization.yaml": "images:\n  - name: ghcr.io/acme/web\n    newTag: \"" + webTag + "\"\n  - name: ghcr.io/acme/worker\n    newTag: " + workerTag + "\n"}
}

// Prod returns the prod kustomization running web at webTag and worker
// at workerTag.
func Prod(webTag, workerTag string) map[string]string {
	return map[string]string{"envs/prod/kustomization.yaml": "# prod: change with care\nimages:\n  - name: ghcr.io/acme/web\n    newTag: \"" + webTag + "\"\n  - name: ghcr.io/acme/worker\n    newTag: " + workerTag + "\n"}
}
