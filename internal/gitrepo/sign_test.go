package gitrepo

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/gitops-promote/promote/internal/gitrepo/signtest"
)

// commitSigned writes a commit on HEAD with git config set by settings
// (git config KEY VALUE pairs, repository scope) and returns it.
func commitSigned(t *testing.T, dir string, opts SignOptions, settings ...string) (plumbing.Hash, error) {
	t.Helper()
	for i := 0; i+1 < len(settings); i += 2 {
		runGit(t, dir, "config", settings[i], settings[i+1])
	}
	r := openRepo(t, dir)
	r.SetSigning(opts)
	changes := []FileChange{{Path: "apps/a/deploy.yaml", Data: []byte("kind: Deployment # signed\n")}}
	return r.CommitFiles(revParse(t, dir, "HEAD"), changes, "promote: signed\n\nPromote-To: prod\n", testSig)
}

// verifyCommit runs git verify-commit (args before and after
// "verify-commit": options of git, then of the command when they start
// with "--") and returns its output; it fails the test when git rejects
// the signature.
func verifyCommit(t *testing.T, dir string, commit plumbing.Hash, args ...string) string {
	t.Helper()
	var pre, post []string
	for i := 0; i < len(args); i++ {
		if args[i] == "-c" {
			pre = append(pre, args[i], args[i+1])
			i++
			continue
		}
		post = append(post, args[i])
	}
	cmd := exec.Command("git", append(append(append(pre, "verify-commit"), post...), commit.String())...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git verify-commit %s: %v\n%s", commit, err, out)
	}
	return string(out)
}

func TestCommitFilesSignsWithSSHKeyFromGitConfig(t *testing.T) {
	dir := newTestRepo(t)
	key := signtest.NewSSHKey(t, testSig.Email)
	commit, err := commitSigned(t, dir, SignOptions{}, "commit.gpgsign", "true", "gpg.format", "ssh", "user.signingKey", key.Private)
	if err != nil {
		t.Fatal(err)
	}
	out := verifyCommit(t, dir, commit, "-c", "gpg.ssh.allowedSignersFile="+key.AllowedSigners)
	if !strings.Contains(out, `Good "git" signature for bot@example.com`) {
		t.Errorf("verify-commit output:\n%s", out)
	}
	// The tree and message are those of an unsigned commit.
	if got := runGit(t, dir, "show", "-s", "--format=%B", commit.String()); got != "promote: signed\n\nPromote-To: prod" {
		t.Errorf("message = %q", got)
	}
	runGit(t, dir, "config", "gpg.ssh.allowedSignersFile", key.AllowedSigners)
	st, err := openRepo(t, dir).VerifyCommit(commit)
	if err != nil || !st.Good || st.Format != FormatSSH || st.Signer != testSig.Email {
		t.Errorf("VerifyCommit = %+v, %v; want a good ssh signature by %s", st, err, testSig.Email)
	}
}

func TestCommitFilesSignsWithLiteralSSHKeyFromAgent(t *testing.T) {
	dir := newTestRepo(t)
	key := signtest.NewSSHKey(t, testSig.Email)
	signtest.StartSSHAgent(t, key)
	commit, err := commitSigned(t, dir, SignOptions{}, "commit.gpgsign", "true", "gpg.format", "ssh", "user.signingKey", "key::"+key.Public)
	if err != nil {
		t.Fatal(err)
	}
	verifyCommit(t, dir, commit, "-c", "gpg.ssh.allowedSignersFile="+key.AllowedSigners)
}

func TestCommitFilesSignsWithOpenPGPKeyFromGitConfig(t *testing.T) {
	dir := newTestRepo(t)
	key := signtest.NewGPGKey(t, testSig.Name, testSig.Email)
	// No user.signingKey: git signs as the committer.
	commit, err := commitSigned(t, dir, SignOptions{}, "commit.gpgsign", "true")
	if err != nil {
		t.Fatal(err)
	}
	out := verifyCommit(t, dir, commit, "--raw")
	if !strings.Contains(out, "GOODSIG") || !strings.Contains(out, key.Fingerprint) {
		t.Errorf("verify-commit output:\n%s", out)
	}
	st, err := openRepo(t, dir).VerifyCommit(commit)
	if err != nil || !st.Good || st.Format != FormatOpenPGP {
		t.Errorf("VerifyCommit = %+v, %v; want a good openpgp signature", st, err)
	}
}

func TestCommitFilesSignsWithX509KeyFromGitConfig(t *testing.T) {
	dir := newTestRepo(t)
	key := signtest.NewX509Key(t, "Promote Bot", testSig.Email)
	commit, err := commitSigned(t, dir, SignOptions{}, "commit.gpgsign", "true", "gpg.format", "x509", "user.signingKey", key.Fingerprint)
	if err != nil {
		t.Fatal(err)
	}
	out := verifyCommit(t, dir, commit, "--raw")
	if !strings.Contains(out, "GOODSIG "+key.Fingerprint) {
		t.Errorf("verify-commit output:\n%s", out)
	}
	st, err := openRepo(t, dir).VerifyCommit(commit)
	if err != nil || !st.Good || st.Format != FormatX509 {
		t.Errorf("VerifyCommit = %+v, %v; want a good x509 signature", st, err)
	}
}

func TestSignFlagsOverrideGitConfig(t *testing.T) {
	dir := newTestRepo(t)
	key := signtest.NewSSHKey(t, testSig.Email)
	// --no-sign wins over commit.gpgsign.
	commit, err := commitSigned(t, dir, SignOptions{Mode: SignNever}, "commit.gpgsign", "true", "gpg.format", "ssh", "user.signingKey", "/nonexistent/key")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := gitErr(dir, "verify-commit", commit.String()); err == nil {
		t.Error("--no-sign: commit is signed")
	}
	// --sign-key signs without commit.gpgsign.
	runGit(t, dir, "config", "commit.gpgsign", "false")
	commit, err = commitSigned(t, dir, SignOptions{Key: key.Private})
	if err != nil {
		t.Fatal(err)
	}
	verifyCommit(t, dir, commit, "-c", "gpg.ssh.allowedSignersFile="+key.AllowedSigners)
}

func TestCommitFilesSigningFailureWritesNothing(t *testing.T) {
	for name, settings := range map[string][]string{
		"missing program": {"gpg.program", filepath.Join(t.TempDir(), "no-such-gpg")},
		"failing program": {"gpg.program", "false"},
		"missing ssh key": {"gpg.format", "ssh", "user.signingKey", filepath.Join(t.TempDir(), "no-such-key")},
		"bad format":      {"gpg.format", "pgp"},
	} {
		t.Run(name, func(t *testing.T) {
			dir := newTestRepo(t)
			before := runGit(t, dir, "count-objects", "-v")
			_, err := commitSigned(t, dir, SignOptions{}, append([]string{"commit.gpgsign", "true"}, settings...)...)
			if !errors.Is(err, ErrSign) {
				t.Fatalf("err = %v, want ErrSign", err)
			}
			if after := runGit(t, dir, "count-objects", "-v"); after != before {
				t.Errorf("objects written:\nbefore %s\nafter  %s", before, after)
			}
		})
	}
}

func TestVerifyCommitUnsignedAndUnknownSigner(t *testing.T) {
	dir := newTestRepo(t)
	r := openRepo(t, dir)
	st, err := r.VerifyCommit(revParse(t, dir, "HEAD"))
	if err != nil || st.Signed || st.Good {
		t.Errorf("unsigned commit: %+v, %v", st, err)
	}
	key := signtest.NewSSHKey(t, testSig.Email)
	other := signtest.NewSSHKey(t, "someone@example.com")
	commit, err := commitSigned(t, dir, SignOptions{Key: key.Private}, "gpg.format", "ssh")
	if err != nil {
		t.Fatal(err)
	}
	runGit(t, dir, "config", "gpg.ssh.allowedSignersFile", other.AllowedSigners)
	st, err = openRepo(t, dir).VerifyCommit(commit)
	if err != nil || !st.Signed || st.Good || st.Reason == "" {
		t.Errorf("signer not allowed: %+v, %v", st, err)
	}
	if _, err := gitErr(dir, "verify-commit", commit.String()); err == nil {
		t.Error("git verify-commit accepts what VerifyCommit rejects")
	}
}

// TestSigningConfigFollowsIncludes: signing settings in a file included
// by ~/.gitconfig (include.path, includeIf "gitdir:~/work/") count, the
// conditional one only for repositories under ~/work.
func TestSigningConfigFollowsIncludes(t *testing.T) {
	home := isolateGit(t)
	global := filepath.Join(home, "gitconfig")
	writeFiles(t, home, map[string]string{
		"gitconfig":      "[include]\n\tpath = common.inc\n[includeIf \"gitdir:~/work/\"]\n\tpath = ~/work.inc\n",
		"common.inc":     "[gpg]\n\tformat = ssh\n",
		"work.inc":       "[user]\n\tsigningKey = ~/.ssh/work_key\n[commit]\n\tgpgsign = true\n",
		"work/.keep":     "",
		"personal/.keep": "",
	})
	t.Setenv("GIT_CONFIG_GLOBAL", global)
	for _, tc := range []struct {
		dir      string
		sign     bool
		key      string
		includes string
	}{
		{filepath.Join(home, "work", "repo"), true, "~/.ssh/work_key", "work"},
		{filepath.Join(home, "personal", "repo"), false, "", "personal"},
	} {
		runGit(t, filepath.Dir(tc.dir), "init", "-q", tc.dir)
		sc, err := openRepo(t, tc.dir).SigningConfig()
		if err != nil {
			t.Fatal(err)
		}
		if sc.Format != FormatSSH || sc.Sign != tc.sign || sc.Key != tc.key {
			t.Errorf("%s: %+v, want ssh, sign %v, key %q", tc.includes, sc, tc.sign, tc.key)
		}
		// git itself agrees.
		if got, _ := gitErr(tc.dir, "config", "--get", "commit.gpgsign"); (got == "true") != tc.sign {
			t.Errorf("%s: git config commit.gpgsign = %q", tc.includes, got)
		}
	}
}

func TestGitdirMatches(t *testing.T) {
	home, _ := os.UserHomeDir()
	for _, tc := range []struct {
		cond, gitDir string
		want         bool
	}{
		{"gitdir:~/work/", home + "/work/a/.git", true},
		{"gitdir:~/work/", home + "/workshop/a/.git", false},
		{"gitdir/i:~/WORK/", home + "/work/a/.git", true},
		{"gitdir:~/WORK/", home + "/work/a/.git", false},
		{"gitdir:gitops/", "/srv/acme/gitops/.git", true},
		{"gitdir:/srv/*/gitops/.git", "/srv/acme/gitops/.git", true},
		{"gitdir:/srv/*/.git", "/srv/acme/gitops/.git", false},
		{"gitdir:./sub/", "/etc/sub/r/.git", true},
		{"onbranch:main", "/srv/acme/gitops/.git", false},
	} {
		if got := gitdirMatches(tc.cond, "/etc/gitconfig", tc.gitDir); got != tc.want {
			t.Errorf("%s on %s = %v, want %v", tc.cond, tc.gitDir, got, tc.want)
		}
	}
}
