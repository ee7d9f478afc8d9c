package gitrepo

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestIdentity(t *testing.T) {
	dir := newTestRepo(t)
	home := os.Getenv("HOME")
	r := openRepo(t, dir)
	check := func(step, name, email string) {
		t.Helper()
		sig := r.Identity()
		if sig.Name != name || sig.Email != email {
			t.Errorf("%s: Identity() = %q <%s>, want %q <%s>", step, sig.Name, sig.Email, name, email)
		}
		if time.Since(sig.When) > time.Minute {
			t.Errorf("%s: When = %v, want now", step, sig.When)
		}
	}
	writeConfig := func(path, body string) {
		t.Helper()
		mustDo(t, os.MkdirAll(filepath.Dir(path), 0o755))
		mustDo(t, os.WriteFile(path, []byte(body), 0o644))
	}

	check("defaults", DefaultName, DefaultEmail)

	// Without GIT_CONFIG_GLOBAL: XDG config, overridden by ~/.gitconfig.
	os.Unsetenv("GIT_CONFIG_GLOBAL")
	writeConfig(filepath.Join(home, "xdg", "git", "config"), "[user]\n\tname = Xdg User\n\temail = xdg@example.com\n")
	check("xdg config", "Xdg User", "xdg@example.com")
	writeConfig(filepath.Join(home, ".gitconfig"), "[user]\n\temail = home@example.com\n")
	check("~/.gitconfig", "Xdg User", "home@example.com")

	global := filepath.Join(home, "global-config")
	writeConfig(global, "[user]\n\tname = Global User\n\temail = global@example.com\n")
	t.Setenv("GIT_CONFIG_GLOBAL", global)
	check("GIT_CONFIG_GLOBAL", "Global User", "global@example.com")

	runGit(t, dir, "config", "user.name", "Repo User")
	check("repo config", "Repo User", "global@example.com")
	writeConfig(global, "[user]\n\tname = Global User\n\temail = global@example.com\n[author]\n\tname = Global Author\n")
	check("author.name wins over user.name", "Global Author", "global@example.com")

	t.Setenv("GIT_AUTHOR_EMAIL", "env@example.com")
	check("partial env", "Global Author", "env@example.com")
	t.Setenv("GIT_AUTHOR_NAME", "Env User")
	check("env", "Env User", "env@example.com")
}
