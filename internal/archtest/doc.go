// Package archtest holds one test: the import rules that keep shiplog's
// data flowing one way (load → model → render → write) and its leaf
// packages free of the build. It has no code of its own.
package archtest
