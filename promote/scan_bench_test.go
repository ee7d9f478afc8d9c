package promote

import "testing"

// BenchmarkPlanApplyEveryKind plans and applies the promotion of every
// app of the generated 1,000-app monorepo with every kind enabled
// (charts, refs, Terraform variables and modules besides images). Its
// overlays hold only kustomizations, so compared with BenchmarkPlanApply
// the cost is what the scanners add when there is nothing for them:
// listing each directory for *.tfvars and *.tf files.
func BenchmarkPlanApplyEveryKind(b *testing.B) {
	cfg, trees := generated(b, 1000)
	cfg.Promote = Promotables{Charts: true, Refs: true, Terraform: &TerraformPromotables{Variables: []string{"image_tag"}, Modules: true}}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		p, err := NewPlan(cfg, Request{To: "prod"}, trees)
		if err != nil {
			b.Fatal(err)
		}
		edits, err := Apply(p, trees)
		if err != nil || len(edits) != 1000 {
			b.Fatalf("%d files edited (%v), want 1000", len(edits), err)
		}
	}
}
