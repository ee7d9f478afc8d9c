package promote

import (
	"strings"
	"testing"
	"testing/fstest"
)

func TestCheckRendersReportsWhatStillDiffers(t *testing.T) {
	fsys := fstest.MapFS{
		"promote.yaml": {Data: []byte("environments:\n  - {name: staging, path: staging}\n  - {name: prod, path: prod, from: staging}\n")},
		"staging/release.yaml": {Data: []byte(`apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {name: podinfo, namespace: podinfo}
spec:
  chart:
    spec: {chart: podinfo, version: "6.5.0"}
`)},
		"prod/release.yaml": {Data: []byte(`apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {name: podinfo, namespace: podinfo}
spec:
  chart:
    spec: {chart: podinfo, version: "6.4.0"}
`)},
	}
	cfg, err := ParseConfig("promote.yaml", fsys["promote.yaml"].Data)
	if err != nil {
		t.Fatal(err)
	}
	trees := Trees{Source: fsys, Target: fsys}
	p, err := NewPlan(cfg, Request{To: "prod"}, trees)
	if err != nil {
		t.Fatal(err)
	}
	if err := CheckRenders(p, trees); err != nil {
		t.Fatal(err)
	}
	if !p.Empty() || len(p.Unpromotable) != 1 {
		t.Fatalf("changes %v, unpromotable %v: want only one unpromotable chart", p.Changes, p.Unpromotable)
	}
	u := p.Unpromotable[0]
	want := Unpromotable{Kind: KindChart, Chart: "podinfo", Source: "6.5.0", Target: "6.4.0", Where: "prod/release.yaml:6"}
	u.Why = ""
	if u != want {
		t.Errorf("got %+v, want %+v", u, want)
	}
	if got := p.Matches(); !strings.HasPrefix(got, "prod still differs from staging where promote cannot edit: podinfo differs (6.5.0 → 6.4.0)") {
		t.Errorf("Matches() = %q", got)
	}
}

func TestInBlockScalar(t *testing.T) {
	data := `patches:
  - target: {kind: Rollout}
    patch: |-
      - op: replace
        path: /spec/template/spec/containers/0/image
        value: repo/app:blue
images:
  - name: repo/app
    newTag: blue
`
	lines := strings.Split(data, "\n")
	for i, want := range map[int]bool{3: true, 5: true, 2: false, 8: false, 0: false} {
		if got := inBlockScalar(lines, i); got != want {
			t.Errorf("line %d (%q): inBlockScalar = %v, want %v", i+1, lines[i], got, want)
		}
	}
}
