// Package golden holds the end-to-end cases of irsagen: each directory here and under examples/
// is an irsa.yaml with either the output tree it must render (out/) or the exact error output it
// must give (stderr). One test walks them all; GOLDIE_UPDATE=true (make golden) rewrites them.
package golden
