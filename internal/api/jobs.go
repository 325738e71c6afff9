package api

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/kassapay/kassa/internal/store"
)

// JobKindStats counts one kind of job by state, as River holds them.
type JobKindStats struct {
	Kind      string `json:"kind"`
	Pending   int    `json:"pending" doc:"Waiting to run: available now or scheduled for later."`
	Running   int    `json:"running"`
	Completed int    `json:"completed" doc:"Finished in the last 24 hours (River keeps completed jobs that long)."`
	Failed    int    `json:"failed" doc:"Given up after their last attempt (discarded)."`
	Retrying  int    `json:"retrying" doc:"Failed an attempt and wait for the next."`
}

// WorkerStatus says whether job workers run.
type WorkerStatus struct {
	Alive        bool       `json:"alive" doc:"This instance runs workers, or some instance's workers reported to the queue in the last 15 minutes."`
	ThisInstance string     `json:"this_instance" enum:"running,stopped,not_running_here"`
	LastReportAt *time.Time `json:"last_report_at" doc:"When any instance's workers last reported their queues (at start, then every 10 minutes)."`
}

// JobStats is the body of GET /api/v1/jobs/stats.
type JobStats struct {
	Object  string         `json:"object" enum:"job_stats"`
	Kinds   []JobKindStats `json:"kinds"`
	Total   JobKindStats   `json:"total" doc:"All kinds together (kind is \"all\")."`
	Workers WorkerStatus   `json:"workers"`
}

// JobStatsOutput wraps JobStats.
type JobStatsOutput struct {
	Body JobStats
}

var getJobStatsOp = huma.Operation{OperationID: "get-job-stats", Method: http.MethodGet, Path: "/api/v1/jobs/stats",
	Tags: []string{"Operations"}, Summary: "Background job statistics",
	Description: "Counts of the instance's background jobs (order payments, refunds, webhook deliveries, recovery, sweeps) by kind and state, " +
		"read from the job queue, and whether workers are alive. The queue is shared by every merchant of the instance."}

func (s *Server) getJobStats(ctx context.Context, _ *struct{}) (*JobStatsOutput, error) {
	jobs := s.gw.Store().Jobs()
	counts, err := jobs.Counts(ctx)
	if err != nil {
		return nil, err
	}
	out := JobStats{Object: "job_stats", Kinds: []JobKindStats{}, Total: JobKindStats{Kind: "all"}}
	for _, kind := range s.opts.JobKinds {
		k := JobKindStats{Kind: kind}
		for state, field := range map[store.JobState]*int{
			store.JobAvailable: &k.Pending, store.JobScheduled: &k.Pending, store.JobRunning: &k.Running,
			store.JobCompleted: &k.Completed, store.JobDiscarded: &k.Failed, store.JobRetryable: &k.Retrying,
		} {
			*field += counts[kind][state]
		}
		out.Total.Pending += k.Pending
		out.Total.Running += k.Running
		out.Total.Completed += k.Completed
		out.Total.Failed += k.Failed
		out.Total.Retrying += k.Retrying
		out.Kinds = append(out.Kinds, k)
	}
	last, err := jobs.LatestQueueReport(ctx)
	if err != nil {
		return nil, err
	}
	out.Workers.ThisInstance = s.opts.QueueStatus()
	if !last.IsZero() {
		out.Workers.LastReportAt = &last
	}
	out.Workers.Alive = out.Workers.ThisInstance == "running" || !last.IsZero() && time.Since(last) < 15*time.Minute
	return &JobStatsOutput{Body: out}, nil
}

// registerJobs registers the routes of job statistics.
func (s *Server) registerJobs() {
	register(s, authSecret, getJobStatsOp, s.getJobStats)
}
