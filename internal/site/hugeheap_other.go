//go:build !linux

package site

// hugeHeap does nothing off Linux; see hugeheap_linux.go.
func hugeHeap() {}
