package promote

import (
	"encoding/json"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// TestSchemaMatchesConfig checks that schema/promote.schema.json lists
// exactly the keys the parser accepts, so editors validate what promote
// reads.
func TestSchemaMatchesConfig(t *testing.T) {
	data, err := os.ReadFile("../schema/promote.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	var schema map[string]any
	if err := json.Unmarshal(data, &schema); err != nil {
		t.Fatal(err)
	}
	defs := schema["$defs"].(map[string]any)
	resolve := func(s map[string]any) map[string]any {
		for {
			ref, ok := s["$ref"].(string)
			if !ok {
				return s
			}
			s = defs[strings.TrimPrefix(ref, "#/$defs/")].(map[string]any)
		}
	}
	var walk func(t reflect.Type, s map[string]any, where string)
	walk = func(typ reflect.Type, s map[string]any, where string) {
		for typ.Kind() == reflect.Pointer || typ.Kind() == reflect.Slice {
			typ = typ.Elem()
			if items, ok := s["items"].(map[string]any); ok {
				s = items
			}
		}
		s = resolve(s)
		if typ.Kind() != reflect.Struct {
			return
		}
		props, _ := s["properties"].(map[string]any)
		if s["additionalProperties"] != false {
			t.Errorf("%s: schema allows unknown keys, the parser does not", where)
		}
		var keys []string
		for i := 0; i < typ.NumField(); i++ {
			f := typ.Field(i)
			key, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
			if key == "" || key == "-" {
				continue
			}
			keys = append(keys, key)
			sub, ok := props[key].(map[string]any)
			if !ok {
				t.Errorf("%s.%s: accepted by the parser, missing from the schema", where, key)
				continue
			}
			walk(f.Type, sub, where+"."+key)
		}
		for k := range props {
			if !slices.Contains(keys, k) {
				t.Errorf("%s.%s: in the schema, rejected by the parser", where, k)
			}
		}
	}
	walk(reflect.TypeOf(Config{}), schema, "promote.yaml")
}
