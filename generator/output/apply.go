package output

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
)

// newFilePerm is the permission of a file irsagen creates, before the umask. A file it replaces
// keeps the permissions it has.
const newFilePerm = 0o644

// Write makes DIR hold files: NewPlan followed by Apply. The Changes describe what was done, or,
// with an error, what would have been done; after any error DIR is as it was.
func Write(dir string, files []File, opts Options) (Changes, error) {
	p, err := NewPlan(dir, files, opts)
	if err != nil {
		return Changes{}, err
	}
	return p.Changes, p.Apply()
}

// Apply carries out the plan. It returns a *ConflictError, writing nothing, if the plan has
// conflicts; it writes nothing at all if the plan is Empty. Otherwise it reads DIR again and
// refuses to go on if anything the plan looked at has changed, then writes in three phases:
// stage every new file as a temporary file beside its target; move each replaced or deleted file
// aside and each temporary file into place, the manifest last; remove the files moved aside and
// the directories that deletions left empty. If any step fails, every step done is undone, DIR
// (created if it did not exist) ends as it was, and the error says so.
func (p *Plan) Apply() error {
	if len(p.Conflicts) > 0 {
		return &ConflictError{Dir: p.Dir, Conflicts: p.Conflicts}
	}
	if p.Empty() {
		return nil
	}

	created, err := makeDir(p.Dir)
	if err != nil {
		return fmt.Errorf("%s: creating output directory: %w", p.Dir, err)
	}
	err = p.applyIn()
	if err != nil {
		if rbErr := removeDirs(created); rbErr != nil {
			err = fmt.Errorf("%w; removing the output directory it created: %v", err, rbErr)
		}
	}
	return err
}

func (p *Plan) applyIn() error {
	open := p.opts.OpenFS
	if open == nil {
		open = OpenRoot
	}
	fsys, err := open(p.Dir)
	if err != nil {
		return err
	}
	defer fsys.Close()

	s, err := scan(p.Dir, fsys, p.want)
	if err != nil {
		return err
	}
	if !maps.Equal(s.tree.fingerprint(), p.fingerprint) {
		return fmt.Errorf("%s: changed since irsagen read it; nothing was written; run again", p.Dir)
	}
	_, steps := decide(s, p.opts.Force)

	j := &journal{fsys: fsys}
	err = commit(j, s.tree, steps)
	if err == nil {
		return nil
	}
	if rbErr := j.rollback(); rbErr != nil {
		return fmt.Errorf("%s: writing failed: %w\nundoing the write failed too, so the directory may be partly updated; "+
			"restore it from git:\n%v", p.Dir, err, rbErr)
	}
	return fmt.Errorf("%s: writing failed, nothing was changed: %w", p.Dir, err)
}

// commit performs the steps through j. The tree is the reading of DIR the steps were decided
// from; it says which directories exist and what each replaced file holds.
func commit(j *journal, t *tree, steps []step) error {
	// Stage: after this, every new byte is on disk, and nothing visible has changed except new
	// directories and temporary files.
	temps := make([]string, len(steps))
	made := map[string]bool{}
	for i, st := range steps {
		if st.del {
			continue
		}
		if err := makeParents(j, t, st.path, made); err != nil {
			return err
		}
		perm, exact := fs.FileMode(newFilePerm), false
		if st.old.kind == regular {
			perm, exact = st.old.mode, true
		}
		tmp, err := j.stage(path.Dir(st.path), st.data, perm, exact)
		if err != nil {
			return err
		}
		temps[i] = tmp
	}

	// Swap: move the old files aside rather than replacing them, so they can be moved back.
	backups := make([]string, len(steps))
	for i, st := range steps {
		if st.old.kind == regular {
			bak, err := j.backupName(path.Dir(st.path))
			if err != nil {
				return err
			}
			if err := j.rename(st.path, bak); err != nil {
				return err
			}
			backups[i] = bak
		}
		if !st.del {
			if err := j.rename(temps[i], st.path); err != nil {
				return err
			}
		}
	}

	// Clean up: the old files and the directories deletions emptied.
	for i, st := range steps {
		if backups[i] != "" {
			if err := j.removeFile(backups[i], st.old.data, st.old.mode); err != nil {
				return err
			}
		}
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
	return nil
}

// makeParents creates the missing directories above p, shallowest first.
func makeParents(j *journal, t *tree, p string, made map[string]bool) error {
	var missing []string
	for d := path.Dir(p); d != "."; d = path.Dir(d) {
		if t.seen[d].kind == directory || made[d] {
			break
		}
		missing = append(missing, d)
	}
	for i := len(missing) - 1; i >= 0; i-- {
		if err := j.mkdir(missing[i]); err != nil {
			return err
		}
		made[missing[i]] = true
	}
	return nil
}

// makeDir creates dir and any missing parents, like os.MkdirAll, and returns what it created so
// that a failed write can remove it again.
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
		if err := os.Mkdir(missing[i], 0o755); err != nil {
			return nil, errors.Join(err, removeDirs(created))
		}
		created = append(created, missing[i])
	}
	return created, nil
}

// removeDirs removes directories made by makeDir, deepest first.
func removeDirs(dirs []string) error {
	var errs []error
	for i := len(dirs) - 1; i >= 0; i-- {
		if err := os.Remove(dirs[i]); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
