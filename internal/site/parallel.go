package site

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
)

// workerPanic holds what a worker panicked with (atomic.Value needs one
// concrete type).
type workerPanic struct{ v any }

// parallel calls f(0) … f(n-1) on all cores, stopping early when ctx is
// done. A panic in f is turned into a panic of the caller, never a crash
// of a worker.
func parallel(ctx context.Context, n int, f func(i int)) {
	next := atomic.Int64{}
	var wg sync.WaitGroup
	var panicked atomic.Value
	for range min(runtime.GOMAXPROCS(0), n) {
		wg.Go(func() {
			defer func() {
				if p := recover(); p != nil {
					panicked.CompareAndSwap(nil, workerPanic{p})
				}
			}()
			for ctx.Err() == nil {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				f(i)
			}
		})
	}
	wg.Wait()
	if p := panicked.Load(); p != nil {
		panic(p.(workerPanic).v) // as it was, so a recover up the stack reads its message
	}
}
