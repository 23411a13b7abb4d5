package output

import (
	"sync"
	"sync/atomic"
)

// Prefetched is a reading of DIR that started before the generated files were known; see
// Prefetch.
type Prefetched struct {
	dir  string
	stop atomic.Bool
	done chan struct{} // closed when the reading is over

	mu    sync.Mutex
	taken bool // by a consumer or by Close: nobody else gets the snapshot

	// Set by the reading goroutine before done is closed.
	snap *snapshot
	err  error
}

// Prefetch starts reading DIR in the background and returns at once. It reads what can be read
// before the generated files are known: the manifest, and every file the manifest lists, with
// its type, its permissions and the SHA-256 of its content. It does not keep the content: that
// would hold as much memory as the generated tree while the tree is being built, and only the
// files that differ need it. Like Diff, it never writes.
//
// Pass the result in Options.Prefetched to one Diff, NewPlan or Write for the same dir. They wait
// for the reading to end, then read only the generated files it did not cover. Nothing read early
// is trusted more than a reading made then: Diff reads the files whose changes it shows again and
// checks them against their hashes, reading all of DIR again if one has changed, and Apply reads
// all of DIR again before it writes anything, as it always does. An error met while prefetching
// (a symbolic link, an invalid manifest) is not reported; the consumer then reads DIR from the
// start and reports what it finds.
//
// Close releases a reading that was not used; it is safe to call in any case.
func Prefetch(dir string, opts Options) *Prefetched {
	p := &Prefetched{dir: dir, done: make(chan struct{})}
	go func() {
		defer close(p.done)
		p.snap, p.err = p.read(opts)
	}()
	return p
}

func (p *Prefetched) read(opts Options) (*snapshot, error) {
	fsys, err := openDir(p.dir, opts)
	if err != nil {
		return nil, err
	}
	t := newTree(p.dir, fsys)
	t.stop = &p.stop
	s := &snapshot{tree: t}
	err = s.readManifest(nil)
	t.close()
	if err != nil {
		return nil, err
	}
	// DIR is needed again only for the generated files the manifest does not list and for the
	// files that differ; until then, one descriptor per directory is not worth holding.
	t.reopen = func() (FS, error) { return openDir(p.dir, opts) }
	return s, nil
}

// take waits for the reading to end and hands its snapshot, which opens DIR again when it needs
// to, to the one consumer that asks for dir. It returns nil to anyone else, or if the reading
// failed.
func (p *Prefetched) take(dir string) *snapshot {
	if p == nil || p.dir != dir {
		return nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.taken {
		return nil
	}
	p.taken = true
	<-p.done
	s := p.snap
	p.snap = nil
	if s != nil {
		s.tree.stop = nil // the consumer's now, whatever Close does
	}
	return s
}

// Close stops the reading if it is still going, waits for it, and releases what it holds unless
// a Diff or NewPlan took it.
func (p *Prefetched) Close() {
	if p == nil {
		return
	}
	p.stop.Store(true)
	p.mu.Lock()
	defer p.mu.Unlock()
	p.taken = true
	<-p.done
	if p.snap != nil {
		p.snap.tree.close()
		p.snap = nil
	}
}
