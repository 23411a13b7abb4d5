//go:build unix

// Command bench-process measures irsagen as CI runs it: whole processes on synthetic configs
// (internal/synth) of 100, 1,000 and 10,000 ServiceAccounts. For each size it runs, several
// times, `irsagen generate` into an empty directory, `irsagen generate` again on the result
// (nothing to write), `irsagen diff` on the result, and `cp -r` of the result, the cost of
// merely copying the same tree in the same run. It prints a Markdown table of the median wall
// time and the peak resident memory of each, then the targets of issue 5.
//
//	make build && go run ./internal/synth/cmd/bench-process -bin bin/irsagen
//
// It runs on Unix: peak memory comes from getrusage.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/irsagen/irsagen/internal/synth"
)

// run is one measured process.
type run struct {
	wall time.Duration
	cpu  time.Duration // user + system
	rss  int64         // peak resident set, bytes
}

// result is the runs of one command at one size.
type result []run

func (r result) median() run {
	s := slices.Clone(r)
	slices.SortFunc(s, func(a, b run) int { return int(a.wall - b.wall) })
	m := s[len(s)/2]
	for _, x := range r {
		m.rss = max(m.rss, x.rss)
	}
	return m
}

func main() {
	bin := flag.String("bin", "bin/irsagen", "the irsagen binary to measure")
	sizes := flag.String("sizes", "100,1000,10000", "ServiceAccounts per synthetic config")
	runs := flag.Int("runs", 5, "runs of each command; the table shows the median wall time and the highest peak memory")
	work := flag.String("dir", "", "scratch directory (default: a new temporary directory, removed at the end)")
	flag.Parse()

	binPath, err := filepath.Abs(*bin)
	check(err)
	dir := *work
	if dir == "" {
		dir, err = os.MkdirTemp("", "irsagen-bench-")
		check(err)
		defer os.RemoveAll(dir)
	}

	type row struct {
		n                             int
		files                         int
		bytes                         int64
		generate, noop, diff, copyRun run
	}
	var rows []row
	for _, field := range strings.Split(*sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(field))
		check(err)
		sizeDir := filepath.Join(dir, strconv.Itoa(n))
		check(os.MkdirAll(sizeDir, 0o755))
		cfg, err := synth.WriteConfig(sizeDir, n)
		check(err)
		var gen, noop, diff, cpr result
		var out string
		for i := range *runs {
			// Every run writes a tree of its own, and the trees are removed only at the end. On
			// ext4 without a journal, creating files just after deleting thousands takes several
			// times longer (the allocator skips inodes freed in the last minutes, testing each),
			// which would measure this tool's own clean-up rather than a fresh checkout.
			out = filepath.Join(sizeDir, fmt.Sprintf("out-%d", i))
			cp := filepath.Join(sizeDir, fmt.Sprintf("copy-%d", i))
			gen = append(gen, measure(binPath, "generate", "-c", cfg, "-o", out))
			noop = append(noop, measure(binPath, "generate", "-c", cfg, "-o", out))
			diff = append(diff, measure(binPath, "diff", "-c", cfg, "-o", out))
			cpr = append(cpr, measure("cp", "-r", out, cp))
		}
		files, bytes := treeSize(out)
		rows = append(rows, row{n, files, bytes, gen.median(), noop.median(), diff.median(), cpr.median()})
		fmt.Fprintf(os.Stderr, "bench-process: %d ServiceAccounts done\n", n)
	}

	fmt.Printf("%d runs each: median wall time, its CPU time (user + system), highest peak RSS. %s, %d CPUs, %s.\n\n",
		*runs, runtime.Version(), runtime.NumCPU(), time.Now().UTC().Format("2006-01-02"))
	fmt.Println("| ServiceAccounts | files, MB | command | wall | CPU | peak RSS | wall ÷ cp -r |")
	fmt.Println("|---:|---:|---|---:|---:|---:|---:|")
	for _, r := range rows {
		for _, c := range []struct {
			name string
			run  run
		}{{"generate, empty dir", r.generate}, {"generate, up to date", r.noop}, {"diff, up to date", r.diff}, {"cp -r of the tree", r.copyRun}} {
			fmt.Printf("| %d | %d, %.1f | %s | %.2f s | %.2f s | %d MB | %.1f× |\n", r.n, r.files, float64(r.bytes)/1e6, c.name,
				c.run.wall.Seconds(), c.run.cpu.Seconds(), c.run.rss>>20, c.run.wall.Seconds()/r.copyRun.wall.Seconds())
		}
	}
	if len(rows) < 2 {
		return
	}
	big, small := rows[len(rows)-1], rows[len(rows)-2]
	fmt.Printf("\nTargets at %d ServiceAccounts:\n", big.n)
	target := func(ok bool, format string, args ...any) {
		mark := "holds"
		if !ok {
			mark = "MISSED"
		}
		fmt.Printf("- %s: %s\n", fmt.Sprintf(format, args...), mark)
	}
	target(big.generate.wall < time.Second, "generate into an empty directory < 1 s (%.2f s)", big.generate.wall.Seconds())
	target(big.generate.rss < 200<<20, "generate peak RSS < 200 MB (%d MB)", big.generate.rss>>20)
	target(big.diff.wall < time.Second, "diff on an up-to-date tree < 1 s (%.2f s)", big.diff.wall.Seconds())
	for _, c := range []struct {
		name       string
		big, small run
	}{{"generate", big.generate, small.generate}, {"diff", big.diff, small.diff}} {
		ratio := c.big.wall.Seconds() / c.small.wall.Seconds()
		target(ratio <= 12, "%s at %d within 12× of %d (%.1f×)", c.name, big.n, small.n, ratio)
	}
}

// measure runs a command and reports its wall time, CPU time and peak memory. A diff that finds
// differences, or any other failure, stops the benchmark: the numbers would mean nothing. Dirty
// pages are written out first, so that no command pays for the writes or deletions before it.
func measure(name string, args ...string) run {
	syscall.Sync()
	cmd := exec.Command(name, args...)
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = nil, &stderr
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	if err != nil {
		fmt.Fprintf(os.Stderr, "bench-process: %s %s: %v\n%s", name, strings.Join(args, " "), err, stderr.Bytes())
		os.Exit(1)
	}
	r := run{wall: wall, cpu: cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.rss = int64(ru.Maxrss)
		if runtime.GOOS != "darwin" {
			r.rss *= 1024 // kilobytes everywhere but macOS
		}
	}
	return r
}

func treeSize(dir string) (files int, size int64) {
	check(filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		files++
		size += info.Size()
		return err
	}))
	return files, size
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench-process:", err)
		os.Exit(1)
	}
}
