package safeyaml

import (
	"testing"
	"time"
)

// FuzzDecode: any input is parsed or refused, within the limits and
// quickly; Check agrees with Decode on what it accepts.
func FuzzDecode(f *testing.F) {
	f.Add([]byte(bomb()))
	for _, s := range []string{"a: 1\n", "a: &a [1, 2]\nb: *a\n", "- - - - x\n", "a: 1\n---\nb: 2\n", "a: 1\na: 2\n", "<<: {a: 1}\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		start := time.Now()
		docs, err := Decode("f.yaml", data, "")
		if err == nil {
			if len(docs) > Default.MaxDocuments {
				t.Fatalf("%d documents", len(docs))
			}
			if cerr := Check("f.yaml", data); cerr != nil {
				t.Fatalf("Decode accepts what Check refuses: %v", cerr)
			}
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Fatalf("took %v", d)
		}
	})
}
