package cli

import (
	"strings"
	"testing"
	"time"

	"github.com/gitops-promote/promote/internal/forge/connect"
)

// TestServeSecretFlagsComeFromForgeRows: serve has, for each forge row
// with a webhook, the row's secret file flag, and its help names the
// row's variable; a given flag reaches the options under the row's name.
func TestServeSecretFlagsComeFromForgeRows(t *testing.T) {
	var got *serveOptions
	f := &Factory{Getenv: func(string) string { return "" }}
	cmd := newServeCmd(f, func(o *serveOptions) error { got = o; return nil })
	var args []string
	rows := 0
	for _, k := range connect.Kinds {
		wh := k.Webhook
		if wh == nil {
			continue
		}
		rows++
		fl := cmd.Flags().Lookup(wh.SecretFlag)
		if fl == nil {
			t.Errorf("forge %s: serve has no --%s", k.Name, wh.SecretFlag)
			continue
		}
		if want := "read the " + wh.SecretName + " from `FILE` (default $" + wh.SecretEnv + ")"; fl.Usage != want {
			t.Errorf("--%s: usage %q, want %q", wh.SecretFlag, fl.Usage, want)
		}
		if !strings.Contains(cmd.Long, wh.SecretEnv+" (or --"+wh.SecretFlag+")") {
			t.Errorf("serve --help does not name %s and --%s", wh.SecretEnv, wh.SecretFlag)
		}
		args = append(args, "--"+wh.SecretFlag, "/run/secrets/"+k.Name)
	}
	cmd.SetArgs(args)
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if len(got.secretFiles) != rows {
		t.Errorf("%d secret files, want one per forge with a webhook (%d)", len(got.secretFiles), rows)
	}
	for name, file := range got.secretFiles {
		if *file != "/run/secrets/"+name {
			t.Errorf("secret file of %s: %q", name, *file)
		}
	}
}

// TestServeJobGetsTheServerFlags: a job process started by serve
// --job-memory parses the flags serve passes it into the same forge
// settings, memory budget and log format.
func TestServeJobGetsTheServerFlags(t *testing.T) {
	var o *serveOptions
	f := &Factory{Getenv: func(string) string { return "" }}
	serve := newServeCmd(f, func(got *serveOptions) error { o = got; return nil })
	serve.SetArgs([]string{"--job-memory", "256", "--log-format", "json", "--request-timeout", "7s",
		"--gitlab-url", "https://gl.example.com", "--gitea-url", "https://code.example.com/gitea",
		"--github-app-id", "42", "--github-app-key", "/keys/app.pem"})
	if err := serve.Execute(); err != nil {
		t.Fatal(err)
	}
	jf := &Factory{Getenv: func(string) string { return "" }}
	job := newServeJobCmd(jf)
	if err := job.ParseFlags(append([]string{"--data-dir", "/var/lib/promote"}, o.jobArgs(f)...)); err != nil {
		t.Fatal(err)
	}
	want, got := f.ForgeOptions, jf.ForgeOptions
	if got.RequestTimeout != 7*time.Second || got.GitLabURL != want.GitLabURL || got.GiteaURL != want.GiteaURL ||
		got.AppID != want.AppID || got.AppKeyFile != want.AppKeyFile {
		t.Errorf("job forge options %+v, want those of serve %+v", got, want)
	}
	mem, _ := job.Flags().GetInt("job-memory")
	format, _ := job.Flags().GetString("log-format")
	if mem != 256 || format != "json" {
		t.Errorf("job: --job-memory %d --log-format %s", mem, format)
	}
}
