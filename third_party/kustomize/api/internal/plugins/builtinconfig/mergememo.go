// Copyright 2026 The Kubernetes Authors.
// SPDX-License-Identifier: Apache-2.0

package builtinconfig

import (
	"slices"
	"sync"

	"github.com/gitops-promote/promote/third_party/kustomize/api/types"
)

// merges remembers the last few results of TransformerConfig.Merge.
// Every kustomization of a build merges the default configuration into
// its accumulator (and an overlay its bases' too), which costs a
// quadratic scan of a few hundred field specs and a sort each time, and
// the inputs are nearly always the same few configurations. A merge of
// inputs equal to remembered ones returns a copy of the remembered
// result, as merging them again would.
var merges mergeMemo //nolint:gochecknoglobals

// mergeMemoSize bounds the merges remembered.
const mergeMemoSize = 8

type mergeEntry struct {
	t, input, merged *TransformerConfig
}

type mergeMemo struct {
	mu      sync.Mutex
	entries []mergeEntry
	next    int
}

// get returns a copy of the remembered merge of t and input, or nil.
func (m *mergeMemo) get(t, input *TransformerConfig) *TransformerConfig {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, e := range m.entries {
		if configEqual(e.t, t) && configEqual(e.input, input) {
			return e.merged.clone()
		}
	}
	return nil
}

// put remembers merged as the merge of t and input, replacing the
// oldest entry when full.
func (m *mergeMemo) put(t, input, merged *TransformerConfig) {
	e := mergeEntry{t.clone(), input.clone(), merged.clone()}
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.entries) < mergeMemoSize {
		m.entries = append(m.entries, e)
		return
	}
	m.entries[m.next] = e
	m.next = (m.next + 1) % mergeMemoSize
}

// configEqual reports whether a and b hold the same field specs in the
// same order, nil lists told apart from empty ones.
func configEqual(a, b *TransformerConfig) bool {
	if a == nil || b == nil {
		return a == b
	}
	return fsEqual(a.NamePrefix, b.NamePrefix) &&
		fsEqual(a.NameSuffix, b.NameSuffix) &&
		fsEqual(a.NameSpace, b.NameSpace) &&
		fsEqual(a.CommonLabels, b.CommonLabels) &&
		fsEqual(a.Labels, b.Labels) &&
		fsEqual(a.TemplateLabels, b.TemplateLabels) &&
		fsEqual(a.VolumeClaimTemplateLabels, b.VolumeClaimTemplateLabels) &&
		fsEqual(a.CommonAnnotations, b.CommonAnnotations) &&
		nbrEqual(a.NameReference, b.NameReference) &&
		fsEqual(a.VarReference, b.VarReference) &&
		fsEqual(a.Images, b.Images) &&
		fsEqual(a.Replicas, b.Replicas)
}

func fsEqual(a, b types.FsSlice) bool {
	return (a == nil) == (b == nil) && slices.Equal(a, b)
}

func nbrEqual(a, b nbrSlice) bool {
	if (a == nil) != (b == nil) || len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Gvk != b[i].Gvk || !fsEqual(a[i].Referrers, b[i].Referrers) {
			return false
		}
	}
	return true
}

// clone is a deep copy that keeps nil lists nil.
func (t *TransformerConfig) clone() *TransformerConfig {
	if t == nil {
		return nil
	}
	c := &TransformerConfig{
		NamePrefix:                slices.Clone(t.NamePrefix),
		NameSuffix:                slices.Clone(t.NameSuffix),
		NameSpace:                 slices.Clone(t.NameSpace),
		CommonLabels:              slices.Clone(t.CommonLabels),
		Labels:                    slices.Clone(t.Labels),
		TemplateLabels:            slices.Clone(t.TemplateLabels),
		VolumeClaimTemplateLabels: slices.Clone(t.VolumeClaimTemplateLabels),
		CommonAnnotations:         slices.Clone(t.CommonAnnotations),
		NameReference:             slices.Clone(t.NameReference),
		VarReference:              slices.Clone(t.VarReference),
		Images:                    slices.Clone(t.Images),
		Replicas:                  slices.Clone(t.Replicas),
	}
	for i := range c.NameReference {
		c.NameReference[i].Referrers = slices.Clone(c.NameReference[i].Referrers)
	}
	return c
}
