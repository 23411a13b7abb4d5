// Package output is the last stage of the irsagen pipeline and the only one that touches disk.
//
// Every stage before it is pure: it turns the config into a []File held in memory. This package
// takes that tree and either writes it into the output directory DIR (Write, for generate) or
// compares it with what DIR holds and renders a unified diff (Diff). Nothing else in irsagen
// reads, writes or deletes files under DIR, so the file guarantees of SPEC §4 live here and only
// here:
//
//   - Ownership. DIR/.irsagen-manifest.json lists every file irsagen wrote, with its SHA-256. A file
//     is deleted only if the manifest lists it, it is no longer generated, and its bytes still hash
//     to what the manifest recorded. A file the manifest does not list is never overwritten or
//     deleted, not even with Force.
//   - Quiet. A file whose bytes are already right is not rewritten, so its mtime survives; a run
//     that changes nothing writes nothing, not even the manifest.
//   - Safe. A write is one sequence (Write): lock DIR, read it, decide; stage the whole new tree
//     in a staging directory DIR/.irsagen-tmp-*; publish each file with a rename over its path,
//     after giving the file it replaces or deletes a second name (a hard link) in the staging
//     directory, the manifest last; remove the staging directory. Every change is recorded with
//     its inverse; if any fails, the changes are undone in reverse, and DIR ends byte-for-byte as
//     it was. A reader sees at every path the old file or the new one, even if the process is
//     killed; what a killed write leaves is reported by Diff and removed by the next Write.
//   - One at a time. Write holds an exclusive lock (flock) on DIR, Diff a shared one, so two
//     runs into one directory take turns and a diff never sees a write half done.
//   - Confined. All access goes through an FS rooted at DIR (os.Root), and every path irsagen
//     touches is checked component by component: a symbolic link is refused with an error naming
//     it, so nothing outside DIR can be written, read or deleted.
//
// Files are compared by SHA-256, as the manifest compares them, and content is kept only where a
// diff shows it, so that reading DIR does not hold a second copy of the tree.
//
// With OpenRoot's FS, files are read, staged, renamed and removed by several goroutines. The
// phases of a write still follow one another, the manifest still moves into place last, and the
// journal records the changes in the same order however they were scheduled.
//
// The FS interface exists so tests can make any single change fail, or stop the write there as
// a kill would, and check what DIR then holds.
package output
