// Package hugepages lets a short-lived process back its Go heap with transparent huge pages.
//
// The Go runtime maps its heap with ordinary 4 KiB pages and, since Go 1.21.1, never asks for
// huge ones. Where the kernel gives transparent huge pages only on request
// (/sys/kernel/mm/transparent_hugepage/enabled is "madvise", the default of Debian and Ubuntu),
// every 4 KiB of heap a process touches for the first time costs a page fault. In a virtual
// machine that fault can cost 20 µs: on the 2-CPU machine of docs/benchmarks.md, the 36,000 faults
// of a diff of 10,000 ServiceAccounts took 0.6 s of its 2.6 CPU-seconds. With 2 MiB pages, 80
// faults do the same.
package hugepages

// DefaultSize is how much heap Reserve is given by irsagen: more than the 160 MB a run over
// 10,000 ServiceAccounts uses at its peak. Only address space is reserved; memory the heap never
// touches costs nothing.
const DefaultSize = 256 << 20
