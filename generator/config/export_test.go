package config

import "testing"

// Parallel sets, for one test, the shortest list of ServiceAccounts validated on every CPU:
// zero validates every list that way, a huge value none.
func Parallel(t testing.TB, minItems int) {
	old := parallelItems
	parallelItems = minItems
	t.Cleanup(func() { parallelItems = old })
}
