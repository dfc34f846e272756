// Package survey is the checklist engine. It reads a checklist definition
// (assets/checklist/checklist.yaml or a newer one from the hub), refuses a
// malformed one with the line of the mistake, and works with the officer's
// answers: it parses what was typed the Vietnamese or the English way,
// validates values, decides which questions are relevant, and measures how far
// each section has got.
//
// It is pure logic: it never stores, sends or draws anything, and it reads no
// file other than the definition embedded in mach/assets.
package survey
