package cli

import (
	"strings"
	"testing"
)

func TestGitHubAPICommitsOnlyOnGitHub(t *testing.T) {
	isolateGitEnv(t)
	dir := statsRepo(t, testEpoch)
	code, _, stderr := runCLI(t, dir, false, nil, "run", "--to", "prod", "--forge", "local", "--github-api-commits")
	if code != 1 || !strings.Contains(stderr, "--github-api-commits: only with --forge github (this is local)") {
		t.Errorf("exit %d, %s", code, stderr)
	}
}
