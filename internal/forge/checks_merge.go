package forge

// MaxCheckPages is how many pages of statuses or check runs adapters
// read for one commit at most.
const MaxCheckPages = 10

// Checks collects checks by name, keeping one per name: success when any
// report of the name succeeded (a status and a check run of the same
// name, or a re-run), else failure when any failed, else pending.
type Checks struct {
	order []string
	byKey map[string]Check
}

// Add records c.
func (cs *Checks) Add(c Check) {
	if cs.byKey == nil {
		cs.byKey = map[string]Check{}
	}
	old, ok := cs.byKey[c.Name]
	if !ok {
		cs.order = append(cs.order, c.Name)
		cs.byKey[c.Name] = c
		return
	}
	if rank(c.State) > rank(old.State) {
		cs.byKey[c.Name] = c
	}
}

// List returns the checks in the order their names were first added.
func (cs *Checks) List() []Check {
	out := make([]Check, 0, len(cs.order))
	for _, n := range cs.order {
		out = append(out, cs.byKey[n])
	}
	return out
}

func rank(s CheckState) int {
	switch s {
	case CheckSuccess:
		return 2
	case CheckFailure:
		return 1
	}
	return 0
}
