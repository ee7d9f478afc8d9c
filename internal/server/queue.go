package server

import (
	"context"
	"errors"
	"sync"
)

var (
	errQueueFull   = errors.New("too many events waiting")
	errQueueClosed = errors.New("shutting down")
)

// queue runs jobs one at a time per key (a repository) and at most
// workers at once over all keys, in the order they were submitted per
// key.
type queue struct {
	sem chan struct{}
	max int

	mu      sync.Mutex
	pending map[string][]func()
	total   int
	closed  bool
	wg      sync.WaitGroup
}

func newQueue(workers, max int) *queue {
	return &queue{sem: make(chan struct{}, workers), max: max, pending: map[string][]func(){}}
}

// submit queues job under key. It fails when the queue is full or
// closed.
func (q *queue) submit(key string, job func()) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	switch {
	case q.closed:
		return errQueueClosed
	case q.total >= q.max:
		return errQueueFull
	}
	q.total++
	q.wg.Add(1)
	_, busy := q.pending[key]
	q.pending[key] = append(q.pending[key], job)
	if !busy {
		go q.drain(key)
	}
	return nil
}

// drain runs key's jobs until none is left.
func (q *queue) drain(key string) {
	for {
		q.mu.Lock()
		job := q.pending[key][0]
		q.mu.Unlock()
		q.sem <- struct{}{}
		job()
		<-q.sem
		q.mu.Lock()
		q.pending[key] = q.pending[key][1:]
		q.total--
		q.wg.Done()
		if len(q.pending[key]) == 0 {
			delete(q.pending, key)
			q.mu.Unlock()
			return
		}
		q.mu.Unlock()
	}
}

// depth is the number of jobs queued or running.
func (q *queue) depth() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.total
}

// close refuses new jobs and waits until the accepted ones are done or
// ctx ends.
func (q *queue) close(ctx context.Context) error {
	q.mu.Lock()
	q.closed = true
	q.mu.Unlock()
	done := make(chan struct{})
	go func() {
		q.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
