package chatops

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
)

// Verb is what a command asks for.
type Verb string

// Verbs of the grammar.
const (
	VerbPromote  Verb = "promote"
	VerbRollback Verb = "rollback"
	VerbStatus   Verb = "status"
	VerbHelp     Verb = "help"
)

// maxForceReason bounds the reason of /promote <env> --force <reason>.
const maxForceReason = 200

// MaxSteps bounds /rollback <env> <steps>.
const MaxSteps = 100

// Grammar is the reply to a malformed command and to /promote help.
const Grammar = "Commands (the first line of a comment):\n\n" +
	"- `/promote <env> [app...] [--from <env>] [--force <reason>]`: propose promoting `<env>` from its source (or `--from`), optionally only some apps; `--force` (for the environment's approvers) proposes past the gates that hold it back, the rest of the line being the reason\n" +
	"- `/rollback <env> [<commit> | <steps>]`: propose `<env>` as it was before its last change, `<steps>` changes back (1 to 100), or at `<commit>` (7 to 40 hex digits)\n" +
	"- `/promote status`: what every environment runs and which lag their source\n" +
	"- `/promote help`: this text\n\n" +
	"Environment and app names are letters, digits, `.`, `_` and `-`; `status` and `help` are not environment names here."

// Command is a parsed chat command.
type Command struct {
	Verb Verb
	// Env is the target environment (promote, rollback).
	Env string
	// Apps restricts a promotion to these apps.
	Apps []string
	// From is the source environment given with --from.
	From string
	// Force is the reason given with --force: the promotion is proposed
	// past the gates that hold it back.
	Force string
	// Commit is the commit /rollback returns to; Steps how many changes
	// back it goes (1 when neither is given).
	Commit string
	Steps  int
}

// String renders the command as it would be typed.
func (c Command) String() string {
	switch c.Verb {
	case VerbStatus, VerbHelp:
		return "/promote " + string(c.Verb)
	case VerbRollback:
		if c.Commit != "" {
			return "/rollback " + c.Env + " " + c.Commit
		}
		return fmt.Sprintf("/rollback %s %d", c.Env, c.Steps)
	}
	parts := append([]string{"/promote", c.Env}, c.Apps...)
	if c.From != "" {
		parts = append(parts, "--from", c.From)
	}
	if c.Force != "" {
		parts = append(parts, "--force", c.Force)
	}
	return strings.Join(parts, " ")
}

// SyntaxError is a comment that starts like a command but does not
// follow the grammar; the reply quotes Msg and the Grammar.
type SyntaxError struct {
	Line string
	Msg  string
}

// Error implements error.
func (e *SyntaxError) Error() string {
	return fmt.Sprintf("%q: %s", e.Line, e.Msg)
}

// Parse reads the command on the first line of a comment body. A body
// that is not a command (another first line, or /promoted, /rollbacks...)
// returns nil and no error: it is ignored. A malformed command returns a
// *SyntaxError.
func Parse(body string) (*Command, error) {
	line, _, _ := strings.Cut(body, "\n")
	line, _, _ = strings.Cut(line, "\r") // CR ends a line too, in logs as in CRLF
	line = strings.TrimSpace(line)
	fields := strings.Fields(line)
	if len(fields) == 0 {
		return nil, nil
	}
	switch fields[0] {
	case "/promote":
		return parsePromote(line, fields[1:])
	case "/rollback":
		return parseRollback(line, fields[1:])
	}
	return nil, nil
}

func syntax(line, format string, args ...any) error {
	return &SyntaxError{Line: line, Msg: fmt.Sprintf(format, args...)}
}

func parsePromote(line string, args []string) (*Command, error) {
	if len(args) == 0 {
		return nil, syntax(line, "expected an environment, status or help after /promote")
	}
	switch args[0] {
	case "status", "help":
		if len(args) > 1 {
			return nil, syntax(line, "/promote %s takes no arguments, got %q", args[0], strings.Join(args[1:], " "))
		}
		return &Command{Verb: Verb(args[0])}, nil
	}
	c := &Command{Verb: VerbPromote}
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--from" && i+1 < len(args):
			if c.From != "" {
				return nil, syntax(line, "--from is given twice")
			}
			i++
			c.From = args[i]
		case strings.HasPrefix(a, "--from="):
			if c.From != "" {
				return nil, syntax(line, "--from is given twice")
			}
			c.From = strings.TrimPrefix(a, "--from=")
		case a == "--from":
			return nil, syntax(line, "--from needs an environment")
		case a == "--force":
			// The reason is the rest of the line.
			c.Force = strings.Join(args[i+1:], " ")
			switch {
			case c.Force == "":
				return nil, syntax(line, "--force needs a reason: /promote <env> --force <reason>")
			case strings.ContainsFunc(c.Force, unicode.IsControl) || len(c.Force) > maxForceReason:
				return nil, syntax(line, "--force: the reason must be printable text of at most %d bytes", maxForceReason)
			}
			i = len(args)
		case strings.HasPrefix(a, "-"):
			return nil, syntax(line, "unknown option %q (the options are --from <env> and --force <reason>)", a)
		case c.Env == "":
			c.Env = a
		default:
			c.Apps = append(c.Apps, a)
		}
	}
	if err := c.check(line); err != nil {
		return nil, err
	}
	return c, nil
}

func parseRollback(line string, args []string) (*Command, error) {
	if len(args) == 0 {
		return nil, syntax(line, "expected an environment after /rollback")
	}
	if len(args) > 2 {
		return nil, syntax(line, "expected /rollback <env> [<commit> | <steps>], got %d arguments", len(args))
	}
	c := &Command{Verb: VerbRollback, Env: args[0], Steps: 1}
	if len(args) == 2 {
		if err := c.target(line, args[1]); err != nil {
			return nil, err
		}
	}
	if err := c.check(line); err != nil {
		return nil, err
	}
	return c, nil
}

// target reads the second argument of /rollback: a number of steps (up
// to 6 digits) or a commit (7 to 40 hex digits).
func (c *Command) target(line, a string) error {
	if isDigits(a) && len(a) <= 6 {
		n, _ := strconv.Atoi(a)
		if n < 1 || n > MaxSteps {
			return syntax(line, "steps %s: expected 1 to %d", a, MaxSteps)
		}
		c.Steps = n
		return nil
	}
	if len(a) < 7 || len(a) > 40 || !isHex(a) {
		return syntax(line, "%q: expected a number of steps (1 to %d) or a commit (7 to 40 hex digits)", a, MaxSteps)
	}
	c.Commit, c.Steps = strings.ToLower(a), 0
	return nil
}

// check validates the names of a promote or rollback command.
func (c *Command) check(line string) error {
	if c.Env == "" {
		return syntax(line, "expected an environment")
	}
	if c.Env == "status" || c.Env == "help" {
		return syntax(line, "%q is a command, not an environment: /promote %s takes no arguments", c.Env, c.Env)
	}
	names := append([]string{c.Env}, c.Apps...)
	if c.From != "" {
		names = append(names, c.From)
	}
	for _, n := range names {
		if !validName(n) {
			return syntax(line, "%q is not a valid environment or app name (letters, digits, '.', '_', '-')", n)
		}
	}
	for i, a := range c.Apps {
		for _, b := range c.Apps[:i] {
			if a == b {
				return syntax(line, "app %q is given twice", a)
			}
		}
	}
	return nil
}

func validName(s string) bool {
	if s == "" || s == "." || s == ".." || len(s) > 100 {
		return false
	}
	for _, r := range s {
		ok := r == '-' || r == '_' || r == '.' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9')
		if !ok {
			return false
		}
	}
	return s[0] != '-'
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

func isHex(s string) bool {
	for _, r := range s {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'f' || r >= 'A' && r <= 'F') {
			return false
		}
	}
	return s != ""
}
