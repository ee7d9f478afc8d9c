package scaffold

import (
	"strings"
)

// stages maps the conventional names of environments to their place in
// a pipeline; several names share a place (staging, stage, stg).
var stages = map[string]int{
	"local": 0, "sandbox": 0,
	"dev": 1, "develop": 1, "development": 1,
	"qa":   2,
	"test": 3, "testing": 3, "tst": 3,
	"int": 4, "integration": 4, "sit": 4,
	"staging": 5, "stage": 5, "stg": 5,
	"uat":     6,
	"preprod": 7, "pre-prod": 7, "pre-production": 7, "preproduction": 7,
	"prod": 8, "production": 8, "prd": 8, "live": 8,
}

// stage is where an environment name sits in a pipeline, and the rest of
// its name (a region or cluster: prod-eu → 8, "eu"). ok is false for a
// name that holds no conventional environment word.
func stage(name string) (rank int, rest string, ok bool) {
	lower := strings.ToLower(name)
	if r, found := stages[lower]; found {
		return r, "", true
	}
	words := strings.FieldsFunc(lower, func(r rune) bool { return r == '-' || r == '_' || r == '.' })
	for i, w := range words {
		if r, found := stages[w]; found {
			others := append(append([]string{}, words[:i]...), words[i+1:]...)
			return r, strings.Join(others, "-"), true
		}
	}
	return 0, "", false
}
