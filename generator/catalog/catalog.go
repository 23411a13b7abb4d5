// Package catalog holds irsagen's dated lists of AWS names that no rule can derive: the
// AWS-managed policies of each partition, with their paths, and the regions with their
// partitions. config.Validate checks irsa.yaml against them, so that a misspelt policy or region
// fails at generate rather than at deploy; irsa.yaml's catalog: section allows names newer than
// the lists. The files in data/ are converted from AWS's own listings by cmd/catalog
// (docs/catalog.md).
package catalog

import (
	"embed"
	"regexp"
	"sort"
	"strings"
	"sync"
)

//go:embed data
var data embed.FS

// Partitions irsagen supports. A region of another partition (aws-iso, aws-eusc ...) is refused.
var Supported = []string{"aws", "aws-cn", "aws-us-gov"}

// partitionOf is the regionRegex of each partition in the AWS SDKs' partitions document, in the
// order they are tried: a region that no list holds still gets its partition from its name.
var partitionOf = []struct {
	partition string
	re        *regexp.Regexp
}{
	{"aws-cn", regexp.MustCompile(`^cn-\w+-\d+$`)},
	{"aws-us-gov", regexp.MustCompile(`^us-gov-\w+-\d+$`)},
	{"aws-iso", regexp.MustCompile(`^us-iso-\w+-\d+$`)},
	{"aws-iso-b", regexp.MustCompile(`^us-isob-\w+-\d+$`)},
	{"aws-iso-e", regexp.MustCompile(`^eu-isoe-\w+-\d+$`)},
	{"aws-iso-f", regexp.MustCompile(`^us-isof-\w+-\d+$`)},
	{"aws-eusc", regexp.MustCompile(`^eusc-de-\w+-\d+$`)},
	{"aws", regexp.MustCompile(`^(us|eu|ap|sa|ca|me|af|il|mx)-\w+-\d+$`)},
}

// Partition is the partition of a region: the one the catalog lists it in, else the one whose
// names it follows (cn-* is aws-cn, us-gov-* aws-us-gov, us-iso-* aws-iso ...), else "".
func Partition(region string) string {
	if p, ok := load().regions[region]; ok {
		return p
	}
	for _, p := range partitionOf {
		if p.re.MatchString(region) {
			return p.partition
		}
	}
	return ""
}

// Region reports whether the catalog lists a region.
func Region(name string) bool {
	_, ok := load().regions[name]
	return ok
}

// Regions lists the catalog's regions of a partition, sorted.
func Regions(partition string) []string {
	var out []string
	for r, p := range load().regions {
		if p == partition {
			out = append(out, r)
		}
	}
	sort.Strings(out)
	return out
}

// RegionsAsOf is the date of the region list.
func RegionsAsOf() string { return load().regionsAsOf }

// Policies is the catalog of one partition's AWS-managed policies.
type Policies struct {
	// Partition is the partition the list was taken in: the partition asked for, or "aws" for a
	// partition that has no list of its own (see docs/catalog.md).
	Partition string
	AsOf      string
	names     map[string]bool   // path/name, as irsa.yaml writes it
	byBase    map[string]string // name without its path → path/name
	sorted    []string
}

// ManagedPolicies is the catalog of a partition's AWS-managed policies.
func ManagedPolicies(partition string) *Policies {
	c := load()
	if p, ok := c.policies[partition]; ok {
		return p
	}
	return c.policies["aws"]
}

// Has reports whether name (with its path, "service-role/AmazonEBSCSIDriverPolicy") is listed.
func (p *Policies) Has(name string) bool { return p.names[name] }

// WithPath is the listed name, with its path, of a policy written without it, or "".
func (p *Policies) WithPath(base string) string { return p.byBase[base] }

// Names lists the policies, sorted.
func (p *Policies) Names() []string { return p.sorted }

type catalog struct {
	regions     map[string]string // region → partition
	regionsAsOf string
	policies    map[string]*Policies // partition → its list
}

var load = sync.OnceValue(func() *catalog {
	c := &catalog{regions: map[string]string{}, policies: map[string]*Policies{}}
	c.regionsAsOf = parse("data/regions.txt", func(line string) {
		region, partition, _ := strings.Cut(line, " ")
		c.regions[region] = partition
	})
	entries, err := data.ReadDir("data")
	if err != nil {
		panic("catalog: " + err.Error())
	}
	for _, e := range entries {
		partition, ok := strings.CutPrefix(strings.TrimSuffix(e.Name(), ".txt"), "managed-policies-")
		if !ok {
			continue
		}
		p := &Policies{Partition: partition, names: map[string]bool{}, byBase: map[string]string{}}
		p.AsOf = parse("data/"+e.Name(), func(name string) {
			p.names[name] = true
			p.sorted = append(p.sorted, name)
			if i := strings.LastIndexByte(name, '/'); i >= 0 {
				p.byBase[name[i+1:]] = name
			}
		})
		c.policies[partition] = p
	}
	return c
})

// parse calls each for every line of an embedded file but its comments, and returns the date its
// first line gives ("..., as of 2026-08-26.").
func parse(file string, each func(line string)) (asOf string) {
	b, err := data.ReadFile(file)
	if err != nil {
		panic("catalog: " + err.Error())
	}
	for i, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if strings.HasPrefix(line, "#") {
			if _, date, ok := strings.Cut(line, "as of "); ok && i == 0 {
				asOf = strings.TrimSuffix(date, ".")
			}
			continue
		}
		each(line)
	}
	return asOf
}
