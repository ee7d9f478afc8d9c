package objread

import (
	"container/list"
	"sync"

	"github.com/go-git/go-git/v5/plumbing"
)

// cached is an object's type and content.
type cached struct {
	typ  plumbing.ObjectType
	data []byte
}

// cacheKey names an entry by pack and offset.
type cacheKey struct {
	p   *pack
	off int64
}

// lru is a least-recently-used cache of objects bounded in bytes, safe for
// concurrent use.
type lru struct {
	mu    sync.Mutex
	max   int64
	size  int64
	order *list.List // of *lruItem, most recent first
	items map[cacheKey]*list.Element
}

type lruItem struct {
	key cacheKey
	val cached
}

func newLRU(max int64) *lru {
	return &lru{max: max, order: list.New(), items: make(map[cacheKey]*list.Element)}
}

func (c *lru) get(p *pack, off int64) (cached, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.items[cacheKey{p, off}]
	if !ok {
		return cached{}, false
	}
	c.order.MoveToFront(el)
	return el.Value.(*lruItem).val, true
}

// put caches v unless it is larger than an eighth of the budget.
func (c *lru) put(p *pack, off int64, v cached) {
	n := int64(len(v.data)) + 64
	if n > c.max/8 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	k := cacheKey{p, off}
	if el, ok := c.items[k]; ok {
		c.order.MoveToFront(el)
		return
	}
	c.items[k] = c.order.PushFront(&lruItem{key: k, val: v})
	c.size += n
	for c.size > c.max {
		el := c.order.Back()
		it := el.Value.(*lruItem)
		c.order.Remove(el)
		delete(c.items, it.key)
		c.size -= int64(len(it.val.data)) + 64
	}
}
