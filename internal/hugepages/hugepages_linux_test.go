package hugepages

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unsafe"
)

// vma is one mapping of /proc/self/smaps.
type vma struct {
	lo, hi        uintptr
	flags         []string
	anonHugePages int // kB
}

func mappings() ([]vma, error) {
	b, err := os.ReadFile("/proc/self/smaps")
	if err != nil {
		return nil, err
	}
	var out []vma
	for line := range strings.SplitSeq(string(b), "\n") {
		field, rest, _ := strings.Cut(line, " ")
		if lo, hi, ok := strings.Cut(field, "-"); ok && !strings.HasSuffix(field, ":") {
			a, err1 := strconv.ParseUint(lo, 16, 64)
			b, err2 := strconv.ParseUint(hi, 16, 64)
			if err1 == nil && err2 == nil {
				out = append(out, vma{lo: uintptr(a), hi: uintptr(b)})
				continue
			}
		}
		if len(out) == 0 {
			continue
		}
		switch field {
		case "VmFlags:":
			out[len(out)-1].flags = strings.Fields(rest)
		case "AnonHugePages:":
			out[len(out)-1].anonHugePages, _ = strconv.Atoi(strings.Fields(rest)[0])
		}
	}
	return out, nil
}

func rssKB() (int, error) {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, err
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			return strconv.Atoi(strings.Fields(v)[0])
		}
	}
	return 0, errors.New("no VmRSS in /proc/self/status")
}

const childEnv = "IRSAGEN_HUGEPAGES_CHILD"

// TestMain runs checkReserve instead of the tests in the process TestReserve starts: Reserve
// works only before the first collection, which a test binary has long passed by its tests.
func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "freed-stack" {
		// A goroutine whose stack grew, then ended: its pages go back to the heap, used.
		done := make(chan int)
		go func() { done <- deep(2000) }()
		<-done
		if _, _, ok := reserve(128 << 20); ok {
			fmt.Println("reserve went ahead with freed pages in the heap, where its allocation may be zeroed whole")
			os.Exit(1)
		}
		os.Exit(0)
	}
	if os.Getenv(childEnv) != "" {
		problems, err := checkReserve()
		if err != nil {
			fmt.Println("cannot check:", err)
			os.Exit(2)
		}
		for _, p := range problems {
			fmt.Println(p)
		}
		if len(problems) > 0 {
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// TestReserve checks the whole bargain in a fresh process: the range is advised, it was not
// touched, and the heap then grows into it.
func TestReserve(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector's runtime touches every allocation")
	}
	if thpMode() != "madvise" || disabledByGODEBUG(os.Getenv("GODEBUG")) || !roomy() {
		t.Skipf("transparent huge pages are %q here, GODEBUG=%q, room for the reservation %v: Reserve has nothing to do",
			thpMode(), os.Getenv("GODEBUG"), roomy())
	}
	for range 3 { // the zeroing it once did happened one run in twenty
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), childEnv+"=reserve")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%v:\n%s", err, out)
		}
		t.Logf("%s", out)
	}
}

// checkReserve calls reserve first thing in a process and returns what is wrong.
func checkReserve() ([]string, error) {
	const size = 128 << 20
	var problems []string
	before, err := rssKB()
	if err != nil {
		return nil, err
	}
	lo, hi, ok := reserve(size)
	if !ok {
		return []string{"reserve refused although the kernel gives huge pages on request and nothing was collected yet"}, nil
	}
	after, err := rssKB()
	if err != nil {
		return nil, err
	}
	if grew := after - before; grew > size/4>>10 {
		problems = append(problems, fmt.Sprintf("reserving %d MiB of address space grew the resident set by %d kB: the range was touched", size>>20, grew))
	}
	if hi-lo < size/2 {
		return append(problems, fmt.Sprintf("advised range [%#x, %#x) is far smaller than %d bytes", lo, hi, size)), nil
	}

	maps, err := mappings()
	if err != nil {
		return nil, err
	}
	advised := 0
	for _, m := range maps {
		if m.hi <= lo || m.lo >= hi {
			continue
		}
		if !slices.Contains(m.flags, "hg") {
			problems = append(problems, fmt.Sprintf("mapping %#x-%#x within the reserved range lacks the hg (MADV_HUGEPAGE) flag: %v", m.lo, m.hi, m.flags))
		}
		advised += int(min(m.hi, hi) - max(m.lo, lo))
	}
	if advised != int(hi-lo) {
		problems = append(problems, fmt.Sprintf("mappings cover %d of the %d advised bytes", advised, hi-lo))
	}

	// What the process allocates next lands in the range: without that the advice is wasted.
	var keep [][]byte
	in := 0
	for range 32 {
		b := make([]byte, 1<<20)
		for i := 0; i < len(b); i += 4096 {
			b[i] = 1
		}
		keep = append(keep, b)
		if p := uintptr(unsafe.Pointer(unsafe.SliceData(b))); p >= lo && p < hi {
			in++
		}
	}
	if in < len(keep)*3/4 {
		problems = append(problems, fmt.Sprintf("%d of %d later allocations of 1 MiB landed in the advised range [%#x, %#x)", in, len(keep), lo, hi))
	}
	if maps, err = mappings(); err != nil {
		return nil, err
	}
	huge := 0
	for _, m := range maps {
		if m.hi > lo && m.lo < hi {
			huge += m.anonHugePages
		}
	}
	fmt.Printf("resident set grew %d kB on reserving; %d of %d allocations in the range; %d kB of it on huge pages\n",
		after-before, in, len(keep), huge)
	return problems, nil
}

// deep needs a stack of some hundreds of kilobytes.
//
//go:noinline
func deep(n int) int {
	var pad [256]byte
	pad[n%256] = byte(n)
	if n == 0 {
		return int(pad[0])
	}
	return deep(n-1) + int(pad[n%256])
}

func TestReserveAfterFreedStack(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"=freed-stack")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%v:\n%s", err, out)
	}
}

func TestReserveAfterCollection(t *testing.T) {
	runtime.GC()
	if _, _, ok := reserve(DefaultSize); ok {
		t.Error("reserve went ahead after a collection, where its allocation may be zeroed whole")
	}
}

func TestNotUnderMemoryLimit(t *testing.T) {
	t.Setenv("GOMEMLIMIT", "1GiB")
	if roomy() {
		t.Error("roomy() with GOMEMLIMIT set: the reservation would count against the limit")
	}
}

func TestDisabledByGODEBUG(t *testing.T) {
	for godebug, want := range map[string]bool{
		"":                             false,
		"disablethp=1":                 true,
		"disablethp=0":                 false,
		"gctrace=1,disablethp=1":       true,
		"disablethp=1,disablethp=0":    false,
		" disablethp=1 ":               true,
		"xdisablethp=1":                false,
		"disablethp":                   false,
		"madvdontneed=1,disablethp=10": false,
	} {
		if got := disabledByGODEBUG(godebug); got != want {
			t.Errorf("disabledByGODEBUG(%q) = %v, want %v", godebug, got, want)
		}
	}
}

func TestThpModeParses(t *testing.T) {
	mode := thpMode()
	if _, err := os.Stat(thpDir + "enabled"); err != nil {
		if mode != "" {
			t.Errorf("thpMode() = %q without %senabled", mode, thpDir)
		}
		return
	}
	if mode != "always" && mode != "madvise" && mode != "never" {
		t.Errorf("thpMode() = %q, want always, madvise or never", mode)
	}
}
