// Package jsonnet evaluates the Jsonnet policy templates of irsa.yaml (policies[].jsonnet and the
// built-in library in package templates) into IAM policy documents.
//
// It sits between validation and planning: the caller collects every template the config uses,
// with its arguments and the context of the role it is rendered for, evaluates them all in one
// Evaluate call, and checks the resulting documents like any policy written in YAML. Evaluate
// reads nothing but the files under Evaluator.Root and the embedded library, and its output
// depends only on its input: the same jobs give the same documents and the same errors, in
// whatever order they are passed and on however many CPUs.
//
// # Templates are untrusted input
//
// A template is code, and a config may come from a pull request. Evaluation is therefore
// confined:
//
//   - imports resolve inside the config directory through an os.Root, so neither "..", an
//     absolute path nor a symbolic link can reach a file outside it; 'irsagen/...' is the
//     built-in library (importer.go);
//   - the Jsonnet stack is bounded (MaxStack), so deep recursion fails with a positioned error;
//   - each job has a deadline (Timeout), the whole call one too (TotalTimeout), each worker a
//     memory ceiling (MaxMemory) and each document a size bound (MaxOutput), checked in the
//     worker so that the parent never holds an oversized result.
//
// # Why child processes
//
// go-jsonnet cannot be interrupted: there is no context, and a tailstrict loop neither grows the
// stack nor returns. Running it in a goroutine and abandoning that goroutine at the deadline
// would leave it burning a CPU, and allocating, until the process exits. That would be
// tolerable for a CLI that exits right away, but not for `validate`, which goes on to build
// overlays, nor for tests; and it does nothing against a template that exhausts memory, which
// takes the whole process down with a runtime fatal error that no recover catches.
//
// So templates run in worker processes: re-executions of the current binary (os.Executable)
// with IRSAGEN_JSONNET_WORKER set. The init function in worker.go turns such a process into a
// worker before main or TestMain runs, so neither the irsagen command nor any test binary needs
// a hook: whatever binary links this package can serve as its worker. The parent kills a worker
// whose job overruns its deadline, and a worker exits on its own when its heap passes MaxMemory;
// either way the error names the job's file and nothing keeps running. Workers start once per
// Evaluate call (one, or one per CPU for large batches, pool.go), which costs milliseconds per
// run, not per job.
//
// # Why it is fast
//
// A go-jsonnet evaluation costs a few hundred microseconds however small the template, mostly
// to build the standard library object, so a fleet of 10,000 roles cannot afford one evaluation
// per role. Inside a worker one VM evaluates the jobs in turn, so each file is read and parsed
// once, and a memo (memo.go) reuses the result of an earlier job whenever it is provably the
// same: same file and arguments, and the same values for the context fields the template
// actually read, which the context binding (context.go) records. Most templates read the
// account, partition and region and ignore the role's own names, so thousands of roles cost a
// handful of evaluations (see BenchmarkEvaluate).
package jsonnet
