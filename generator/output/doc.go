// Package output is the last stage of the irsagen pipeline and the only one that touches disk.
//
// Every stage before it is pure: it turns the config into a []File held in memory. This package
// takes that tree and either writes it into the output directory DIR (generate) or compares it
// with what DIR holds and renders a unified diff (diff). Nothing else in irsagen reads, writes or
// deletes files under DIR, so the file guarantees of SPEC §4 live here and only here:
//
//   - Ownership. DIR/.irsagen-manifest.json lists every file irsagen wrote, with its SHA-256. A file
//     is deleted only if the manifest lists it, it is no longer generated, and its bytes still hash
//     to what the manifest recorded. A file the manifest does not list is never overwritten or
//     deleted, not even with Force.
//   - Quiet. A file whose bytes are already right is not rewritten, so its mtime survives; a run
//     that changes nothing writes nothing, not even the manifest.
//   - Safe. Everything is read and checked (NewPlan) before the first write. Apply stages every new
//     file as a temporary file beside its target, or, where the directory is new, in a temporary
//     directory renamed into place whole; then renames into place while keeping the old files
//     aside, and records each step with its inverse; if any step fails, the steps done so far are
//     undone in reverse, so DIR ends byte-for-byte as it was, without temporary files.
//   - Confined. All access goes through an FS rooted at DIR (os.Root by default), and every path
//     irsagen touches is checked component by component: a symbolic link is refused with an error
//     naming it, so nothing outside DIR can be written, read or deleted.
//
// Reading DIR can start before the tree is known: Prefetch reads the manifest and the files it
// lists while the tree is rendered, and Diff or NewPlan complete that reading with the paths it
// did not cover. Files are compared by SHA-256, as the manifest compares them, and content is
// kept only where a write may have to restore it or a diff show it, so that reading DIR does not
// hold a second copy of the tree. Nothing read early is trusted more than before: Apply reads
// every path again and refuses to write if anything changed since the plan's reading, and Diff
// reads again the files whose changes it shows.
//
// With OpenRoot's FS, files are read, staged, renamed and removed by several goroutines. The
// phases of a write still follow one another, the manifest still moves into place last, and the
// journal records the changes in the same order however they were scheduled.
//
// The FS interface exists so tests can make any single write, rename or remove fail and check that
// the rollback leaves DIR untouched.
package output
