package proposal_test

import (
	"bytes"
	"errors"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gitops-promote/promote/internal/forge/forgetest"
	"github.com/gitops-promote/promote/internal/gitrepo"
	"github.com/gitops-promote/promote/internal/gitrepo/signtest"
	"github.com/gitops-promote/promote/internal/proposal"
)

// isolateGitConfig keeps the machine's git configuration away from the
// code under test: only the clone's own configuration counts.
func isolateGitConfig(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", home)
	t.Setenv("GIT_CONFIG_GLOBAL", filepath.Join(home, "gitconfig"))
	t.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	t.Setenv("GIT_CONFIG_COUNT", "")
}

// proposeOnGitHub proposes staging → prod from a clone whose git
// configuration is set by settings (pairs), and returns the server, the
// fake GitHub and the outcome.
func proposeOnGitHub(t *testing.T, settings ...string) (*forgetest.GitServer, *forgetest.GitHub, *proposal.Result, error) {
	t.Helper()
	isolateGitConfig(t)
	git := forgetest.NewGitServer(t, "x-access-token", token)
	git.CreateRepo(t, "acme/gitops", forgetest.GitOpsFiles())
	gh := forgetest.NewGitHub(t, git, "acme", "gitops", token)
	dir := git.Clone(t, "acme/gitops")
	for i := 0; i+1 < len(settings); i += 2 {
		forgetest.Git(t, dir, "config", settings[i], settings[i+1])
	}
	var stderr bytes.Buffer
	res, err := promoteOnGitHub(t, git, gh, dir, &stderr)
	return git, gh, res, err
}

// TestProposalCommitSignedWithSSHKey: with only git configuration
// asking for SSH signatures, the pushed promotion commit is signed and
// git verify-commit accepts it on the server.
func TestProposalCommitSignedWithSSHKey(t *testing.T) {
	key := signtest.NewSSHKey(t, "ada@example.com")
	git, _, res, err := proposeOnGitHub(t, "commit.gpgsign", "true", "gpg.format", "ssh", "user.signingKey", key.Private)
	if err != nil {
		t.Fatal(err)
	}
	head := git.Branch(t, "acme/gitops", "promote/staging-to-prod")
	if head != res.Commit {
		t.Fatalf("remote branch at %s, result says %s", head, res.Commit)
	}
	cmd := exec.Command("git", "-c", "gpg.ssh.allowedSignersFile="+key.AllowedSigners, "verify-commit", head)
	cmd.Dir = git.Dir("acme/gitops")
	if out, err := cmd.CombinedOutput(); err != nil || !strings.Contains(string(out), `Good "git" signature for ada@example.com`) {
		t.Errorf("git verify-commit on the server: %v\n%s", err, out)
	}
}

// TestProposalCommitSignedWithOpenPGPKey does the same with gpg.
func TestProposalCommitSignedWithOpenPGPKey(t *testing.T) {
	key := signtest.NewGPGKey(t, "Ada", "ada@example.com")
	git, _, _, err := proposeOnGitHub(t, "commit.gpgsign", "true", "user.signingKey", key.Fingerprint)
	if err != nil {
		t.Fatal(err)
	}
	head := git.Branch(t, "acme/gitops", "promote/staging-to-prod")
	cmd := exec.Command("git", "verify-commit", "--raw", head)
	cmd.Dir = git.Dir("acme/gitops")
	if out, err := cmd.CombinedOutput(); err != nil || !strings.Contains(string(out), "GOODSIG") {
		t.Errorf("git verify-commit on the server: %v\n%s", err, out)
	}
}

// TestSigningFailureStopsBeforePush: a signing program that is missing
// fails the proposal before anything reaches the remote.
func TestSigningFailureStopsBeforePush(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "no-such-gpg")
	git, gh, _, err := proposeOnGitHub(t, "commit.gpgsign", "true", "gpg.program", missing)
	if !errors.Is(err, gitrepo.ErrSign) {
		t.Fatalf("err = %v, want a signing error", err)
	}
	if !strings.Contains(err.Error(), missing) {
		t.Errorf("the error does not name the program: %v", err)
	}
	if n := git.Pushes(); n != 0 {
		t.Errorf("%d pushes reached the remote", n)
	}
	refs := forgetest.Git(t, git.Dir("acme/gitops"), "for-each-ref", "--format=%(refname)")
	if refs != "refs/heads/main" {
		t.Errorf("remote refs:\n%s\nwant only refs/heads/main", refs)
	}
	if pulls := gh.Pulls(); len(pulls) != 0 {
		t.Errorf("pull requests opened: %+v", pulls)
	}
}
