package output

import (
	"cmp"
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
)

// newFilePerm is the permission of a file irsagen creates, before the umask. A file it replaces
// keeps the permissions it has.
const newFilePerm = 0o644

// Write makes DIR hold files. The Changes describe what was done, or, with an error, what would
// have been done.
//
// It creates DIR if it does not exist, locks it against other irsagen runs (lockDir), reads it,
// and decides what to change (decide). If there are conflicts, it returns a *ConflictError and
// writes nothing; if there is nothing to change, it touches nothing. Otherwise it writes in four
// phases (commit): remove what interrupted runs left; stage every new file in a staging
// directory in DIR; publish, renaming each staged file over its path after giving the file it
// replaces or deletes a second name (a hard link) in the staging directory, the manifest last;
// and, once the manifest is in place, remove the staging directory. A reader of any path sees
// the old file or the new one, never neither, even if the process is killed. If any step before
// the manifest is in place fails, every step done is undone, DIR (created if it did not exist)
// ends as it was, and the error says so.
func Write(dir string, files []File, opts Options) (Changes, error) {
	want, err := checkFiles(files)
	if err != nil {
		return Changes{}, err
	}
	g := newGenerated(want)
	for attempt := 1; ; attempt++ {
		created, err := makeDir(dir)
		if err != nil {
			return Changes{}, fmt.Errorf("%s: creating the output directory: %w; nothing was changed", dir, err)
		}
		c, err := writeLocked(dir, created, g, opts)
		if errors.Is(err, errDirReplaced) && attempt < 3 {
			continue
		}
		return c, err
	}
}

// writeLocked is Write once DIR exists; created lists the directories Write created for it.
func writeLocked(dir string, created []string, g *generated, opts Options) (c Changes, err error) {
	unlock, err := lockDir(dir, true)
	if err != nil {
		return Changes{}, err
	}
	defer unlock()
	defer func() {
		// Before unlocking, so that a run waiting for the lock finds DIR gone rather than write
		// into a removed directory; only an empty directory is removed.
		if err != nil {
			removeDirs(created)
		}
	}()
	fsys, err := openFS(dir, opts)
	if err != nil {
		return Changes{}, err
	}
	defer fsys.Close()

	s, err := scan(dir, fsys, g, false)
	if err != nil {
		return Changes{}, err
	}
	c, steps := decide(s, opts.Force)
	if len(c.Conflicts) > 0 {
		return c, &ConflictError{Dir: dir, Conflicts: c.Conflicts}
	}
	if c.Empty() {
		return c, nil
	}
	return c, commit(dir, fsys, s.tree, steps, c.Leftovers)
}

// staging is where a write keeps its temporary files and backups: a new directory in DIR,
// so that renames between it and any path of DIR stay on one filesystem, where a rename is
// atomic, and so that whatever an interrupted write left is in one place, which the next write
// finds and removes. Step i's new content is staged as new-i, and the file it replaces or
// deletes keeps a second name (a hard link), old-i, until the write is complete.
type staging string

func (s staging) new(i int) string { return string(s) + "/new-" + strconv.Itoa(i) }
func (s staging) old(i int) string { return string(s) + "/old-" + strconv.Itoa(i) }

// commit performs the steps, decided from the reading t of DIR, after removing the leftovers of
// interrupted runs. Within each phase the files are independent of one another, so when the FS
// allows, several goroutines work through them (journal.each); the phases follow one another,
// and the manifest moves into place after every other file.
func commit(dir string, fsys FS, t *tree, steps []step, leftovers []string) error {
	for _, p := range leftovers {
		// Nothing refers to them, and the lock says that no run is using them.
		if err := fsys.RemoveAll(p); err != nil {
			return fmt.Errorf("%s: removing %s, left by an interrupted irsagen run: %w; nothing else was changed",
				dir, p, err)
		}
	}

	j := &journal{fsys: fsys}
	tmp := staging(tempPrefix + rand.Text())
	err := j.mkdir(string(tmp))
	if err == nil {
		err = stage(j, t, tmp, steps)
	}
	if err == nil {
		err = publish(j, t, tmp, steps)
	}
	if err != nil {
		what := describe(err)
		if rbErr := j.rollback(); rbErr != nil {
			return fmt.Errorf("%s: writing failed: %w\nundoing the write failed too, so some files may hold their new "+
				"content; the files they replaced are kept in %s until the next irsagen generate, which "+
				"completes the write; or restore the directory from git:\n%v", dir, what, tmp, rbErr)
		}
		nothing := "nothing was changed"
		if len(leftovers) > 0 {
			nothing += " but the removal of what an interrupted run had left"
		}
		return fmt.Errorf("%s: writing failed, %s: %w", dir, nothing, what)
	}
	// The write is complete; what is left in the staging directory is the backups.
	if err := fsys.RemoveAll(string(tmp)); err != nil {
		return fmt.Errorf("%s: every file was written, but removing %s, irsagen's own, failed: %w; "+
			"the next irsagen generate removes it", dir, tmp, err)
	}
	return nil
}

// describe adds to a write's error what the user can do about the usual causes.
func describe(err error) error {
	switch {
	case errors.Is(err, syscall.ENOSPC), errors.Is(err, syscall.EDQUOT):
		return fmt.Errorf("%w (free some space, or raise the quota, and run again)", err)
	case errors.Is(err, syscall.EROFS):
		return fmt.Errorf("%w (the output directory is on a read-only filesystem)", err)
	}
	return err
}

// stage creates the missing directories, shallowest first, and writes every new file's content
// into the staging directory. After it, nothing that was at any path has changed.
func stage(j *journal, t *tree, tmp staging, steps []step) error {
	for _, d := range missingDirs(t, steps) {
		if err := j.mkdir(d); err != nil {
			return err
		}
	}
	return j.each(len(steps), workersFor(j.fsys), func(i int, j *journal) error {
		st := steps[i]
		if st.del {
			return nil
		}
		perm, exact := fs.FileMode(newFilePerm), false
		if st.old.kind == regular {
			perm, exact = st.old.mode, true
		}
		return j.stage(tmp.new(i), st.data, perm, exact)
	})
}

// publish renames each staged file over its path and removes each deleted file, first giving
// the file it replaces or deletes a second name in the staging directory, so that undoing it is
// one rename; then it removes the directories that deletions left empty. The manifest, the last
// step, goes last and alone: until it is in place, the old one describes every file not reached.
func publish(j *journal, t *tree, tmp staging, steps []step) error {
	one := func(i int, j *journal) error {
		st := steps[i]
		bak := ""
		if st.old.kind == regular {
			bak = tmp.old(i)
			if err := j.keep(st.path, bak, st.old.mode); err != nil {
				return err
			}
		}
		if st.del {
			return j.remove(st.path, bak)
		}
		return j.replace(tmp.new(i), st.path, bak)
	}
	files := len(steps)
	if files > 0 && steps[files-1].path == ManifestName {
		files--
	}
	if err := j.each(files, workersFor(j.fsys), one); err != nil {
		return err
	}
	for _, d := range pruneCandidates(steps) {
		entries, err := j.fsys.ReadDir(d)
		if err != nil {
			return err
		}
		if len(entries) == 0 {
			if err := j.removeDir(d, t.seen[d].mode); err != nil {
				return err
			}
		}
	}
	if files < len(steps) {
		return one(files, j)
	}
	return nil
}

// missingDirs lists the directories missing above the files the steps write, shallowest first.
func missingDirs(t *tree, steps []step) []string {
	missing := map[string]bool{}
	for _, st := range steps {
		if st.del {
			continue
		}
		for d := path.Dir(st.path); d != "." && !missing[d]; d = path.Dir(d) {
			if t.seen[d].kind == directory {
				break
			}
			missing[d] = true
		}
	}
	return slices.SortedFunc(maps.Keys(missing), func(a, b string) int {
		return cmp.Or(cmp.Compare(strings.Count(a, "/"), strings.Count(b, "/")), strings.Compare(a, b))
	})
}

// makeDir creates dir and any missing parents, like os.MkdirAll, and returns what it created so
// that a failed write can remove it again. A directory that another process creates meanwhile
// is not one it created.
func makeDir(dir string) ([]string, error) {
	var missing []string
	for d := filepath.Clean(dir); ; d = filepath.Dir(d) {
		_, err := os.Stat(d)
		if err == nil {
			break
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
		missing = append(missing, d)
		if filepath.Dir(d) == d {
			break
		}
	}
	var created []string
	for i := len(missing) - 1; i >= 0; i-- {
		err := os.Mkdir(missing[i], 0o755)
		if errors.Is(err, fs.ErrExist) {
			if fi, serr := os.Stat(missing[i]); serr == nil && fi.IsDir() {
				continue
			}
		}
		if err != nil {
			removeDirs(created)
			return nil, err
		}
		created = append(created, missing[i])
	}
	return created, nil
}

// removeDirs removes, deepest first, the directories makeDir created, as far as they are empty.
func removeDirs(dirs []string) {
	for i := len(dirs) - 1; i >= 0; i-- {
		if os.Remove(dirs[i]) != nil {
			return
		}
	}
}
