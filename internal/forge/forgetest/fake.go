package forgetest

import (
	"encoding/json"
	"net/http"
	"strconv"
)

// fake is what the fake forges share when answering a request: their
// routes and their own words for refusing one.
type fake struct {
	routes []route
	// allow checks a request (its body read) and says whether its
	// credentials are accepted.
	allow func(r *http.Request, body []byte) bool
	// unauthorized and notFound are the messages of a 401 and a 404.
	unauthorized, notFound string
}

// serve records r, then answers it: 401 without credentials, the next
// scripted response if any, else its route or 404.
func (f fake) serve(rec *recorder, w http.ResponseWriter, r *http.Request) {
	body, scripted := rec.record(r)
	if !f.allow(r, body) {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"message": f.unauthorized})
		return
	}
	if scripted != nil {
		scripted.write(w)
		return
	}
	if !dispatch(f.routes, w, r, body) {
		writeJSON(w, http.StatusNotFound, map[string]string{"message": f.notFound})
	}
}

// snapshot copies items, each through clone (which copies its slices).
func snapshot[T any](items []*T, clone func(T) T) []T {
	out := make([]T, len(items))
	for i, it := range items {
		out[i] = clone(*it)
	}
	return out
}

// where returns the items keep accepts, nil when there are none.
func where[T any](items []T, keep func(T) bool) []T {
	var out []T
	for _, it := range items {
		if keep(it) {
			out = append(out, it)
		}
	}
	return out
}

// numbered returns the request numbered num (1-based, in creation
// order), or answers 404 with message when there is none.
func numbered[T any](w http.ResponseWriter, items []*T, num, message string) *T {
	n, _ := strconv.Atoi(num)
	if n < 1 || n > len(items) {
		writeJSON(w, http.StatusNotFound, map[string]string{"message": message})
		return nil
	}
	return items[n-1]
}

// commentBody is the text of a comment or note request, {"body": ...}.
func commentBody(body []byte) string {
	var in struct {
		Body string `json:"body"`
	}
	_ = json.Unmarshal(body, &in)
	return in.Body
}
