package promote

import (
	"slices"
	"strings"
)

// ChatOps configures chat commands (/promote, /rollback) in comments.
type ChatOps struct {
	// Bots lists the bot accounts whose comments are read as commands
	// (renovate[bot], a deploy bot); comments of other bots are ignored.
	Bots []string `yaml:"bots,omitempty" json:"bots,omitempty"`
}

// BotAllowed reports whether the bot login is listed under chatops.bots.
func (c *Config) BotAllowed(login string) bool {
	if c.ChatOps == nil {
		return false
	}
	return slices.ContainsFunc(c.ChatOps.Bots, func(b string) bool { return strings.EqualFold(b, login) })
}

// validateApprovers checks environments[].approvers: user names or
// org/team (GitHub) or group/subgroup (GitLab) paths, without spaces,
// each listed once.
func (c *Config) validateApprovers(e *Environment) error {
	for i, a := range e.Approvers {
		switch {
		case strings.TrimSpace(a) == "":
			return c.errorf(e.line, "environment %q: approvers: entry %d is empty: expected a user or org/team", e.Name, i+1)
		case strings.ContainsAny(a, " \t,@") || strings.HasPrefix(a, "/") || strings.HasSuffix(a, "/") || strings.Contains(a, "//"):
			return c.errorf(e.line, "environment %q: approvers: %q: expected a user name or org/team (no spaces, commas, @ or empty segments)", e.Name, a)
		case slices.Contains(e.Approvers[:i], a):
			return c.errorf(e.line, "environment %q: approvers: %q is listed twice", e.Name, a)
		}
	}
	return nil
}

// validateChatOps checks chatops.bots: account names without spaces.
func (c *Config) validateChatOps() error {
	if c.ChatOps == nil {
		return nil
	}
	for i, b := range c.ChatOps.Bots {
		if strings.TrimSpace(b) == "" || strings.ContainsAny(b, " \t,") {
			return c.errorf(0, "chatops: bots: entry %d %q: expected a bot's login, such as renovate[bot]", i+1, b)
		}
	}
	return nil
}
