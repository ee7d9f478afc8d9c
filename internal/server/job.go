package server

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"time"

	"github.com/gitops-promote/promote/internal/chatops"
)

// PanicError is a job that panicked: the job fails, the process goes on.
type PanicError struct {
	// Value is what the job panicked with; Stack where.
	Value any
	Stack []byte
}

// Error implements error.
func (e *PanicError) Error() string { return fmt.Sprintf("the job panicked: %v", e.Value) }

// BudgetError is a job that ran out of its time budget (--job-timeout).
type BudgetError struct {
	Budget time.Duration
	// Err is what the job returned when its context ended.
	Err error
}

// Error implements error.
func (e *BudgetError) Error() string {
	return fmt.Sprintf("the job ran out of its time budget of %s (--job-timeout): %v", e.Budget, e.Err)
}

// Unwrap returns the job's error.
func (e *BudgetError) Unwrap() error { return e.Err }

// guard runs job, turning a panic into a *PanicError and an error after
// ctx's deadline passed into a *BudgetError, so that a failing job fails
// alone.
func guard(ctx context.Context, budget time.Duration, job func(context.Context) (*chatops.Result, error)) (res *chatops.Result, err error) {
	defer func() {
		if v := recover(); v != nil {
			res, err = &chatops.Result{Outcome: chatops.Failed}, &PanicError{Value: v, Stack: debug.Stack()}
		}
	}()
	res, err = job(ctx)
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		if err == nil {
			err = ctx.Err()
		}
		err = &BudgetError{Budget: budget, Err: err}
	}
	return res, err
}

// isJobFailure reports whether err is a failure the job could not
// answer itself: a panic, an exhausted budget, a dead job process.
func isJobFailure(err error) bool {
	var p *PanicError
	var b *BudgetError
	var m *MemoryError
	var c *CrashError
	return errors.As(err, &p) || errors.As(err, &b) || errors.As(err, &m) || errors.As(err, &c)
}
