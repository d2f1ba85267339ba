//go:build !linux

package hugeheap

// Reserve does nothing off Linux; see hugeheap_linux.go.
func Reserve() bool { return false }

// Reserved reports false off Linux.
func Reserved() bool { return false }

// Release does nothing off Linux.
func Release() {}
