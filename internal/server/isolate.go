package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime/debug"
	"runtime/metrics"
	"time"

	"github.com/gitops-promote/promote/internal/chatops"
	"github.com/gitops-promote/promote/internal/forge"
)

// ExitMemory is the exit code of a job process that ran out of its
// memory budget.
const ExitMemory = 3

// maxJobOutput caps what a job process may answer on stdout.
const maxJobOutput = 4 << 20

// MemoryError is a job that ran out of its memory budget (--job-memory).
type MemoryError struct{ BudgetMiB int }

// Error implements error.
func (e *MemoryError) Error() string {
	return fmt.Sprintf("the job ran out of its memory budget of %d MiB (--job-memory) and was stopped", e.BudgetMiB)
}

// CrashError is a job process that died without answering.
type CrashError struct{ State string }

// Error implements error.
func (e *CrashError) Error() string { return "the job's process died: " + e.State }

// jobAnswer is what a job process writes on stdout.
type jobAnswer struct {
	Result *chatops.Result `json:"result,omitempty"`
	Error  string          `json:"error,omitempty"`
	// Panic is set when the job panicked.
	Panic bool `json:"panic,omitempty"`
}

// jobInput is what a job process reads on stdin.
type jobInput struct {
	ID      string       `json:"id"`
	Event   string       `json:"event"`
	Payload *forge.Event `json:"payload"`
}

// Isolated runs each delivery in a process of its own, so that a job
// that exhausts memory, crashes the runtime or panics fails alone: its
// process dies, the server answers for it. command returns the job
// process's command (the same binary running RunJob), bound to ctx so
// that the job's time budget kills it; budgetMiB is the budget the
// child enforces, for messages.
func Isolated(command func(ctx context.Context) *exec.Cmd, stderr io.Writer, budgetMiB int) Processor {
	return func(ctx context.Context, d Delivery) (*chatops.Result, error) {
		in, err := json.Marshal(jobInput{ID: d.ID, Event: d.Event, Payload: d.Payload})
		if err != nil {
			return nil, err
		}
		cmd := command(ctx)
		var out bytes.Buffer
		cmd.Stdin, cmd.Stdout, cmd.Stderr = bytes.NewReader(in), &limitedWriter{w: &out, n: maxJobOutput}, stderr
		err = cmd.Run()
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		var ee *exec.ExitError
		switch {
		case errors.As(err, &ee) && ee.ExitCode() == ExitMemory:
			return nil, &MemoryError{BudgetMiB: budgetMiB}
		case err != nil && out.Len() == 0:
			return nil, &CrashError{State: err.Error()}
		}
		var a jobAnswer
		if derr := json.Unmarshal(out.Bytes(), &a); derr != nil {
			return nil, &CrashError{State: fmt.Sprintf("unreadable answer (%v)", derr)}
		}
		switch {
		case a.Panic:
			return a.Result, &PanicError{Value: a.Error}
		case a.Error != "":
			return a.Result, errors.New(a.Error)
		}
		return a.Result, nil
	}
}

// RunJob is the job process's side of Isolated: it reads one delivery
// on stdin, handles it with process under a memory budget (exiting with
// ExitMemory when the heap passes budgetMiB), and writes the answer on
// stdout. It returns the process's exit code.
func RunJob(ctx context.Context, stdin io.Reader, stdout io.Writer, budgetMiB int, process Processor) int {
	if budgetMiB > 0 {
		limit := int64(budgetMiB) << 20
		debug.SetMemoryLimit(limit * 9 / 10)
		go watchMemory(uint64(limit), func() {
			fmt.Fprintf(os.Stderr, "promote: the job ran out of its memory budget of %d MiB\n", budgetMiB)
			os.Exit(ExitMemory)
		})
	}
	var in jobInput
	if err := json.NewDecoder(io.LimitReader(stdin, DefaultMaxBody*2)).Decode(&in); err != nil || in.Payload == nil {
		fmt.Fprintf(os.Stderr, "promote: read the job: %v\n", err)
		return 1
	}
	res, err := guard(ctx, 0, func(ctx context.Context) (*chatops.Result, error) {
		return process(ctx, Delivery{ID: in.ID, Event: in.Event, Payload: in.Payload})
	})
	a := jobAnswer{Result: res}
	if err != nil {
		var p *PanicError
		a.Error, a.Panic = err.Error(), errors.As(err, &p)
		if a.Panic {
			fmt.Fprintf(os.Stderr, "promote: %v\n%s", p, p.Stack)
		}
	}
	if err := json.NewEncoder(stdout).Encode(a); err != nil {
		return 1
	}
	return 0
}

// watchMemory calls exceeded once the live heap passes limit, checking
// every few milliseconds: a runaway allocation is stopped within a few
// tens of megabytes of the budget.
func watchMemory(limit uint64, exceeded func()) {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	for range time.Tick(5 * time.Millisecond) {
		metrics.Read(sample)
		if sample[0].Value.Kind() == metrics.KindUint64 && sample[0].Value.Uint64() > limit {
			exceeded()
			return
		}
	}
}

// limitedWriter keeps the first n bytes written and drops the rest.
type limitedWriter struct {
	w io.Writer
	n int
}

func (l *limitedWriter) Write(p []byte) (int, error) {
	if l.n <= 0 {
		return len(p), nil
	}
	k := min(len(p), l.n)
	l.n -= k
	if _, err := l.w.Write(p[:k]); err != nil {
		return 0, err
	}
	return len(p), nil
}
