package github_test

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gitops-promote/promote/internal/forge"
	"github.com/gitops-promote/promote/internal/forge/forgetest"
)

func TestGitHubAppInstallationToken(t *testing.T) {
	const installation = "ghs_INSTALLATION_token_never_shown_91b2"
	e := newEnv(t)
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "app.pem")
	pemData := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
	if err := os.WriteFile(file, pemData, 0o600); err != nil {
		t.Fatal(err)
	}
	e.gh.AppID, e.gh.AppKey, e.gh.InstallationToken = 1234, &key.PublicKey, installation
	e.git.Token = installation // git accepts only the installation token
	e.vars = map[string]string{"GITHUB_API_URL": e.gh.URL, "GITHUB_SERVER_URL": e.git.URL,
		"GITHUB_APP_ID": "1234", "GITHUB_APP_PRIVATE_KEY_FILE": file}
	res := e.mustRun()
	if res.Action != forge.Created || len(e.gh.Open()) != 1 {
		t.Fatalf("%+v", res.Result)
	}
	reqs := e.gh.Requests()
	if forgetest.Count(reqs, "GET", "/repos/acme/gitops/installation") != 1 || forgetest.Count(reqs, "POST", "/app/installations/4242/access_tokens") != 1 {
		t.Errorf("installation token not obtained once:\n%s", forgetest.Describe(reqs))
	}
	if strings.Contains(e.stderr.String(), installation) || strings.Contains(e.stderr.String(), "BEGIN RSA") {
		t.Errorf("secret in stderr: %s", e.stderr.String())
	}
}

func TestMissingTokenSaysWhichToSet(t *testing.T) {
	e := newEnv(t)
	e.vars = map[string]string{"GITHUB_API_URL": e.gh.URL, "GITHUB_SERVER_URL": e.git.URL}
	_, err := e.run()
	if err == nil || !strings.Contains(err.Error(), "GITHUB_TOKEN") || !strings.Contains(err.Error(), "GH_TOKEN") {
		t.Fatalf("err = %v, want GITHUB_TOKEN and GH_TOKEN named", err)
	}
	if len(e.gh.Requests()) != 0 || len(e.git.Requests()) != 0 {
		t.Errorf("requests sent without a token")
	}
}

func TestWrongTokenFailsWithoutShowingIt(t *testing.T) {
	const wrong = "ghp_WRONG_token_also_never_shown_55aa"
	e := newEnv(t)
	e.vars["GITHUB_TOKEN"] = ""
	e.vars["GH_TOKEN"] = wrong
	_, err := e.run()
	if err == nil || !strings.Contains(err.Error(), "authentication required") {
		t.Fatalf("err = %v, want authentication required", err)
	}
	if strings.Contains(err.Error(), wrong) || strings.Contains(e.stderr.String(), wrong) {
		t.Errorf("the token is shown: %v / %s", err, e.stderr.String())
	}
}
