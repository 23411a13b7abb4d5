//go:build race

package hugepages

// raceEnabled is set under the race detector, whose runtime touches shadow memory for every
// allocation: the reservation cannot stay untouched there.
const raceEnabled = true
