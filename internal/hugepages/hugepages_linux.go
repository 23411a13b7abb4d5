package hugepages

import (
	"os"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"unsafe"

	"golang.org/x/sys/unix"
)

const thpDir = "/sys/kernel/mm/transparent_hugepage/"

// Reserve makes the Go heap grow into size bytes that the kernel backs with transparent huge
// pages, and reports whether it did. It does nothing when the kernel already gives huge pages to
// every mapping ("always") or to none ("never"), when GODEBUG has disablethp=1, Go's own switch
// for turning huge pages off, or where reserving the address space could do harm (roomy).
//
// It allocates size bytes, which the runtime maps fresh from the kernel and does not touch,
// advises the kernel to use huge pages for them (MADV_HUGEPAGE), and frees them again with a
// collection. The runtime hands out free heap pages lowest address first, so the allocations
// that follow fill that range before the heap grows anywhere else (TestReserve).
//
// Call it first thing in main, before changing GOGC: it does nothing once the heap has pages that
// were used and freed (collected), which the runtime must zero before reuse: an allocation of
// size bytes that began among them would be zeroed whole, touching every page of it.
func Reserve(size int) bool {
	_, _, ok := reserve(size)
	return ok
}

// reserve is Reserve, also returning the advised address range [lo, hi).
func reserve(size int) (lo, hi uintptr, ok bool) {
	if disabledByGODEBUG(os.Getenv("GODEBUG")) || thpMode() != "madvise" || collected() || !roomy() {
		return 0, 0, false
	}
	huge := uintptr(hugePageSize())
	if huge == 0 || uintptr(size) < 2*huge {
		return 0, 0, false
	}
	b := make([]byte, size)
	addr := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	lo, hi = alignUp(addr, huge), alignDown(addr+uintptr(size), huge)
	err := unix.Madvise(b[lo-addr:hi-addr], unix.MADV_HUGEPAGE)
	b = nil
	// Collect now, while b is the only large thing in the heap: were the next collection to find
	// it still referenced, the heap goal would start at 1.4 times size.
	runtime.GC()
	return lo, hi, err == nil
}

// roomy reports whether a mapping of a few hundred megabytes that is never touched is harmless:
// not on a 32-bit system, where it would take a large part of the address space; not where the
// kernel counts every mapping against a fixed commit limit (vm.overcommit_memory 2), where it
// could make the runtime fail for want of memory; not under a GOMEMLIMIT, which counts it.
func roomy() bool {
	if unsafe.Sizeof(uintptr(0)) < 8 || os.Getenv("GOMEMLIMIT") != "" {
		return false
	}
	b, err := os.ReadFile("/proc/sys/vm/overcommit_memory")
	return err == nil && strings.TrimSpace(string(b)) != "2"
}

// collected reports whether the heap may hold pages that were used and freed: after a
// collection, or after a goroutine whose stack had grown ended, which gives the stack's pages back
// to the heap without one. An allocation that started among such pages would be zeroed whole.
func collected() bool {
	sample := []metrics.Sample{
		{Name: "/gc/cycles/total:gc-cycles"},
		{Name: "/memory/classes/heap/free:bytes"},
	}
	metrics.Read(sample)
	for _, s := range sample {
		if s.Value.Kind() != metrics.KindUint64 || s.Value.Uint64() > 0 {
			return true
		}
	}
	return false
}

// disabledByGODEBUG reports whether godebug (the GODEBUG variable: comma-separated name=value,
// the last setting of a name winning) sets disablethp to 1.
func disabledByGODEBUG(godebug string) bool {
	off := false
	for kv := range strings.SplitSeq(godebug, ",") {
		if name, value, ok := strings.Cut(strings.TrimSpace(kv), "="); ok && name == "disablethp" {
			off = value == "1"
		}
	}
	return off
}

// thpMode is the bracketed word of the kernel's transparent_hugepage/enabled: "always",
// "madvise" or "never"; "" if the kernel has no transparent huge pages.
func thpMode() string {
	b, err := os.ReadFile(thpDir + "enabled")
	if err != nil {
		return ""
	}
	_, rest, ok := strings.Cut(string(b), "[")
	mode, _, ok2 := strings.Cut(rest, "]")
	if !ok || !ok2 {
		return ""
	}
	return mode
}

// hugePageSize is the size of a transparent huge page, 0 if unknown.
func hugePageSize() int {
	b, err := os.ReadFile(thpDir + "hpage_pmd_size")
	if err != nil {
		return 0
	}
	n, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || n <= 0 || n&(n-1) != 0 {
		return 0
	}
	return n
}

func alignUp(n, a uintptr) uintptr   { return (n + a - 1) &^ (a - 1) }
func alignDown(n, a uintptr) uintptr { return n &^ (a - 1) }
