// Package progress reports the progress of long work on a terminal: a
// counter line ("rendering 4,120/10,000 apps") rewritten in place, shown
// only once the work has taken more than a moment.
package progress
