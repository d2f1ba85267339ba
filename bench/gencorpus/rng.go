package main

// rng is a SplitMix64 generator. It is written out here rather than taken
// from math/rand so that the corpus for a given seed stays byte-identical
// across Go releases: the standard library reserves the right to change how
// its helpers (IntN, Shuffle, ...) consume the underlying stream.
type rng struct{ state uint64 }

// newRNG returns a generator that starts from seed.
func newRNG(seed uint64) *rng { return &rng{state: seed} }

// mix64 is the SplitMix64 output function: a bijective avalanche of x.
func mix64(x uint64) uint64 {
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}

// derive combines a seed with a path of numbers into an independent seed, so
// that entry i gets a stream of its own from (seed, i), and each entry splits
// its stream further into text, id, photo and hero streams.
func derive(seed uint64, path ...uint64) uint64 {
	h := mix64(seed ^ 0x536869706c6f6721) // "Shiplog!"
	for _, p := range path {
		h = mix64(h ^ mix64(p+0x9e3779b97f4a7c15))
	}
	return h
}

// next returns the next 64 pseudo-random bits.
func (r *rng) next() uint64 {
	r.state += 0x9e3779b97f4a7c15
	return mix64(r.state)
}

// intn returns a number in [0, n). The modulo bias is below 2^-50 for the
// small n used here, which is irrelevant for a text corpus.
func (r *rng) intn(n int) int {
	if n <= 0 {
		panic("rng.intn: n must be positive")
	}
	return int(r.next() % uint64(n))
}

// between returns a number in [lo, hi], both inclusive.
func (r *rng) between(lo, hi int) int { return lo + r.intn(hi-lo+1) }

// float returns a number in [0, 1).
func (r *rng) float() float64 { return float64(r.next()>>11) / (1 << 53) }

// chance reports true with probability p.
func (r *rng) chance(p float64) bool { return r.float() < p }

// weighted returns index i with probability weights[i] / sum(weights).
func (r *rng) weighted(weights []int) int {
	total := 0
	for _, w := range weights {
		total += w
	}
	x := r.intn(total)
	for i, w := range weights {
		if x < w {
			return i
		}
		x -= w
	}
	return len(weights) - 1
}

// pick returns a random element of xs.
func pick[T any](r *rng, xs []T) T { return xs[r.intn(len(xs))] }

// sample returns k distinct elements of xs in random order.
func sample[T any](r *rng, xs []T, k int) []T {
	idx := make([]int, len(xs))
	for i := range idx {
		idx[i] = i
	}
	k = min(k, len(xs))
	out := make([]T, k)
	for i := range k {
		j := i + r.intn(len(idx)-i)
		idx[i], idx[j] = idx[j], idx[i]
		out[i] = xs[idx[i]]
	}
	return out
}
