package cli

import (
	"time"

	"github.com/spf13/cobra"
)

// defaultTimeout bounds a run that talks to a forge, retries included.
const defaultTimeout = 5 * time.Minute

// addForgeFlags registers the flags that reach GitHub, GitLab and Gitea; they
// fill f.ForgeOptions, and timeout with --timeout.
func addForgeFlags(cmd *cobra.Command, f *Factory, timeout *time.Duration) {
	fl := cmd.Flags()
	o := &f.ForgeOptions
	fl.DurationVar(timeout, "timeout", defaultTimeout, "give up after `DURATION`, retries of pushes and API calls included")
	addForgeAccessFlags(cmd, f, "origin", "origin")
	fl.StringVar(&o.Repo, "repo", "", "`OWNER/NAME` (GitHub, Gitea) or group/project path (GitLab) instead of the origin remote's")
	fl.StringVar(&o.AppInstallation, "github-app-installation", "", "the app installation's `ID` (default $GITHUB_APP_INSTALLATION_ID, else looked up from the repository)")
	fl.BoolVar(&o.APICommits, "github-api-commits", false, "create promotion commits through GitHub's API instead of pushing them (with a GitHub App they are signed by GitHub and marked verified, no key needed)")
	fl.StringVar(&o.SSHKey, "ssh-key", "", "private key `FILE` for an ssh origin (default: the SSH agent, then ~/.ssh/id_*)")
}

// addForgeAccessFlags registers the flags every command that reaches a
// forge has, serve included: request timeout, server URLs (whose
// defaults end with the gitlab and gitea hosts named) and GitHub App.
func addForgeAccessFlags(cmd *cobra.Command, f *Factory, gitlab, gitea string) {
	fl := cmd.Flags()
	o := &f.ForgeOptions
	fl.DurationVar(&o.RequestTimeout, "request-timeout", 30*time.Second, "give up on one HTTP request (an API call, a git fetch or push request) after `DURATION`, and retry it; 0 for no limit")
	fl.StringVar(&o.GitLabURL, "gitlab-url", "", "self-managed GitLab `URL`, with the path it is served under (default $GITLAB_URL, $CI_SERVER_URL, else the "+gitlab+"'s host)")
	fl.StringVar(&o.GiteaURL, "gitea-url", "", "Gitea or Forgejo server `URL`, with the path it is served under (default $GITEA_URL, else the "+gitea+"'s host)")
	fl.StringVar(&o.AppID, "github-app-id", "", "authenticate as the GitHub App with this `ID` (default $GITHUB_APP_ID)")
	fl.StringVar(&o.AppKeyFile, "github-app-key", "", "the GitHub App's private key `FILE` (default $GITHUB_APP_PRIVATE_KEY_FILE, or the PEM in $GITHUB_APP_PRIVATE_KEY)")
}
