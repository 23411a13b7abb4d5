package config

import (
	"testing"

	"go.yaml.in/yaml/v3"
)

// ParseSplit parses data in pieces of about pieceBytes on four goroutines. ok is false when the
// file does not split or a piece fails.
func ParseSplit(data []byte, pieceBytes int) (root *yaml.Node, nodes int, alias, ok bool) {
	root, stats, ok := parseSplit(data, pieceBytes, 4, nil)
	return root, stats.nodes, stats.alias, ok
}

// Parallel sets, for one test, the smallest file that Parse cuts into pieces, the size of the
// pieces, and the shortest list of objects decoded on every CPU. Zero for the first and third
// makes Parse split every file it can and decode every list in parallel; a huge value turns them
// off.
func Parallel(t testing.TB, minBytes, pieceBytes, minItems int) {
	oldMin, oldPiece, oldItems := splitMinBytes, splitPieceBytes, parallelItems
	splitMinBytes, splitPieceBytes, parallelItems = minBytes, pieceBytes, minItems
	t.Cleanup(func() { splitMinBytes, splitPieceBytes, parallelItems = oldMin, oldPiece, oldItems })
}
