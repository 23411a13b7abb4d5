package plan

import (
	"errors"
	"fmt"
	"reflect"
	"sort"

	"github.com/irsagen/irsagen/generator/config"
	"github.com/irsagen/irsagen/generator/diag"
	"github.com/irsagen/irsagen/generator/jsonnet"
)

// templateJob is one policy template to render for one role: a named Jsonnet policy, or a
// wellKnown add-on policy of the built-in library.
type templateJob struct {
	role   *Role
	name   string         // the policy's name: the config's policy name, or the add-on's
	policy *config.Policy // the named policy; nil for an add-on
	at     string         // the add-on entry's path in its ServiceAccount ("wellKnown[0]")
	job    jsonnet.Job
}

func (b *builder) addTemplateJob(r *Role, name, file string, args config.Value, policy *config.Policy, at string) {
	clusters := make([]any, 0, len(r.Trust))
	for _, t := range r.Trust {
		clusters = append(clusters, t.Cluster.Name)
	}
	regions, clusterRegions := roleRegions(r)
	b.jobs = append(b.jobs, templateJob{role: r, name: name, policy: policy, at: at, job: jsonnet.Job{
		File: file,
		Args: map[string]any(args),
		Context: map[string]any{
			"accountId":      r.Account.ID,
			"accountName":    r.Account.Name,
			"partition":      r.Account.Partition,
			"region":         r.Account.Region,
			"clusters":       clusters,
			"regions":        regions,
			"clusterRegions": clusterRegions,
			"namespace":      r.Namespace,
			"serviceAccount": r.ServiceAccount,
			"roleName":       r.Name,
		},
	}})
}

// evaluateTemplates renders every policy template in one sandboxed batch and attaches the
// documents. A named Jsonnet policy that renders the same document for every role of an account
// becomes that account's managed policy, like a policy written in YAML; one whose document
// depends on the role is embedded in each role instead. Add-on policies are embedded in their role.
func (b *builder) evaluateTemplates() {
	if len(b.jobs) == 0 {
		return
	}
	jobs := make([]jsonnet.Job, len(b.jobs))
	for i, j := range b.jobs {
		jobs[i] = j.job
	}
	docs, err := (&jsonnet.Evaluator{Root: b.dir}).Evaluate(jobs)
	if err != nil {
		b.templateError(err)
		return
	}
	type group struct {
		account *Account
		policy  *config.Policy
		jobs    []int
	}
	groups := map[[2]string]*group{}
	var order [][2]string
	for i, j := range b.jobs {
		if !b.checkTemplateResult(j, docs[i]) {
			continue
		}
		if j.policy == nil {
			j.role.InlinePolicies = append(j.role.InlinePolicies, InlinePolicy{Name: j.name, Document: docs[i]})
			continue
		}
		key := [2]string{j.role.Account.Name, j.name}
		if groups[key] == nil {
			groups[key] = &group{account: j.role.Account, policy: j.policy}
			order = append(order, key)
		}
		groups[key].jobs = append(groups[key].jobs, i)
	}
	for _, key := range order {
		g := groups[key]
		same := true
		for _, i := range g.jobs[1:] {
			same = same && reflect.DeepEqual(docs[i], docs[g.jobs[0]])
		}
		if same {
			mp := b.policy(g.account, g.policy.Name)
			mp.Document = config.Document(docs[g.jobs[0]])
			for _, i := range g.jobs {
				b.attach(b.jobs[i].role, mp)
			}
			continue
		}
		for _, i := range g.jobs {
			r := b.jobs[i].role
			r.InlinePolicies = append(r.InlinePolicies, InlinePolicy{Name: g.policy.Name, Document: docs[i]})
		}
	}
	for _, r := range b.plan.Roles {
		b.checkInlineNames(r)
	}
}

// checkTemplateResult holds a rendered document to the rules of a policy written in YAML.
func (b *builder) checkTemplateResult(j templateJob, doc map[string]any) bool {
	ok := true
	config.CheckDocument(doc, func(path, msg string) {
		ok = false
		where := path
		if where == "" {
			where = "the document"
		}
		b.errorf(b.templatePos(j), "policy %s (%s) rendered for role %s: %s: %s", j.name, j.job.File, j.role.Name, where, msg)
	})
	return ok
}

func (b *builder) templatePos(j templateJob) diag.Pos {
	if j.policy != nil {
		return j.policy.At("jsonnet")
	}
	return j.role.Source.At(j.at)
}

// checkInlineNames reports two inline policies of one role with one name: CloudFormation would
// keep only one of them.
func (b *builder) checkInlineNames(r *Role) {
	sort.SliceStable(r.InlinePolicies, func(i, j int) bool { return r.InlinePolicies[i].Name < r.InlinePolicies[j].Name })
	for i := 1; i < len(r.InlinePolicies); i++ {
		if r.InlinePolicies[i].Name == r.InlinePolicies[i-1].Name {
			b.errorf(r.Source.Pos(), "role %s would embed two policies named %s; rename the named policy or drop one of them", r.Name, r.InlinePolicies[i].Name)
		}
	}
}

// templateError reports evaluation errors: those in a template at its file, line and column,
// anything else (a worker that could not start) as it is.
func (b *builder) templateError(err error) {
	var errs []error
	if joined, ok := err.(interface{ Unwrap() []error }); ok {
		errs = joined.Unwrap()
	} else {
		errs = []error{err}
	}
	for _, e := range errs {
		var je *jsonnet.Error
		if errors.As(e, &je) {
			if j, ok := b.namedPolicyJob(je); ok && je.Line == 0 {
				// No position in a Jsonnet file (a deadline, a memory or output bound, a file
				// that cannot be read): the error is the irsa.yaml entry's that names the file.
				b.errorf(b.templatePos(j), "policy %s (%s): %s", j.name, j.job.File, je.Diagnostic().Message)
				continue
			}
			b.templateDiagnostics(je)
			continue
		}
		b.failure = errors.Join(b.failure, fmt.Errorf("evaluating policy templates: %w", e))
	}
}

// namedPolicyJob is the first job of a named Jsonnet policy that failed with je.
func (b *builder) namedPolicyJob(je *jsonnet.Error) (templateJob, bool) {
	for _, i := range je.Jobs {
		if i < len(b.jobs) && b.jobs[i].policy != nil {
			return b.jobs[i], true
		}
	}
	return templateJob{}, false
}
