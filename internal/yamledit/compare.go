package yamledit

import (
	"fmt"

	"go.yaml.in/yaml/v3"
)

// sameDocs checks that the documents got equal the expected documents,
// ignoring positions and comments everywhere and styles of touched nodes.
func sameDocs(want, got []*yaml.Node, touched map[*yaml.Node]bool) error {
	if len(want) != len(got) {
		return fmt.Errorf("result has %d documents instead of %d", len(got), len(want))
	}
	for i := range want {
		if err := sameNode(want[i], got[i], touched); err != nil {
			return fmt.Errorf("document %d: %w", i, err)
		}
	}
	return nil
}

// sameNode compares want and got recursively.
func sameNode(want, got *yaml.Node, touched map[*yaml.Node]bool) error {
	switch {
	case want.Kind != got.Kind || want.Tag != got.Tag || want.Value != got.Value:
		return fmt.Errorf("line %d: got %s %s %q, want %s %s %q", got.Line,
			kindName(got), got.Tag, got.Value, kindName(want), want.Tag, want.Value)
	case want.Anchor != got.Anchor:
		return fmt.Errorf("line %d: anchor %q changed to %q", got.Line, want.Anchor, got.Anchor)
	case !touched[want] && want.Style != got.Style:
		return fmt.Errorf("line %d: style changed", got.Line)
	case len(want.Content) != len(got.Content):
		return fmt.Errorf("line %d: %d children instead of %d", got.Line, len(got.Content), len(want.Content))
	}
	for i := range want.Content {
		if err := sameNode(want.Content[i], got.Content[i], touched); err != nil {
			return err
		}
	}
	return nil
}
