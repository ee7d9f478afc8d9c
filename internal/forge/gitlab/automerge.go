package gitlab

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	gl "gitlab.com/gitlab-org/api/client-go"

	"github.com/gitops-promote/promote/internal/forge/retry"
)

// DefaultPipelineWait is how long promote waits, at most, for GitLab to
// create a merge request's pipeline before asking for auto-merge.
const DefaultPipelineWait = 2 * time.Minute

// ciConfig is the file that gives a project its pipelines.
const ciConfig = ".gitlab-ci.yml"

// errNoPipeline says the pipeline did not appear within the wait.
var errNoPipeline = errors.New("no pipeline yet")

// autoMerge asks GitLab to merge mr once its checks pass. GitLab creates
// a merge request's pipeline asynchronously and refuses auto-merge until
// it exists, so when commit holds a CI configuration promote waits for
// the pipeline of commit, with backoff, within the run's time; without
// one the project has no pipeline to wait for and GitLab merges once the
// other checks (approvals, threads) pass. It reports whether auto-merge
// was set; when it was not, the user is told what happened and what the
// next run does.
func (f *Forge) autoMerge(ctx context.Context, mr *gl.BasicMergeRequest, commit string) bool {
	if !f.hasCI(commit) {
		return f.setAutoMerge(ctx, mr, "its checks (the project has no "+ciConfig+")")
	}
	waited, err := f.waitPipeline(ctx, mr.IID, commit)
	if errors.Is(err, errNoPipeline) {
		f.Notef("auto-merge is not set on merge request !%d: GitLab had not created the pipeline for %.12s after %s. The next promote run sets it while that pipeline runs; until then the merge request stays open for a manual merge", mr.IID, commit, waited.Round(time.Second))
		return false
	}
	if err != nil {
		f.Notef("auto-merge is not set on merge request !%d: looking for its pipeline failed (%v). The next promote run sets it while the pipeline runs; until then the merge request stays open for a manual merge", mr.IID, err)
		return false
	}
	return f.setAutoMerge(ctx, mr, "its pipeline")
}

// setAutoMerge sends the request that sets auto-merge; what names what
// the merge waits for, in messages.
func (f *Forge) setAutoMerge(ctx context.Context, mr *gl.BasicMergeRequest, what string) bool {
	yes := true // merge_when_pipeline_succeeds for instances before GitLab 17
	_, _, err := f.API.MergeRequests.AcceptMergeRequest(f.Project, mr.IID, &gl.AcceptMergeRequestOptions{AutoMerge: &yes, MergeWhenPipelineSucceeds: &yes}, gl.WithContext(ctx))
	if err != nil {
		f.Notef("auto-merge is not set on merge request !%d (GitLab refused to merge it after %s: %v). It stays open for a manual merge; promote asks again the next time it pushes a change to %s", mr.IID, what, err, mr.SourceBranch)
		return false
	}
	mr.MergeWhenPipelineSucceeds = true
	return true
}

// waitPipeline polls the merge request's pipelines until one runs for
// commit, doubling the pause from one second, for at most PipelineWait
// and never past the context's deadline. It returns how long it waited.
func (f *Forge) waitPipeline(ctx context.Context, iid int64, commit string) (time.Duration, error) {
	limit := f.PipelineWait
	if limit <= 0 {
		limit = DefaultPipelineWait
	}
	if dl, ok := ctx.Deadline(); ok {
		// Leave half of what remains for the rest of the run.
		limit = min(limit, time.Until(dl)/2)
	}
	var waited time.Duration
	pause := time.Second
	for {
		pipes, _, err := f.API.MergeRequests.ListMergeRequestPipelines(f.Project, iid, gl.WithContext(ctx))
		if err != nil {
			return waited, err
		}
		for _, p := range pipes {
			if p.SHA == commit {
				return waited, nil
			}
		}
		if waited+pause > limit {
			return waited, errNoPipeline
		}
		if err := f.sleep(ctx, pause); err != nil {
			return waited, err
		}
		waited += pause
		pause *= 2
	}
}

func (f *Forge) sleep(ctx context.Context, d time.Duration) error {
	sleep := f.Sleep
	if sleep == nil {
		sleep = retry.Sleep
	}
	if err := sleep(ctx, d); err != nil {
		return fmt.Errorf("waiting for the pipeline: %w", err)
	}
	return nil
}

// hasCI reports whether commit holds a CI configuration. When the commit
// cannot be read, the project is taken to have CI (wait for a pipeline).
func (f *Forge) hasCI(commit string) bool {
	if f.Remote == nil || f.Remote.Repo == nil {
		return true
	}
	c, err := f.Remote.Repo.Git().CommitObject(plumbing.NewHash(commit))
	if err != nil {
		return true
	}
	_, err = c.File(ciConfig)
	return err == nil
}
