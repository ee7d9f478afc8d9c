package promotable

// Edit is one value to change in a file: where it is, and what it is and
// becomes.
type Edit struct {
	At Locator
	// File names the file in messages.
	File string
	// Name names the promotable in messages.
	Name string
	// Old is the value planning read (empty when the value is added); New
	// the value to write.
	Old, New string
	// Image is the image wanted, for image values: the editor writes its
	// tag and digest (and, for a Helm image block, its repository).
	Image *Image
}

// Editor changes values of one kind in a file's bytes.
type Editor interface {
	// Edit returns data with e made. Only the bytes of the value change
	// (and lines added for a value that was missing); data is not
	// modified. An error leaves nothing half-done.
	Edit(data []byte, e Edit) ([]byte, error)
}

// Scanner finds one kind of promotable in an environment directory and
// edits it.
type Scanner interface {
	Editor
	// Name identifies the unit in locators (Locator.Scanner).
	Name() string
	// Scan returns the promotables in d. Where a key occurs more than
	// once, the occurrence that takes effect comes first.
	Scan(d *Dir) ([]Found, error)
}

// Adder is implemented by scanners that can add to a target a promotable
// only its source has.
type Adder interface {
	// Add returns the promotable src as it would be written in target
	// (Value empty), or false when the target has no place for it.
	Add(target *Dir, src Found) (Found, bool, error)
}

// Pair is a promotable whose value differs between source and target:
// Target is where it is in the target (or would be added: Target.Value is
// then empty and Added set), Want the source's value.
type Pair struct {
	Target, Want Found
	Added        bool
}

// Diff pairs each target promotable with the source's value of the same
// key when they differ. The source's first occurrence of a key is the
// value wanted; every occurrence in the target is compared with it. Keys
// only the source has are added through add when it is not nil. Pairs
// come in target order, then additions in source order.
func Diff(src, dst []Found, add func(Found) (Found, bool, error)) ([]Pair, error) {
	want := map[string]Found{}
	var order []string
	for _, f := range src {
		if _, ok := want[f.Key]; !ok {
			want[f.Key] = f
			order = append(order, f.Key)
		}
	}
	var out []Pair
	have := map[string]bool{}
	for _, t := range dst {
		have[t.Key] = true
		if w, ok := want[t.Key]; ok && w.Value != t.Value {
			out = append(out, Pair{Target: t, Want: w})
		}
	}
	if add == nil {
		return out, nil
	}
	for _, k := range order {
		if have[k] {
			continue
		}
		t, ok, err := add(want[k])
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, Pair{Target: t, Want: want[k], Added: true})
		}
	}
	return out, nil
}

// EditOf is the edit that sets p's target to the wanted value.
func EditOf(p Pair) Edit {
	return Edit{At: p.Target.At, File: p.Target.File, Name: p.Target.Name, Old: p.Target.Value, New: p.Want.Value, Image: p.Want.Image}
}
