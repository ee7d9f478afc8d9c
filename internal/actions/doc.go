// Package actions is promote's side of GitHub Actions and GitLab CI:
// reading the runner's environment (GITHUB_REPOSITORY, GITHUB_EVENT_PATH,
// ...), writing step outputs to $GITHUB_OUTPUT (multi-line safe), the
// markdown plan to $GITHUB_STEP_SUMMARY, errors as ::error annotations
// that point at the file and line, masking secrets, and, under GitLab CI,
// a dotenv report with the merge request's URL for later jobs.
// ReportProposal does all of it for a proposal, whichever front end made
// it.
package actions
