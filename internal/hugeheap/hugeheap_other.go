//go:build !linux

package hugeheap

// Reserve does nothing off Linux; see hugeheap_linux.go.
func Reserve(size int) bool { return false }

// Reserved returns 0 off Linux.
func Reserved() int { return 0 }

// Release does nothing off Linux.
func Release() {}
