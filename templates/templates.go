// Package templates holds irsagen's built-in Jsonnet library, embedded in the binary.
//
// Policy templates import it as 'irsagen/...': generator/jsonnet mounts FS at the irsagen/
// prefix of the config directory, so the library needs no install step and always matches the
// irsagen version that evaluates it. Files here are Jsonnet sources, not Go; adding one needs no
// Go change because the whole irsagen/ tree is embedded.
package templates

import "embed"

// FS holds the library under irsagen/, the same path templates use to import it
// (irsagen/lib.libsonnet is import 'irsagen/lib.libsonnet').
//
//go:embed irsagen
var FS embed.FS
