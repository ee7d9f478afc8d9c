package promote

import "testing"

// TestKindsAreRows: every row is either scanned (units and the editors
// of what they find, each editor name once) or planned by itself (on,
// plan, claims and edit), so that a change always finds its editor.
func TestKindsAreRows(t *testing.T) {
	editors := map[string]string{}
	for _, k := range kinds {
		scanned, own := k.units != nil, k.plan != nil
		if scanned == own {
			t.Errorf("%s: expected units or plan, not both or neither", k.name)
		}
		if own && (k.on == nil || k.claims == nil || k.edit == nil) {
			t.Errorf("%s: a kind planned by itself needs on, claims and edit", k.name)
		}
		if scanned && len(k.editors) == 0 {
			t.Errorf("%s: scanned but no editor", k.name)
		}
		for _, e := range k.editors {
			if other, ok := editors[e.Name()]; ok {
				t.Errorf("editor %q of %s is also %s's", e.Name(), k.name, other)
			}
			editors[e.Name()] = k.name
			if _, err := editorFor(e.Name()); err != nil {
				t.Errorf("%s: %v", k.name, err)
			}
		}
	}
	everything := Promotables{Helm: []HelmValues{{File: "values.yaml", Paths: []string{"image.tag"}}}, Charts: true, Refs: true,
		Terraform: &TerraformPromotables{Variables: []string{"v"}, Modules: true}}
	for _, sc := range scanners(everything) {
		if editors[sc.Name()] == "" {
			t.Errorf("scanner %q has no editor row", sc.Name())
		}
	}
	if n := len(scanners(everything)); n != 7 {
		t.Errorf("everything enabled scans with %d units, want 7", n)
	}
	if got := scanners(Promotables{}); len(got) != 1 || &got[0] != &imagesOnly[0] {
		t.Errorf("the default promotables scan with %v, want the shared imagesOnly", got)
	}
}

// TestRequestRefsHaveANumber: every way of writing a merged request
// names its number.
func TestRequestRefsHaveANumber(t *testing.T) {
	for _, r := range requestRefs {
		if r.re.SubexpIndex("num") < 0 {
			t.Errorf("%s: no (?P<num>...) group", r.re)
		}
	}
}
