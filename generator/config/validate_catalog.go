package config

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/irsagen/irsagen/generator/catalog"
	"github.com/irsagen/irsagen/generator/diag"
)

// The checks against irsagen's catalog of AWS names (generator/catalog): names that follow every
// rule of their kind yet do not exist, which AWS would refuse only at deploy time.

// awsManagedARN is an AWS-managed policy's ARN: its partition, and its path and name.
var awsManagedARN = regexp.MustCompile(`^arn:([a-z-]+):iam::aws:policy/(.+)$`)

// catalogRegion checks a region that has a region's shape against the region catalog.
func (v *validator) catalogRegion(pos diag.Pos, r string) {
	p := catalog.Partition(r)
	if p != "" && !slices.Contains(catalog.Supported, p) {
		v.errorf(pos, "region %q is in partition %s, which irsagen does not support; it supports %s", r, p, supported())
		return
	}
	if catalog.Region(r) || slices.Contains(v.cfg.Catalog.Regions, r) {
		if p == "" {
			v.errorf(pos, "region %q follows the names of no AWS partition irsagen supports (%s)", r, supported())
		}
		return
	}
	var known []string
	for _, s := range catalog.Supported {
		known = append(known, catalog.Regions(s)...)
	}
	hint := ""
	if s := diag.Suggest(r, known); s != "" {
		hint = fmt.Sprintf("; did you mean %q?", s)
	}
	v.errorf(pos, "region %q is not an AWS region%s (irsagen's list of regions of %s; allow a region AWS opened since under catalog.regions)", r, hint, catalog.RegionsAsOf())
}

// supported is "aws, aws-cn and aws-us-gov".
func supported() string {
	s := catalog.Supported
	return strings.Join(s[:len(s)-1], ", ") + " and " + s[len(s)-1]
}

// checkCatalog checks the AWS-managed policies of every ServiceAccount, by name or ARN, against
// the catalog of the partition of each account its roles live in.
func (v *validator) checkCatalog() {
	for i, r := range v.cfg.Catalog.Regions {
		pos := v.cfg.Catalog.At(itemPath("regions", i))
		if !region.MatchString(r) {
			v.errorf(pos, "region %q is not an AWS region such as us-east-1, cn-north-1 or us-gov-west-1", r)
		} else if p := catalog.Partition(r); p != "" && !slices.Contains(catalog.Supported, p) {
			v.errorf(pos, "region %q is in partition %s, which irsagen does not support; it supports %s", r, p, supported())
		}
	}
	for i, p := range v.cfg.Catalog.ManagedPolicies {
		if !managedName.MatchString(p) || !plainPath(p) {
			v.errorf(v.cfg.Catalog.At(itemPath("managedPolicies", i)), "managed policy %q is not the name of an AWS-managed policy with its path, such as service-role/AmazonEBSCSIDriverPolicy (no empty, \".\" or \"..\" segment)", p)
		}
	}
	for i := range v.cfg.ServiceAccounts {
		sa := &v.cfg.ServiceAccounts[i]
		if len(sa.ManagedPolicies) == 0 {
			continue
		}
		partitions := v.rolePartitions(sa)
		for j, mp := range sa.ManagedPolicies {
			name, in := mp, partitions
			if m := awsManagedARN.FindStringSubmatch(mp); m != nil {
				name, in = m[2], []string{m[1]}
			} else if strings.HasPrefix(mp, "arn:") {
				continue // a customer policy
			}
			v.managedPolicy(sa.At(itemPath("managedPolicies", j)), mp, name, in)
		}
	}
}

// serviceLinkedPath is the path of the AWS-managed policies of service-linked roles.
const serviceLinkedPath = "aws-service-role/"

// managedPolicy checks one AWS-managed policy, written as mp, against the catalog of each of
// partitions; it reports the first partition that lacks it.
func (v *validator) managedPolicy(pos diag.Pos, mp, name string, partitions []string) {
	if !managedName.MatchString(name) || !plainPath(name) {
		return // a malformed name is reported by the ServiceAccount's own checks
	}
	// No allowance makes a service-linked role's policy attachable to another role.
	if strings.HasPrefix(name, serviceLinkedPath) {
		v.errorf(pos, "managed policy %q belongs to a service-linked role: IAM attaches the policies under %s to no other role (PolicyNotAttachable at deploy); attach a policy with the actions the workload calls instead", mp, serviceLinkedPath)
		return
	}
	if slices.Contains(v.cfg.Catalog.ManagedPolicies, name) {
		return
	}
	if p, ok := v.policies[name]; ok && name == mp {
		v.errorf(pos, "managed policy %q is not an AWS-managed policy but a policy of this file (line %d): list it under policies, not managedPolicies", name, p.Pos().Line)
		return
	}
	for _, partition := range partitions {
		c := catalog.ManagedPolicies(partition)
		if c.Has(name) {
			continue
		}
		base := name[strings.LastIndexByte(name, '/')+1:]
		// A suggestion is written as mp is: a name, or an ARN.
		arn := strings.TrimSuffix(mp, name)
		switch {
		case c.WithPath(base) != "" && !strings.HasPrefix(c.WithPath(base), serviceLinkedPath):
			v.errorf(pos, "managed policy %q is not an AWS-managed policy; did you mean %q? The path is part of the name", mp, arn+c.WithPath(base))
		case base != name && c.Has(base):
			v.errorf(pos, "managed policy %q is not an AWS-managed policy; did you mean %q? That policy has no path", mp, arn+base)
		default:
			hint := ""
			if s := diag.Suggest(name, c.Names()); s != "" {
				hint = fmt.Sprintf("; did you mean %q?", arn+s)
			}
			v.errorf(pos, "managed policy %q is not an AWS-managed policy%s (irsagen's list of partition %s, %s; allow a policy AWS added since, by its name with its path, under catalog.managedPolicies)", mp, hint, c.Partition, c.AsOf)
		}
		return
	}
}

// plainPath reports whether a policy's path and name hold no empty, "." or ".." segment and no
// wildcard: those are refused on their own (checkValues), and would only repeat here.
func plainPath(name string) bool {
	for _, seg := range strings.Split(name, "/") {
		if seg == "" || seg == "." || seg == ".." || strings.ContainsAny(seg, "*?") {
			return false
		}
	}
	return true
}

// rolePartitions are the partitions of the accounts a ServiceAccount's roles live in, sorted:
// its account's, or else its clusters' accounts'. Names that are not defined are left out; they
// are reported on their own.
func (v *validator) rolePartitions(sa *ServiceAccount) []string {
	var out []string
	add := func(account string) {
		if a, ok := v.accounts[account]; ok && region.MatchString(a.Region) {
			if p := Partition(a.Region); !slices.Contains(out, p) {
				out = append(out, p)
			}
		}
	}
	switch {
	case sa.Account != "":
		add(sa.Account)
	case len(sa.Clusters) == 1 && sa.Clusters[0] == AllClusters:
		for _, c := range v.clusters {
			add(c.Account)
		}
	default:
		for _, name := range sa.Clusters {
			if c, ok := v.clusters[name]; ok {
				add(c.Account)
			}
		}
	}
	slices.Sort(out)
	return out
}
