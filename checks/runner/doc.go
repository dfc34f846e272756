// Package runner runs a check profile: every probe of every target expected
// on the network being tested, concurrently but bounded, each within the
// profile's timeout, so that a whole profile takes about as long as its
// slowest probe. Results stream out as they finish; the final Run holds them
// in profile order, ready to be stored as evidence.
//
// The runner only schedules. It does not measure (checks/probe), explain
// (checks/diagnose) or store (sync/store) anything.
package runner
