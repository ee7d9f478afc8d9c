package actions

import (
	"fmt"
	"path/filepath"
	"strings"
)

// DefaultDotenv is the dotenv report written under GitLab CI, relative
// to the job's directory (PROMOTE_DOTENV overrides it).
const DefaultDotenv = "promote.env"

// GitLab is the GitLab CI job's environment.
type GitLab struct {
	// Dotenv is the dotenv report file: list it under
	// artifacts:reports:dotenv so that later jobs get its variables.
	Dotenv string
}

// DetectGitLab returns the job's environment inside GitLab CI
// (GITLAB_CI=true), else nil.
func DetectGitLab(getenv func(string) string) *GitLab {
	if getenv("GITLAB_CI") != "true" {
		return nil
	}
	file := getenv("PROMOTE_DOTENV")
	if file == "" {
		file = DefaultDotenv
		if dir := getenv("CI_PROJECT_DIR"); dir != "" {
			file = filepath.Join(dir, DefaultDotenv)
		}
	}
	return &GitLab{Dotenv: file}
}

// WriteDotenv appends KEY=value lines to the report; values are one line
// (newlines are replaced by spaces), as dotenv reports require.
func (g *GitLab) WriteDotenv(vars ...Output) error {
	var b strings.Builder
	for _, v := range vars {
		val := strings.NewReplacer("\r", " ", "\n", " ").Replace(v.Value)
		fmt.Fprintf(&b, "%s=%s\n", v.Name, val)
	}
	return appendFile(g.Dotenv, b.String(), "dotenv report "+g.Dotenv)
}
