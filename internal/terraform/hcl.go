package terraform

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"
)

// parse parses HCL native syntax; an error names the file and line.
func parse(file string, data []byte) (*hclsyntax.Body, error) {
	f, diags := hclsyntax.ParseConfig(data, file, hcl.InitialPos)
	if diags.HasErrors() {
		d := diags[0]
		if d.Subject != nil {
			return nil, fmt.Errorf("%s:%d: invalid HCL: %s", file, d.Subject.Start.Line, d.Detail)
		}
		return nil, fmt.Errorf("%s: invalid HCL: %s", file, d.Summary)
	}
	body, ok := f.Body.(*hclsyntax.Body)
	if !ok {
		return nil, fmt.Errorf("%s: not HCL native syntax", file)
	}
	return body, nil
}

// literal is a string literal attribute: its value and the byte range of
// the quoted string.
type literal struct {
	Value string
	Line  int
	Range hcl.Range
}

// stringLiteral reads attribute name of body as a quoted string without
// interpolation; ok is false when body has no such attribute.
func stringLiteral(file string, body *hclsyntax.Body, name string) (literal, bool, error) {
	attr, ok := body.Attributes[name]
	if !ok {
		return literal{}, false, nil
	}
	line := attr.SrcRange.Start.Line
	te, isTemplate := attr.Expr.(*hclsyntax.TemplateExpr)
	if !isTemplate || !te.IsStringLiteral() || len(te.Parts) > 1 {
		return literal{}, false, fmt.Errorf("%s:%d: %s: expected a quoted string such as \"1.4.2\", without interpolation", file, line, name)
	}
	v, diags := te.Value(nil)
	if diags.HasErrors() || v.Type() != cty.String || v.IsNull() {
		return literal{}, false, fmt.Errorf("%s:%d: %s: expected a quoted string", file, line, name)
	}
	return literal{Value: v.AsString(), Line: line, Range: te.SrcRange}, true, nil
}

// setLiteral replaces the quoted string at lit's range by value, rendered
// as hclwrite renders a string (quotes and escapes), and checks that the
// result parses with the attribute set to value.
func setLiteral(data []byte, lit literal, value string) ([]byte, error) {
	r := lit.Range
	if r.Start.Byte < 0 || r.End.Byte > len(data) || r.End.Byte-r.Start.Byte < 2 || data[r.Start.Byte] != '"' || data[r.End.Byte-1] != '"' {
		return nil, fmt.Errorf("the value is not a quoted string on one line")
	}
	text := hclwrite.TokensForValue(cty.StringVal(value)).Bytes()
	out := make([]byte, 0, len(data)+len(text))
	out = append(append(append(out, data[:r.Start.Byte]...), text...), data[r.End.Byte:]...)
	return out, nil
}

// check re-reads the attribute found by find in the edited file and
// compares it with want.
func check(file string, out []byte, want string, find func(*hclsyntax.Body) (*hclsyntax.Body, string)) error {
	body, err := parse(file, out)
	if err != nil {
		return fmt.Errorf("internal error, nothing applied: %w", err)
	}
	b, name := find(body)
	if b == nil {
		return fmt.Errorf("internal error, nothing applied: the value is gone after the edit")
	}
	lit, ok, err := stringLiteral(file, b, name)
	if err != nil || !ok || lit.Value != want {
		return fmt.Errorf("internal error, nothing applied: the value reads %q after the edit, want %q", lit.Value, want)
	}
	return nil
}
