// Package report prints what the service layer returns (plans, status,
// history, drift) as text and markdown for the front ends, so that a
// front end is flags, one service call and one of these.
package report
