package cli

import (
	"testing"

	"github.com/spf13/cobra"
)

// TestEveryCommandHelpHasExamples checks that `promote <command> --help`
// shows examples for every command a user can see, completion included.
func TestEveryCommandHelpHasExamples(t *testing.T) {
	root := NewRootCmd(&Factory{Getenv: func(string) string { return "" }})
	root.InitDefaultCompletionCmd() // as Execute does; a no-op when it exists
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		for _, sub := range c.Commands() {
			if sub.Hidden || sub.Name() == "help" || c.Name() == "completion" {
				continue
			}
			if sub.Example == "" {
				t.Errorf("%s: --help has no examples", sub.CommandPath())
			}
			walk(sub)
		}
	}
	walk(root)
	if root.Example == "" {
		t.Error("promote --help has no examples")
	}
}
