package gitrepo

import (
	"os"
	"path/filepath"
	"time"

	"github.com/go-git/go-git/v5/config"
)

// Identity falls back to these when neither the environment nor any Git
// configuration names an author.
const (
	// DefaultName is the fallback author name.
	DefaultName = "promote"
	// DefaultEmail is the fallback author email.
	DefaultEmail = "promote@localhost"
)

// Signature is an author or committer.
type Signature struct {
	Name  string
	Email string
	When  time.Time
}

// Identity returns the author identity. Name and email are each taken from
// GIT_AUTHOR_NAME / GIT_AUTHOR_EMAIL, else author.* or user.* of the
// repository configuration, then of the global configuration
// ($GIT_CONFIG_GLOBAL, or ~/.gitconfig then $XDG_CONFIG_HOME/git/config),
// then of /etc/gitconfig (unless GIT_CONFIG_NOSYSTEM is set), else
// DefaultName and DefaultEmail. When is time.Now().
func (r *Repo) Identity() Signature {
	sig := Signature{
		Name:  os.Getenv("GIT_AUTHOR_NAME"),
		Email: os.Getenv("GIT_AUTHOR_EMAIL"),
		When:  time.Now(),
	}
	configs := r.identityConfigs(sig)
	for _, cfg := range configs { // author.* wins over user.* in any file
		sig.Name = firstNonEmpty(sig.Name, cfg.Author.Name)
		sig.Email = firstNonEmpty(sig.Email, cfg.Author.Email)
	}
	for _, cfg := range configs {
		sig.Name = firstNonEmpty(sig.Name, cfg.User.Name)
		sig.Email = firstNonEmpty(sig.Email, cfg.User.Email)
	}
	sig.Name = firstNonEmpty(sig.Name, DefaultName)
	sig.Email = firstNonEmpty(sig.Email, DefaultEmail)
	return sig
}

// identityConfigs returns the configurations to consult, highest priority
// first; it stops early once sig is complete.
func (r *Repo) identityConfigs(sig Signature) []*config.Config {
	if sig.Name != "" && sig.Email != "" {
		return nil
	}
	var out []*config.Config
	r.mu.Lock()
	local, err := r.repo.Config()
	r.mu.Unlock()
	if err == nil {
		out = append(out, local)
	}
	for _, p := range configFiles() {
		if cfg := readConfigFile(p); cfg != nil {
			out = append(out, cfg)
		}
	}
	return out
}

// configFiles lists the global and system configuration files, highest
// priority first.
func configFiles() []string {
	var files []string
	if p := os.Getenv("GIT_CONFIG_GLOBAL"); p != "" {
		files = append(files, p)
	} else {
		home, _ := os.UserHomeDir()
		if home != "" {
			files = append(files, filepath.Join(home, ".gitconfig"))
		}
		xdg := os.Getenv("XDG_CONFIG_HOME")
		if xdg == "" && home != "" {
			xdg = filepath.Join(home, ".config")
		}
		if xdg != "" {
			files = append(files, filepath.Join(xdg, "git", "config"))
		}
	}
	if os.Getenv("GIT_CONFIG_NOSYSTEM") == "" {
		files = append(files, "/etc/gitconfig")
	}
	return files
}

// readConfigFile parses a Git configuration file, or returns nil.
func readConfigFile(p string) *config.Config {
	f, err := os.Open(p)
	if err != nil {
		return nil
	}
	defer f.Close()
	cfg, err := config.ReadConfig(f)
	if err != nil {
		return nil
	}
	return cfg
}

// firstNonEmpty returns the first non-empty string.
func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}
