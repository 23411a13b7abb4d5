package plan

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"unicode"

	"github.com/irsagen/irsagen/generator/config"
)

const maxRoleName = 64

// RoleName derives a role's IAM name from its ServiceAccount. Kubernetes names never contain
// '_', so joining the parts with '_' keeps distinct ServiceAccounts apart ("team-a"/"a" gives
// team-a_a, "team"/"a-a" gives team_a-a). A name over IAM's 64 characters keeps its start and
// ends in a hash of the whole, so it stays stable and distinct.
func RoleName(cluster, namespace, name string) string {
	parts := []string{namespace, name}
	if cluster != "" {
		parts = append([]string{cluster}, parts...)
	}
	return shorten(strings.Join(parts, "_"), maxRoleName)
}

// ClusterKey is a cluster's name where case does not count: in IAM role names, which IAM compares
// regardless of case, and in output paths, which macOS and Windows compare regardless of case. A
// name without capitals is itself. A name with capitals gains "." and a hash of its exact
// spelling, so "Prod" and "prod" stay apart; no cluster name contains '.', so the result meets
// no other cluster's key, and it depends on the name alone, so it never changes as clusters come
// and go.
func ClusterKey(name string) string {
	if strings.ToLower(name) == name {
		return name
	}
	return name + "." + shortHash(name, 8)
}

func shorten(s string, limit int) string {
	if len(s) <= limit {
		return s
	}
	h := shortHash(s, 10)
	return s[:limit-len(h)-1] + "-" + h
}

// shortHash is the first n hex digits of s's SHA-256.
func shortHash(s string, n int) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])[:n]
}

// LogicalID derives a CloudFormation logical id from a resource's IAM identity (a role or policy
// name, a provider's issuer): a CamelCase form of readable and a hash of the exact identity. It
// depends on nothing else, so adding or removing other resources never renames one
// (CloudFormation replaces a resource whose logical id changes).
func LogicalID(prefix, readable, identity string) string {
	var b strings.Builder
	b.WriteString(prefix)
	upper := true
	for _, r := range readable {
		switch {
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			if upper {
				r = unicode.ToUpper(r)
			}
			b.WriteRune(r)
			upper = false
		default:
			upper = true
		}
		if b.Len() >= 200 {
			break
		}
	}
	b.WriteString(shortHash(identity, 8))
	return b.String()
}

// Partition is the AWS partition of a region.
func Partition(region string) string { return config.Partition(region) }
