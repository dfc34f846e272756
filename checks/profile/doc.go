// Package profile reads check profiles: the data that says which targets a
// technician's laptop should reach on which network, with which probes and
// which warn and fail limits. The shipped profile for Ninh Bình lives in
// assets/profiles; a coordinator may edit it or replace it from the hub, so
// Parse refuses a broken profile with the file, the line and the reason.
//
// The package only describes what to run. It never touches the network:
// running a profile is the job of checks/runner, measuring that of
// checks/probe.
package profile
